"""Whether a practitioner may dry needle: a pure rule over the law and recorded facts.

Precedence (SPEC "Directory"): a law that forbids (`prohibited`, `pending`) or a
requirement shown unmet gives ``not_eligible``; else a silent or unknown law gives
``law_silent``; else no training on file, or a requirement the facts cannot show,
gives ``training_unknown`` with reasons naming the missing fact; else ``eligible``.
A requirement is never assumed met.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pinpoint.law.schemas import LawStatus, RequirementsPublic
from pinpoint.law.vocabulary import Status


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    LAW_SILENT = "law_silent"
    TRAINING_UNKNOWN = "training_unknown"


@dataclass(frozen=True)
class PractitionerFacts:
    """What the directory knows about one practitioner; None means not on record."""

    training_hours: float | None = None
    in_person_hours: float | None = None
    years_licensed: float | None = None
    supervised_sessions: int | None = None
    registered: bool | None = None
    """The board filing the law asks for before needling (registration, endorsement,
    attestation, acknowledgement or proof of training) is on record: True, shown
    missing: False, not recorded: None."""

    @property
    def has_training(self) -> bool:
        return self.training_hours is not None


@dataclass(frozen=True)
class Eligibility:
    verdict: Verdict
    reasons: tuple[str, ...]


def _hours(value: float) -> str:
    return f"{value:g}"


# (requirement field, fact field, what it measures) for the numeric minimums.
_MINIMUMS = (
    ("min_training_hours", "training_hours", "hours of dry needling training"),
    ("min_in_person_hours", "in_person_hours", "in-person training hours"),
    ("min_years_licensed", "years_licensed", "years licensed"),
    ("min_supervised_sessions", "supervised_sessions", "supervised sessions"),
)


def _check_requirements(
    rules: RequirementsPublic, facts: PractitionerFacts
) -> tuple[list[str], list[str]]:
    """(unmet, unshown): requirements the facts show unmet, and those they cannot show."""
    unmet: list[str] = []
    unshown: list[str] = []
    for rule_field, fact_field, what in _MINIMUMS:
        minimum = getattr(rules, rule_field)
        if minimum is None:
            continue
        actual = getattr(facts, fact_field)
        if actual is None:
            unshown.append(f"the law requires {_hours(minimum)} {what}; none on record")
        elif actual < minimum:
            unmet.append(f"too few {what}: {_hours(actual)} of {_hours(minimum)} required")
    if rules.registration_required:
        filing = rules.filing or "a registration, endorsement or other filing with the board"
        if facts.registered is False:
            unmet.append(f"the law requires {filing} before needling; it has not been made")
        elif facts.registered is None:
            unshown.append(
                f"the law requires {filing} before needling (board registration or filing); "
                "none on record"
            )
    return unmet, unshown


def judge(law: LawStatus, facts: PractitionerFacts) -> Eligibility:
    """The verdict for one practitioner under one law answer."""
    where = f"{law.jurisdiction_name} ({law.profession.label})"
    if law.status is Status.PROHIBITED:
        return Eligibility(Verdict.NOT_ELIGIBLE, (f"dry needling is prohibited in {where}",))
    if law.status is Status.PENDING:
        return Eligibility(
            Verdict.NOT_ELIGIBLE,
            (f"dry needling is authorised in {where} but its rules are not yet in effect",),
        )
    if law.status in (Status.SILENT, Status.UNKNOWN):
        wording = "is silent on" if law.status is Status.SILENT else "is unclear about"
        return Eligibility(Verdict.LAW_SILENT, (f"the law of {where} {wording} dry needling",))
    if not facts.has_training:
        return Eligibility(Verdict.TRAINING_UNKNOWN, ("no dry needling training on record",))
    unmet, unshown = _check_requirements(law.requirements, facts)
    if unmet:
        return Eligibility(Verdict.NOT_ELIGIBLE, tuple(unmet))
    if unshown:
        return Eligibility(Verdict.TRAINING_UNKNOWN, tuple(unshown))
    return Eligibility(
        Verdict.ELIGIBLE,
        (f"permitted in {where}; recorded training meets every requirement on record",),
    )
