"""Dated answers a clinician relies on: when a status began, when a law became usable,
which duties bind, and what newer law changed."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from pinpoint.law.knowledge import shipped
from pinpoint.law.service import law_status
from pinpoint.law.vocabulary import Basis, Profession, Status

PT = Profession.PHYSICAL_THERAPIST
DC = Profession.CHIROPRACTOR


# ---- 1. since: when the status took effect, across a change of legal basis ------------------


@pytest.mark.parametrize(
    ("code", "since"),
    [
        ("AZ", date(2014, 4, 25)),  # statute; the 2015 rule changed only the basis
        ("KS", date(2016, 5, 1)),  # statute of May 2016; rules of 2017
        ("MD", date(1984, 1, 1)),  # board 1984; regulation 2017, registration 2018
        ("NV", date(2012, 3, 1)),  # board 2012; statute 2019; regulation 2020
        ("NC", date(2010, 9, 1)),  # board 2010; guideline 2012; board notice 2015
        ("VA", date(2007, 3, 1)),  # board 2007; regulation 2020
    ],
)
def test_since_is_when_the_status_began_not_when_todays_basis_did(code: str, since: date) -> None:
    answer = law_status(code)
    assert answer.status is Status.PERMITTED
    assert answer.since == since
    assert answer.valid_from is not None
    assert answer.valid_from >= since


def test_since_carries_across_every_adjoining_period_with_the_same_status() -> None:
    for (code, _profession), timeline in shipped().periods.items():
        for earlier, later in itertools.pairwise(timeline):
            if earlier.ends == later.starts and earlier.record.status is later.record.status:
                assert later.since == earlier.since, (code, later.starts)


# ---- 2. pending until the rules or standards a law needs take effect --------------------------


@pytest.mark.parametrize(
    ("code", "profession", "day", "status"),
    [
        ("ID", PT, date(2017, 6, 1), Status.PROHIBITED),
        ("ID", PT, date(2018, 8, 1), Status.PENDING),  # HB 505 in force, rules awaited
        ("SD", PT, date(2018, 7, 15), Status.PENDING),
        ("SD", PT, date(2018, 8, 1), Status.PERMITTED),  # ARSD 20:66:04 in force
        ("TN", PT, date(2015, 3, 1), Status.PROHIBITED),
        ("TN", PT, date(2015, 4, 9), Status.PENDING),  # signed
        ("TN", PT, date(2015, 6, 30), Status.PENDING),
        ("TN", PT, date(2015, 7, 1), Status.PERMITTED),
        ("FL", PT, date(2020, 12, 1), Status.PENDING),  # s. 486.117 awaits the board's standards
        ("FL", PT, date(2021, 4, 19), Status.PERMITTED),  # Rule 64B17-6.008
        ("IL", PT, date(2018, 3, 1), Status.PENDING),  # rules proposed, not in force
        ("GA", PT, date(2011, 6, 1), Status.PENDING),  # signed, in force 1 July 2011
        ("GA", PT, date(2011, 7, 1), Status.PERMITTED),
        ("NJ", PT, date(2022, 2, 1), Status.PENDING),
        ("WA", PT, date(2024, 1, 1), Status.PENDING),
        ("WA", PT, date(2024, 6, 22), Status.PERMITTED),
        ("OR", PT, date(2026, 1, 1), Status.PENDING),
        ("FL", DC, date(2024, 9, 1), Status.PENDING),  # s. 460.4085 awaits the board's rule
        ("FL", DC, date(2024, 12, 29), Status.PERMITTED),
    ],
)
def test_a_law_waiting_for_its_rules_is_pending_until_they_take_effect(
    code: str, profession: Profession, day: date, status: Status
) -> None:
    assert law_status(code, profession, day).status is status


def test_a_permitted_status_that_follows_pending_dates_from_the_rules() -> None:
    assert law_status("TN").since == date(2015, 7, 1)
    assert law_status("SD").since == date(2018, 8, 1)
    assert law_status("FL").since == date(2021, 4, 19)


def test_no_permitted_period_starts_on_the_day_a_pending_one_does() -> None:
    for timeline in shipped().periods.values():
        pending = {p.starts for p in timeline if p.record.status is Status.PENDING}
        permitted = {p.starts for p in timeline if p.record.status is Status.PERMITTED}
        assert not pending & permitted


# ---- 3. requirements with their own start and their own sources -------------------------------


def test_indianas_hour_minimum_applies_only_after_june_2024() -> None:
    before = law_status("IN", on=date(2024, 6, 30))
    after = law_status("IN", on=date(2024, 7, 1))
    assert before.status is after.status is Status.PERMITTED
    assert before.requirements.min_training_hours is None
    assert (after.requirements.min_training_hours, after.requirements.min_in_person_hours) == (
        50,
        40,
    )
    assert after.since == date(2023, 4, 19)


def test_colorado_places_the_46_hour_rule_where_its_source_dates_it() -> None:
    older = law_status("CO", on=date(2015, 1, 1))
    assert older.requirements.min_training_hours == 46
    assert older.requirements.min_years_licensed == 2
    assert law_status("CO").requirements.min_training_hours == 50


def test_each_requirement_cites_the_source_that_states_it() -> None:
    answer = law_status("CO")
    by_field = {r.field: [s.title for s in r.sources] for r in answer.requirement_sources}
    assert any(t.startswith("PPHC") for t in by_field["min_training_hours"])
    assert by_field["written_consent"]
    assert not any(t.startswith("PPHC") for t in by_field["written_consent"])
    assert set(by_field) == {
        name
        for name, value in answer.requirements.model_dump().items()
        if value is not None and name not in ("notes", "filing")
    }


# ---- 4. duties kept as data ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["FL", "KS", "VA", "NV"])
def test_consent_duties_are_data(code: str) -> None:
    assert law_status(code).requirements.written_consent is True


@pytest.mark.parametrize(
    ("code", "filing"),
    [("LA", "acknowledgement"), ("FL", "attestation"), ("NV", "proof"), ("GA", "documentation")],
)
def test_a_filing_with_the_board_before_needling_is_data(code: str, filing: str) -> None:
    requirements = law_status(code).requirements
    assert requirements.registration_required is True
    assert requirements.filing
    assert filing in requirements.filing


def test_nevada_forbids_delegation() -> None:
    assert law_status("NV").requirements.may_delegate is False


# ---- 5. other professions: vendor lists and articles are not legal findings -------------


@pytest.mark.parametrize("code", ["GA", "MI", "PA", "HI", "WA", "NY"])
def test_a_chiropractor_ban_resting_on_a_list_or_article_is_unknown(code: str) -> None:
    answer = law_status(code, DC, date(2025, 6, 1))
    assert answer.status is Status.UNKNOWN
    assert any(c.claimed == "prohibited" for c in answer.conflicts)


def test_new_jerseys_chiropractor_claim_from_a_patient_article_is_a_disagreement() -> None:
    answer = law_status("NJ", DC)
    assert answer.status is Status.UNKNOWN
    assert [c.source.title.startswith("Consumer article B") for c in answer.conflicts] == [True]


@pytest.mark.parametrize("code", ["AL", "IN"])
def test_a_primary_source_overturns_a_vendor_list(code: str) -> None:
    answer = law_status(code, DC, date(2025, 6, 1))
    assert answer.status is Status.PERMITTED
    vendor = [c for c in answer.conflicts if c.claimed == "prohibited"]
    assert vendor
    assert vendor[0].source.published == date(2024, 3, 1)


def test_new_york_names_who_may_needle() -> None:
    who = law_status("NY").who_may_needle or ""
    assert "acupuncturists" in who
    assert "physicians" in who


def test_no_answer_starts_on_an_estimated_or_research_date() -> None:
    for timeline in shipped().periods.values():
        for period in timeline:
            assert str(period.record.valid_from) not in ("2019", "2017-01", "2026-01") or any(
                str(c.source.published) == str(period.record.valid_from) for c in period.supporting
            ), (period.jurisdiction, period.record.profession, period.record.valid_from)


# ---- 6. newer law the reference missed ----------------------------------------------------


def test_florida_chiropractors_may_dry_needle_under_the_2024_law_and_rule() -> None:
    answer = law_status("FL", DC, date(2025, 1, 15))
    assert answer.status is Status.PERMITTED
    assert answer.requirements.min_training_hours == 40
    assert answer.requirements.registration_required is True
    assert answer.citation
    assert "460.4085" in answer.citation
    assert law_status("FL", DC, date(2024, 5, 1)).status is Status.UNKNOWN


def test_texas_chiropractic_acupuncture_rules_stand_after_the_remand() -> None:
    during = law_status("TX", DC, date(2020, 1, 1))
    today = law_status("TX", DC)
    assert during.status is Status.UNKNOWN
    assert during.basis is Basis.COURT
    assert today.status is Status.PERMITTED
    assert today.basis is Basis.COURT


def test_washington_dates_its_attorney_generals_opinion_to_the_day() -> None:
    assert law_status("WA", on=date(2016, 4, 14)).status is Status.SILENT
    assert law_status("WA", on=date(2016, 4, 15)).status is Status.PROHIBITED
