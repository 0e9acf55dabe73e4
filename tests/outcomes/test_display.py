"""Rounding happens only for display, half up to one decimal."""

from __future__ import annotations

import pytest

from pinpoint.outcomes import describe, headline, score_responses, shown


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (16 / 45 * 100, "35.6"),
        (32.0, "32"),
        (10.125, "10.1"),
        (2.25, "2.3"),
        (0.05, "0.1"),
        (1 / 3, "0.3"),
        (0.0, "0"),
        (100.0, "100"),
    ],
)
def test_display_rounds_half_up_to_one_decimal(value: float, text: str) -> None:
    assert shown(value) == text


def test_the_stored_score_is_not_rounded() -> None:
    result = score_responses("odi", [2, 2, 2, None, 2, 2, 2, 1, 1, 2])
    assert result.score == 16 / 45 * 100
    assert "35.6 %" in headline(result)


def test_ndi_shows_raw_score_and_percentage() -> None:
    result = score_responses("ndi", [2] * 10)
    assert headline(result) == (
        "Neck Disability Index, NDI (Vernon & Mior 1991): 20 out of 50 (40 %), moderate disability"
    )


def test_unanswered_phq9_item_9_asks_for_follow_up_in_person() -> None:
    lines = describe(score_responses("phq9", [0] * 8 + [None]))
    assert any("Item 9" in line and "not answered" in line for line in lines)


def test_no_score_says_why() -> None:
    lines = describe(score_responses("nprs", [None]))
    assert lines[0].endswith("no score")
    assert "needs every item answered" in lines[1]
