"""The eligibility rule: precedence of verdicts, never assuming an unshown requirement."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pinpoint.law.eligibility import PractitionerFacts, Verdict, judge
from pinpoint.law.schemas import LawStatus, RequirementsPublic
from pinpoint.law.vocabulary import Profession, Status


def _law(status: Status, **requirements: object) -> LawStatus:
    return LawStatus(
        jurisdiction="CO",
        jurisdiction_name="Colorado",
        profession=Profession.PHYSICAL_THERAPIST,
        on=date(2026, 1, 1),
        status=status,
        since=None,
        since_precision=None,
        valid_from=None,
        valid_until=None,
        basis=None,
        citation=None,
        summary="test law",
        requirements=RequirementsPublic(**requirements),
        sources=[],
        conflicts=[],
    )


TRAINED = PractitionerFacts(training_hours=60, in_person_hours=45, years_licensed=5)


def test_prohibited_and_pending_laws_make_everyone_not_eligible() -> None:
    for status in (Status.PROHIBITED, Status.PENDING):
        result = judge(_law(status), TRAINED)
        assert result.verdict is Verdict.NOT_ELIGIBLE
        assert result.reasons


def test_silent_and_unknown_laws_give_law_silent() -> None:
    for status in (Status.SILENT, Status.UNKNOWN):
        assert judge(_law(status), TRAINED).verdict is Verdict.LAW_SILENT


def test_no_training_on_record_gives_training_unknown() -> None:
    result = judge(_law(Status.PERMITTED), PractitionerFacts())
    assert result.verdict is Verdict.TRAINING_UNKNOWN
    assert "training" in result.reasons[0]


def test_too_few_hours_is_not_eligible_and_says_how_many() -> None:
    result = judge(_law(Status.PERMITTED, min_training_hours=50), PractitionerFacts(40))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert "40 of 50" in result.reasons[0]


def test_a_requirement_the_facts_cannot_show_is_never_assumed_met() -> None:
    law = _law(Status.PERMITTED, min_training_hours=50, min_years_licensed=2)
    result = judge(law, PractitionerFacts(training_hours=60))
    assert result.verdict is Verdict.TRAINING_UNKNOWN
    assert "years licensed" in result.reasons[0]


def test_registration_required_but_not_on_record_is_training_unknown() -> None:
    result = judge(_law(Status.PERMITTED, registration_required=True), TRAINED)
    assert result.verdict is Verdict.TRAINING_UNKNOWN
    assert "registration" in result.reasons[0]


def test_a_shown_unmet_requirement_outranks_an_unshown_one() -> None:
    law = _law(Status.PERMITTED, min_training_hours=50, min_supervised_sessions=25)
    result = judge(law, PractitionerFacts(training_hours=30))
    assert result.verdict is Verdict.NOT_ELIGIBLE


def test_meeting_every_requirement_is_eligible() -> None:
    law = _law(Status.PERMITTED, min_training_hours=50, min_in_person_hours=40)
    assert judge(law, TRAINED).verdict is Verdict.ELIGIBLE


optional_number = st.none() | st.floats(min_value=0, max_value=500, allow_nan=False)


@given(
    status=st.sampled_from(list(Status)),
    minimum=optional_number,
    hours=optional_number,
    years_min=optional_number,
    years=optional_number,
)
def test_verdict_follows_the_written_precedence(
    status: Status,
    minimum: float | None,
    hours: float | None,
    years_min: float | None,
    years: float | None,
) -> None:
    law = _law(status, min_training_hours=minimum, min_years_licensed=years_min)
    result = judge(law, PractitionerFacts(training_hours=hours, years_licensed=years))
    assert result.reasons
    if status in (Status.PROHIBITED, Status.PENDING):
        assert result.verdict is Verdict.NOT_ELIGIBLE
    elif status in (Status.SILENT, Status.UNKNOWN):
        assert result.verdict is Verdict.LAW_SILENT
    elif hours is None:
        assert result.verdict is Verdict.TRAINING_UNKNOWN
    elif (minimum is not None and hours < minimum) or (
        years_min is not None and years is not None and years < years_min
    ):
        assert result.verdict is Verdict.NOT_ELIGIBLE
    elif years_min is not None and years is None:
        assert result.verdict is Verdict.TRAINING_UNKNOWN
    else:
        assert result.verdict is Verdict.ELIGIBLE


def test_a_required_filing_not_on_record_names_the_filing() -> None:
    law = _law(
        Status.PERMITTED,
        registration_required=True,
        filing="a signed acknowledgement form on file with the board",
    )
    result = judge(law, TRAINED)
    assert result.verdict is Verdict.TRAINING_UNKNOWN
    assert "signed acknowledgement form" in result.reasons[0]
    assert "before needling" in result.reasons[0]


def test_a_required_filing_shown_missing_is_not_eligible() -> None:
    law = _law(Status.PERMITTED, registration_required=True, filing="an attestation form")
    facts = PractitionerFacts(
        training_hours=60, in_person_hours=45, years_licensed=5, registered=False
    )
    result = judge(law, facts)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert "attestation form" in result.reasons[0]


def test_a_filing_on_record_lets_training_decide() -> None:
    law = _law(Status.PERMITTED, registration_required=True, filing="an attestation form")
    facts = PractitionerFacts(
        training_hours=60, in_person_hours=45, years_licensed=5, registered=True
    )
    assert judge(law, facts).verdict is Verdict.ELIGIBLE


def test_louisianas_acknowledgement_is_never_assumed_filed() -> None:
    from pinpoint.law.service import practitioner_eligibility

    facts = PractitionerFacts(training_hours=60, in_person_hours=60, years_licensed=5)
    result, law = practitioner_eligibility("LA", "physical_therapist", facts)
    assert law.requirements.registration_required is True
    assert result.verdict is Verdict.TRAINING_UNKNOWN
    assert any("acknowledgement" in reason for reason in result.reasons)
