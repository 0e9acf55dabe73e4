"""Assessments as QuestionnaireResponse and score Observation, for every instrument."""

from __future__ import annotations

from datetime import date

import pytest

from pinpoint.fhir.assessments import AssessmentRecord, assessment_resources
from pinpoint.outcomes import score_responses
from tests.fhir.validation import check

CASES = [
    ("nprs", [6], None),
    ("odi", [1, 2, 3, None, 2, 1, 0, 2, 3, 2], None),
    ("ndi", [2] * 10, None),
    ("phq2", [2, 1], None),
    ("phq9", [1, 2, 0, 1, None, 3, 2, 1, 1], None),
    ("psfs", [4, 6, 5], ["walking", "lifting", "sleeping"]),
    ("odi", [None] * 9 + [1], None),  # too many missing: no score
]


@pytest.mark.parametrize(("code", "answers", "activities"), CASES)
def test_each_instrument_maps_to_valid_r4(
    code: str, answers: list[int | None], activities: list[str] | None
) -> None:
    result = score_responses(code, answers, activities)
    record = AssessmentRecord(7, 1, 2, date(2025, 3, 4), answers, result)
    qr, obs = (check(r) for r in assessment_resources(record))
    assert [i.get("answer", [{}])[0].get("valueInteger") for i in qr["item"]] == answers
    assert obs["derivedFrom"] == [{"reference": "QuestionnaireResponse/assessment-7"}]
    assert obs["category"][0]["coding"][0]["code"] == "survey"
    if result.score is None:
        assert "valueQuantity" not in obs
        assert obs["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    else:
        assert obs["valueQuantity"]["value"] == result.score
    if code == "phq9":
        assert obs["code"]["coding"][0] == {
            "system": "http://loinc.org",
            "code": "44261-6",
            "display": "Patient Health Questionnaire-9 total score",
        }
    if code == "psfs":
        assert obs["code"]["coding"][0]["system"] != "http://loinc.org"
        assert [i["text"] for i in qr["item"]] == activities
