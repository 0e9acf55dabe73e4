"""Every published edge: complete forms, each missing-item limit, each band edge.

Expected values are written out by hand from the sources recorded in the data files,
not computed by the code under test.
"""

from __future__ import annotations

import pytest

from pinpoint.outcomes import score_responses

M = None  # a missing answer


def _odi_with_sum(total: int, missing: int = 0) -> list[int | None]:
    """ODI answers summing to ``total`` over 10 - missing sections (missing ones last)."""
    answered = 10 - missing
    answers: list[int | None] = []
    for _ in range(answered):
        step = min(5, total - sum(a for a in answers if a is not None))
        answers.append(step)
    assert sum(a for a in answers if a is not None) == total
    return answers + [M] * missing


# --- ODI 2.1a (Fairbank & Pynsent 2000) -------------------------------------------------


def test_odi_complete_form_is_the_published_example_16_of_50() -> None:
    result = score_responses("odi", [2, 2, 2, 2, 2, 2, 1, 1, 1, 1])
    assert result.score == 32.0
    assert (result.max, result.missing_items, result.band) == (100, [], "moderate")
    assert result.version == "ODI 2.1a"


def test_odi_one_missed_section_is_the_published_example_16_of_45() -> None:
    result = score_responses("odi", [2, 2, 2, M, 2, 2, 2, 1, 1, 2])
    assert result.score == pytest.approx(35.5555555555, abs=1e-9)
    assert result.score == 16 / 45 * 100
    assert result.missing_items == [4]
    assert result.answered == 9
    assert result.band == "moderate"
    assert result.reason is None


def test_odi_two_missed_sections_give_no_score_with_the_reason() -> None:
    result = score_responses("odi", [2, 2, 2, M, 2, 2, 2, M, 1, 2])
    assert result.score is None
    assert result.band is None
    assert result.missing_items == [4, 8]
    assert result.reason is not None
    assert "4 (Walking)" in result.reason
    assert "8 (Sex life (if applicable))" in result.reason
    assert "at most 1" in result.reason


def test_odi_every_section_missing_gives_no_score() -> None:
    result = score_responses("odi", [M] * 10)
    assert (result.score, result.answered) == (None, 0)


@pytest.mark.parametrize(
    ("total", "score", "band"),
    [
        (0, 0.0, "minimal"),
        (10, 20.0, "minimal"),
        (11, 22.0, "moderate"),
        (20, 40.0, "moderate"),
        (21, 42.0, "severe"),
        (30, 60.0, "severe"),
        (31, 62.0, "crippled"),
        (40, 80.0, "crippled"),
        (41, 82.0, "bed_bound_or_exaggerating"),
        (50, 100.0, "bed_bound_or_exaggerating"),
    ],
)
def test_odi_band_edges_on_complete_forms(total: int, score: float, band: str) -> None:
    result = score_responses("odi", _odi_with_sum(total))
    assert (result.score, result.band) == (score, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (9, "minimal"),  # 9/45 = 20.0 %
        (10, "moderate"),  # 22.2 %
        (18, "moderate"),  # 40.0 %
        (19, "severe"),  # 42.2 %
        (27, "severe"),  # 60.0 %
        (28, "crippled"),  # 62.2 %
        (36, "crippled"),  # 80.0 %
        (37, "bed_bound_or_exaggerating"),  # 82.2 %
    ],
)
def test_odi_band_edges_with_one_section_missing(total: int, band: str) -> None:
    assert score_responses("odi", _odi_with_sum(total, missing=1)).band == band


# --- NDI (Vernon & Mior 1991; bands Vernon, raw score) ------------------------------------


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (24, "moderate"),
        (25, "severe"),
        (34, "severe"),
        (35, "complete"),
        (50, "complete"),
    ],
)
def test_ndi_band_edges_on_the_raw_score(raw: int, band: str) -> None:
    result = score_responses("ndi", _odi_with_sum(raw))
    assert (result.score, result.max, result.band) == (float(raw), 50, band)
    assert result.percent == raw * 2


def test_ndi_one_missing_item_takes_the_average_of_the_others() -> None:
    # 16 over 9 answered: the missing item counts 16/9, raw = 160/9 = 17.78, 35.6 %.
    result = score_responses("ndi", [2, 2, 2, M, 2, 2, 2, 1, 1, 2])
    assert result.score == 160 / 9
    assert result.percent == 320 / 9
    assert (result.band, result.missing_items) == ("moderate", [4])


def test_ndi_two_missing_items_give_no_score() -> None:
    result = score_responses("ndi", [2, 2, 2, M, M, 2, 2, 1, 1, 2])
    assert (result.score, result.percent, result.band) == (None, None, None)
    assert result.reason is not None
    assert "5 (Headaches)" in result.reason


