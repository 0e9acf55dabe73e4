"""The consent form carries what the state's law requires: writing, and no delegation."""

from __future__ import annotations

from datetime import date

from pinpoint.care.disclosure import STANDARD_DISCLOSURE, disclosure_for
from pinpoint.law.service import law_status


def test_a_written_consent_state_says_so_on_the_form() -> None:
    form = disclosure_for(law_status("VA"))
    assert form.written_required is True
    assert "Virginia law" in form.text
    assert "in writing" in form.text


def test_a_state_that_forbids_delegation_says_only_the_practitioner_needles() -> None:
    form = disclosure_for(law_status("NV"))
    assert form.written_required is True
    assert "does not allow dry needling to be handed to an assistant" in form.text


def test_delegation_is_stated_even_without_written_consent() -> None:
    law = law_status("NE")
    assert law.requirements.may_delegate is False
    assert not law.requirements.written_consent
    form = disclosure_for(law)
    assert form.written_required is False
    assert "Nebraska law does not allow" in form.text


def test_a_state_with_no_recorded_duties_gets_the_standard_text() -> None:
    form = disclosure_for(law_status("TX"))
    assert (form.written_required, form.text) == (False, STANDARD_DISCLOSURE)


def test_florida_consent_duty_follows_the_date() -> None:
    assert disclosure_for(law_status("FL", on=date(2021, 4, 19))).written_required is True
    assert disclosure_for(law_status("FL", on=date(2020, 1, 1))).written_required is False
