"""Plain-language wording for law answers: statuses, requirements, dates, source tiers.

Pure functions from law values to short English strings, so pages say the same thing
everywhere and the wording is tested without a web server.
"""

from __future__ import annotations

from datetime import date

from pinpoint.law.dates import Precision
from pinpoint.law.schemas import RequirementsPublic, SourcePublic
from pinpoint.law.vocabulary import Basis, Profession, Status

STATUS_WORDS: dict[Status, str] = {
    Status.PERMITTED: "Permitted",
    Status.PENDING: "Pending",
    Status.PROHIBITED: "Prohibited",
    Status.SILENT: "Law is silent",
    Status.UNKNOWN: "Unknown",
}

STATUS_MEANINGS: dict[Status, str] = {
    Status.PERMITTED: "the law allows it",
    Status.PENDING: "allowed by law, but not usable yet (rules not adopted)",
    Status.PROHIBITED: "not allowed, or outside the profession's scope",
    Status.SILENT: "the law neither allows nor forbids it",
    Status.UNKNOWN: "no sourced answer in Pinpoint",
}

STATUS_SYMBOLS: dict[Status, str] = {
    Status.PERMITTED: "✓",
    Status.PENDING: "…",
    Status.PROHIBITED: "✕",
    Status.SILENT: "\u2013",  # en dash: neither yes nor no
    Status.UNKNOWN: "?",
}

BASIS_WORDS: dict[Basis, str] = {
    Basis.STATUTE: "a statute",
    Basis.REGULATION: "a regulation",
    Basis.BOARD_OPINION: "a licensing board opinion",
    Basis.ATTORNEY_GENERAL_OPINION: "an attorney general opinion",
    Basis.COURT: "a court decision",
    Basis.NONE: "no specific law",
}

TIER_WORDS: dict[int, str] = {
    1: "official text",
    2: "professional summary",
    3: "opponent's document",
    4: "consumer article",
    5: "unofficial copy",
}

FIELD_WORDS: dict[str, str] = {
    "status": "Status",
    "min_training_hours": "Minimum training hours",
    "min_in_person_hours": "Minimum in-person hours",
    "min_years_licensed": "Years licensed before needling",
    "min_supervised_sessions": "Supervised sessions",
}

PROFESSION_PLURALS: dict[Profession, str] = {
    Profession.PHYSICAL_THERAPIST: "physical therapists",
    Profession.CHIROPRACTOR: "chiropractors",
    Profession.ATHLETIC_TRAINER: "athletic trainers",
    Profession.ACUPUNCTURIST: "acupuncturists",
    Profession.PHYSICIAN: "physicians",
}


def profession_label(profession: Profession) -> str:
    """``Physical therapist``: the profession as a capitalised noun."""
    return profession.label.capitalize()


def number(value: float) -> str:
    """50.0 -> ``50``; 7.5 -> ``7.5``."""
    return f"{value:g}"


def headline(status: Status, profession: Profession, place: str) -> str:
    """One sentence saying what the status means for this profession in this place."""
    who = PROFESSION_PLURALS[profession]
    sentences = {
        Status.PERMITTED: f"In {place}, {who} may perform dry needling.",
        Status.PENDING: (
            f"In {place}, the law allows dry needling by {who}, but it cannot be used yet: "
            "the rules that make it usable are not in force."
        ),
        Status.PROHIBITED: f"In {place}, {who} may not perform dry needling.",
        Status.SILENT: (
            f"{place}'s law neither allows nor forbids dry needling by {who}; "
            "ask the licensing board before relying on it."
        ),
        Status.UNKNOWN: (
            f"Pinpoint has no sourced answer for dry needling by {who} in {place} on this date."
        ),
    }
    return sentences[status]


def _plural(value: float, noun: str) -> str:
    return f"{number(value)} {noun}" + ("" if value == 1 else "s")