def test_ndi_prorated_score_below_a_band_edge_stays_in_the_lower_band() -> None:
    # 4 over 9 answered: raw 40/9 = 4.44, below the published "5-14 mild" edge.
    result = score_responses("ndi", [1, 1, 1, 1, 0, 0, 0, 0, 0, M])
    assert result.score == 40 / 9
    assert result.band == "none"


# --- PHQ-9 (Kroenke, Spitzer & Williams 2001) ---------------------------------------------


def _phq9_with_sum(total: int, item9: int = 0) -> list[int | None]:
    answers: list[int | None] = []
    rest = total - item9
    for _ in range(8):
        step = min(3, rest)
        answers.append(step)
        rest -= step
    assert rest == 0
    return [*answers, item9]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total: int, band: str) -> None:
    result = score_responses("phq9", _phq9_with_sum(total, item9=min(3, max(0, total - 24))))
    assert (result.score, result.max, result.band) == (float(total), 27, band)


def test_phq9_one_missing_item_is_prorated_and_kept_unrounded() -> None:
    # 9 over 8 answered: 9 x 9 / 8 = 10.125 -> moderate (the 10 cut point is reached).
    result = score_responses("phq9", [1, 1, 1, 1, 1, 1, 1, M, 2])
    assert result.score == 10.125
    assert (result.band, result.missing_items) == ("moderate", [8])


def test_phq9_two_missing_items_are_prorated() -> None:
    # 7 over 7 answered: 7 x 9 / 7 = 9 -> mild.
    result = score_responses("phq9", [1, 1, 1, M, 1, 1, 1, M, 1])
    assert (result.score, result.band, result.missing_items) == (9.0, "mild", [4, 8])


def test_phq9_three_missing_items_give_no_score() -> None:
    result = score_responses("phq9", [1, 1, M, M, 1, 1, 1, M, 0])
    assert (result.score, result.band) == (None, None)
    assert result.reason is not None
    assert "at most 2" in result.reason


def test_phq9_prorated_score_just_below_a_cut_point_stays_below_it() -> None:
    # 4 over 8 answered: 4 x 9 / 8 = 4.5, below the published cut point of 5.
    result = score_responses("phq9", [1, 1, 1, 1, 0, 0, 0, M, 0])
    assert (result.score, result.band) == (4.5, "minimal")


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_says_whether_item_9_is_above_zero(item9: int, flag: bool) -> None:
    result = score_responses("phq9", [0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert result.item9_positive is flag


def test_phq9_item_9_is_flagged_even_when_there_is_no_total() -> None:
    result = score_responses("phq9", [M, M, M, 0, 0, 0, 0, 0, 1])
    assert result.score is None
    assert result.item9_positive is True


def test_phq9_unanswered_item_9_is_unknown_not_negative() -> None:
    result = score_responses("phq9", [0, 0, 0, 0, 0, 0, 0, 0, M])
    assert result.score == 0.0
    assert result.item9_positive is None


# --- PHQ-2 (cut point 3) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "band", "prompts"),
    [([0, 0], "negative", False), ([1, 1], "negative", False), ([2, 0], "negative", False),
     ([2, 1], "positive", True), ([0, 3], "positive", True), ([3, 3], "positive", True)],
)  # fmt: skip
def test_phq2_three_or_more_is_a_positive_screen_that_prompts_a_phq9(
    answers: list[int], band: str, prompts: bool
) -> None:
    result = score_responses("phq2", answers)
    assert (result.score, result.max) == (float(sum(answers)), 6)
    assert (result.band, result.prompts_phq9) == (band, prompts)


def test_phq2_needs_both_items() -> None:
    result = score_responses("phq2", [3, M])
    assert (result.score, result.band, result.prompts_phq9) == (None, None, None)
    assert result.missing_items == [2]


# --- NPRS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 1, 5, 9, 10])
def test_nprs_score_is_the_rating_without_a_band(rating: int) -> None:
    result = score_responses("nprs", [rating])
    assert (result.score, result.max, result.band) == (float(rating), 10, None)


def test_nprs_needs_its_item() -> None:
    result = score_responses("nprs", [M])
    assert result.score is None
    assert result.missing_items == [1]
    assert result.reason is not None


# --- PSFS (Stratford 1995) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "score"),
    [([3, 4, 5], 4.0), ([0, 0, 1], 1 / 3), ([10, 9, 8, 7], 8.5), ([2, 4, 6, 8, 10], 6.0)],
)
def test_psfs_score_is_the_mean_of_three_to_five_activities(
    ratings: list[int], score: float
) -> None:
    result = score_responses("psfs", ratings)
    assert (result.score, result.max, result.band) == (score, 10, None)
    assert result.items == len(ratings)


def test_psfs_every_named_activity_needs_a_rating() -> None:
    result = score_responses("psfs", [5, M, 6], ["Walking", "Driving", "Lifting"])
    assert result.score is None
    assert result.missing_items == [2]
    assert result.activities == ["Walking", "Driving", "Lifting"]
