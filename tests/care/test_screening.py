"""Screening: the most severe finding decides; relative findings are the precautions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.care.codes import ABSOLUTE_FINDINGS, RELATIVE_FINDINGS, Finding, ScreeningResult
from pinpoint.care.screening import screen
from pinpoint.errors import InvalidInput

SEVERITY = list(ScreeningResult)


def test_nothing_found_is_clear() -> None:
    assert screen([]) == (ScreeningResult.CLEAR, [])


def test_a_relative_finding_gives_precautions_listing_it() -> None:
    assert screen(["bleeding_risk", "diabetes"]) == (
        ScreeningResult.PRECAUTIONS,
        [Finding.BLEEDING_RISK, Finding.DIABETES],
    )


def test_an_absolute_finding_contraindicates_and_keeps_the_precautions() -> None:
    result, precautions = screen(["pregnancy", "needle_phobia"])
    assert result is ScreeningResult.CONTRAINDICATED
    assert precautions == [Finding.PREGNANCY]


def test_every_code_of_the_reference_is_absolute_or_relative() -> None:
    assert set(Finding) == ABSOLUTE_FINDINGS | RELATIVE_FINDINGS
    assert len(ABSOLUTE_FINDINGS) == 6
    assert not ABSOLUTE_FINDINGS & RELATIVE_FINDINGS


def test_an_unknown_finding_is_invalid_input_naming_findings() -> None:
    with pytest.raises(InvalidInput) as caught:
        screen(["diabetes", "broken_leg"])
    assert caught.value.field == "findings"
    assert "broken_leg" in caught.value.message


@given(st.lists(st.sampled_from(list(Finding)), max_size=25))
def test_the_most_severe_finding_decides(findings: list[Finding]) -> None:
    result, precautions = screen(findings)
    if any(f in ABSOLUTE_FINDINGS for f in findings):
        assert result is ScreeningResult.CONTRAINDICATED
    elif findings:
        assert result is ScreeningResult.PRECAUTIONS
    else:
        assert result is ScreeningResult.CLEAR
    assert set(precautions) == set(findings) & RELATIVE_FINDINGS
    assert len(precautions) == len(set(precautions))


@given(st.lists(st.sampled_from(list(Finding)), max_size=10), st.sampled_from(list(Finding)))
def test_adding_a_finding_never_lowers_the_result(findings: list[Finding], more: Finding) -> None:
    before, _ = screen(findings)
    after, _ = screen([*findings, more])
    assert SEVERITY.index(after) >= SEVERITY.index(before)
