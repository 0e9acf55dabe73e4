"""What a patient is shown of each instrument: published wording only where its terms allow."""

from __future__ import annotations

import pytest

from pinpoint.errors import InvalidInput
from pinpoint.outcomes import get_instrument
from pinpoint.outcomes.questions import LICENSED_NOTE, activities_to_rerate, questionnaire
from pinpoint.outcomes.records_schemas import AssessmentPublic
from pinpoint.outcomes.scoring import score_responses


@pytest.mark.parametrize("code", ["odi", "ndi"])
def test_licensed_instruments_show_section_names_and_positions_only(code: str) -> None:
    form = questionnaire(code)
    spec = get_instrument(code)
    assert form.licensed_note == LICENSED_NOTE
    assert [q.title for q in form.questions] == [item.name for item in spec.items]
    for question in form.questions:
        assert question.text is None
        assert [c.value for c in question.choices] == [0, 1, 2, 3, 4, 5]
        assert all("statement" in c.label for c in question.choices)
        assert question.may_skip  # one section may be missed


@pytest.mark.parametrize(("code", "items"), [("phq9", 9), ("phq2", 2), ("nprs", 1)])
def test_public_instruments_show_their_published_wording(code: str, items: int) -> None:
    form = questionnaire(code)
    spec = get_instrument(code)
    assert form.licensed_note is None
    assert len(form.questions) == items
    assert [q.text for q in form.questions] == [item.text for item in spec.items]
    assert all(q.text for q in form.questions)


def test_phq_answers_are_the_published_frequency_words() -> None:
    (first, *_rest) = questionnaire("phq9").questions
    assert [c.label for c in first.choices] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day",
    ]  # fmt: skip
    assert first.stem is not None
    assert first.stem.startswith("Over the last 2 weeks")


def test_only_instruments_with_a_missing_item_rule_offer_a_skip() -> None:
    assert not questionnaire("nprs").questions[0].may_skip
    assert not any(q.may_skip for q in questionnaire("phq2").questions)
    assert all(q.may_skip for q in questionnaire("phq9").questions)


def test_the_nprs_names_its_two_ends() -> None:
    labels = [c.label for c in questionnaire("nprs").questions[0].choices]
    assert labels[0] == "0: No pain"
    assert labels[-1] == "10: Worst pain imaginable"
    assert labels[5] == "5"


def test_a_psfs_has_one_question_per_named_activity() -> None:
    assert questionnaire("psfs").names_activities
    form = questionnaire("psfs", ["Walking", "Sitting", "Lifting", "Running"])
    assert not form.names_activities
    assert [q.title for q in form.questions] == ["Walking", "Sitting", "Lifting", "Running"]
    assert [c.value for c in form.questions[0].choices] == list(range(11))


@pytest.mark.parametrize(
    "names", [["Walking", "Sitting"], ["a", "b", "c", "d", "e", "f"], ["Walk", "walk ", "Sit"]]
)
def test_a_psfs_needs_three_to_five_distinct_activities(names: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        questionnaire("psfs", names)
    assert refused.value.field is not None
    assert refused.value.field.startswith("activities")


def test_a_follow_up_psfs_rates_the_first_psfs_activities_again() -> None:
    def stored(
        instrument: str, responses: list[int], activities: list[str] | None
    ) -> AssessmentPublic:
        result = score_responses(instrument, responses, activities)
        return AssessmentPublic.model_validate(
            {"id": 1, "episode_id": 1, "instrument": instrument, "taken_on": "2025-03-01",
             "score": result.model_dump(), "responses": responses, "activities": activities,
             "source": "clinic", "version": 1, "created_at": "2025-03-01T10:00:00Z"}
        )  # fmt: skip

    first = stored("psfs", [3, 4, 5], ["Walking", "Sitting", "Lifting"])
    later = stored("psfs", [5, 5, 6], ["Walking", "Sitting", "Lifting"])
    pain = stored("nprs", [5], None)
    assert activities_to_rerate([pain, first, later]) == ("Walking", "Sitting", "Lifting")
    assert activities_to_rerate([pain]) is None