def _hours(req: RequirementsPublic) -> str | None:
    total, in_person = req.min_training_hours, req.min_in_person_hours
    if total is not None and in_person is not None:
        if in_person >= total:
            return f"At least {number(total)} hours of training, all of them in person."
        return f"At least {number(total)} hours of training, {number(in_person)} of them in person."
    if total is not None:
        return f"At least {number(total)} hours of training."
    if in_person is not None:
        return f"At least {number(in_person)} hours of in-person training."
    return None


def _flag(value: bool | None, yes: str, no: str) -> str | None:
    if value is None:
        return None
    return yes if value else no


def _reporting(req: RequirementsPublic) -> str | None:
    if req.adverse_event_reporting is None:
        return None
    if not req.adverse_event_reporting:
        return "The law sets no duty to report side effects to the board."
    if req.adverse_event_deadline_days is not None:
        return (
            "Serious side effects must be reported to the board within "
            f"{req.adverse_event_deadline_days} days."
        )
    return "Serious side effects must be reported to the board."


def _registration(req: RequirementsPublic) -> str | None:
    if req.registration_required is None:
        return None
    if not req.registration_required:
        return "No registration or filing with the board is needed."
    if req.filing:
        return f"Before needling, the practitioner must file with the board: {req.filing}."
    return "The practitioner must register with, or be endorsed by, the state board."


def requirement_lines(req: RequirementsPublic) -> list[tuple[tuple[str, ...], str]]:
    """Each recorded requirement as (the fields it words, a plain sentence)."""
    years = req.min_years_licensed
    sessions = req.min_supervised_sessions
    lines: list[tuple[tuple[str, ...], str | None]] = [
        (("min_training_hours", "min_in_person_hours"), _hours(req)),
        (
            ("min_years_licensed",),
            f"Licensed for at least {_plural(years, 'year')} before needling." if years else None,
        ),
        (
            ("min_supervised_sessions",),
            f"At least {sessions} supervised needling sessions." if sessions else None,
        ),
        (
            ("written_consent",),
            _flag(
                req.written_consent,
                "The patient gives informed consent, in writing or recorded in the chart, "
                "before treatment.",
                "The law does not ask for written consent.",
            ),
        ),
        (("registration_required",), _registration(req)),
        (
            ("course_approval_required",),
            _flag(
                req.course_approval_required,
                "The training course must be approved (by the board or a body it names).",
                "The board does not approve courses.",
            ),
        ),
        (
            ("written_referral",),
            _flag(
                req.written_referral,
                "A written referral (for example from a physician) is needed.",
                "No referral is needed.",
            ),
        ),
        (("adverse_event_reporting", "adverse_event_deadline_days"), _reporting(req)),
        (
            ("may_delegate",),
            _flag(
                req.may_delegate,
                "It may be delegated to assistants.",
                "It may not be delegated to assistants or anyone else.",
            ),
        ),
    ]
    return [(fields, line) for fields, line in lines if line]


def requirement_sentences(req: RequirementsPublic) -> list[str]:
    """Each recorded requirement as a plain sentence; unrecorded ones are left out."""
    return [line for _fields, line in requirement_lines(req)]


def day(value: date) -> str:
    """``7 September 2013``."""
    return f"{value.day} {value:%B %Y}"


def partial_day(value: date | None, precision: Precision | None) -> str:
    """A date written as precisely as it is known: ``2013``, ``January 2026``, ``7 Sep…``."""
    if value is None:
        return "undated"
    if precision is Precision.YEAR:
        return str(value.year)
    if precision is Precision.MONTH:
        return f"{value:%B %Y}"
    return day(value)


def published(source: SourcePublic) -> str:
    """``Published January 2026``, ``Undated, read 1 December 2026`` or ``Undated``."""
    if source.published is None:
        return f"Undated, read {day(source.accessed)}" if source.accessed else "Undated"
    return f"Published {partial_day(source.published, source.published_precision)}"


def claimed_value(field: str, value: str | float | None) -> str:
    """A conflicting claim's value in words: a status word or a number."""
    if value is None:
        return "no figure"
    if isinstance(value, float | int):
        return number(value)
    if field == "status" and value in {s.value for s in Status}:
        return STATUS_WORDS[Status(value)].lower()
    return value.replace("_", " ")
