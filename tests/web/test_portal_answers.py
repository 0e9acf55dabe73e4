"""The questionnaire's answers carried from screen to screen in the form (no JavaScript)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.vocabulary import InstrumentCode
from pinpoint.web.pages import portal_answers as pa
from pinpoint.web.pages.clinic_forms import FormState

PHQ9 = InstrumentCode.PHQ9


def _form(**values: str) -> FormState:
    return FormState.initial(values)


def test_a_questionnaire_starts_at_its_first_question() -> None:
    sheet = pa.start(PHQ9, None)
    assert (sheet.step, sheet.total, sheet.answers) == (1, 9, ("",) * 9)
    psfs = pa.start(InstrumentCode.PSFS, None)
    assert psfs.naming
    assert psfs.first_step == 0
    assert pa.start(InstrumentCode.PSFS, ("A", "B", "C")).step == 1


def _offered(value: str) -> str | None:
    """What a PHQ-9 screen accepts, said independently: blank, skip, or 0-3 in ASCII."""
    text = value.strip()
    if text in ("", "skip"):
        return text
    if text.isascii() and text.isdigit() and len(text) < 3 and int(text) <= 3:
        return str(int(text))
    return None


@given(st.one_of(st.text(max_size=6), st.sampled_from(["0", "3", "03", "4", "skip", " 2 "])))
def test_only_the_offered_answers_are_accepted(value: str) -> None:
    want = _offered(value)
    if want is None:
        with pytest.raises(InvalidInput) as refused:
            pa.read(_form(step="1", a1=value), PHQ9, None)
        assert refused.value.field == "a1"
    else:
        assert pa.read(_form(step="1", a1=value), PHQ9, None).answer(1) == want


@pytest.mark.parametrize("step", ["0", "11", "x", "-1", "", "٣"])
def test_a_screen_that_does_not_exist_is_refused(step: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        pa.read(_form(step=step), PHQ9, None)
    assert refused.value.field == "step"


def test_next_needs_an_answer_and_back_never_leaves_the_questionnaire() -> None:
    sheet = pa.read(_form(step="1"), PHQ9, None)
    stuck = pa.move(sheet, "next", PHQ9)
    assert (stuck.step, stuck.error_field) == (1, "a1")
    assert stuck.error == pa.CHOOSE_OR_SKIP
    assert pa.move(sheet, "back", PHQ9).step == 1
    answered = pa.read(_form(step="1", a1="2"), PHQ9, None)
    assert pa.move(answered, "next", PHQ9).step == 2


def test_send_goes_to_the_first_unanswered_question() -> None:
    values = {f"a{n}": "1" for n in range(1, 10)} | {"a4": "", "step": "10"}
    sheet = pa.read(_form(**values), PHQ9, None)
    moved = pa.move(sheet, "send", PHQ9)
    assert (moved.step, moved.error_field) == (4, "a4")
    assert not pa.ready(moved)
    full = pa.read(_form(**(values | {"a4": "skip"})), PHQ9, None)
    assert pa.ready(pa.move(full, "send", PHQ9))
    assert full.responses() == [1, 1, 1, None, 1, 1, 1, 1, 1]


def test_change_from_the_check_screen_goes_to_that_question() -> None:
    values = {f"a{n}": "0" for n in range(1, 10)} | {"step": "10"}
    sheet = pa.read(_form(**values), PHQ9, None)
    assert pa.move(sheet, "edit-3", PHQ9).step == 3
    assert pa.move(sheet, "edit-99", PHQ9).step == 9
    with pytest.raises(InvalidInput):
        pa.move(sheet, "jump", PHQ9)


def test_item_9_above_0_is_seen_before_sending() -> None:
    values = {f"a{n}": "0" for n in range(1, 9)} | {"step": "10"}
    assert pa.read(_form(**values, a9="1"), PHQ9, None).item9_positive
    assert not pa.read(_form(**values, a9="0"), PHQ9, None).item9_positive
    assert not pa.read(_form(**values, a9="skip"), PHQ9, None).item9_positive


def test_psfs_activities_are_named_then_rated() -> None:
    psfs = InstrumentCode.PSFS
    named = pa.read(_form(step="0", act1="Walking", act2="Sitting", act3="Lifting"), psfs, None)
    moved = pa.move(named, "next", psfs)
    assert (moved.step, moved.total) == (1, 3)
    assert moved.form.activities == ("Walking", "Sitting", "Lifting")
    twice = pa.read(_form(step="0", act1="Walk", act2="walk", act3="Sit"), psfs, None)
    refused = pa.move(twice, "next", psfs)
    assert (refused.step, refused.error_field) == (0, "act1")
