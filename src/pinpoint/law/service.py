"""Answers from the law knowledge base: status on a date, lists, timelines, exports."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from pinpoint.law.data_schema import ClaimData, SourceData
from pinpoint.law.dates import PartialDate
from pinpoint.law.eligibility import Eligibility, PractitionerFacts, judge
from pinpoint.law.jurisdictions import ALL_CODES, BY_CODE, parse_jurisdiction
from pinpoint.law.knowledge import KnowledgeBase, Period, shipped
from pinpoint.law.precedence import claim_date
from pinpoint.law.schemas import (
    ConflictPublic,
    LawList,
    LawStatus,
    RequirementsPublic,
    SourcePublic,
    Timeline,
)
from pinpoint.law.vocabulary import Profession, Status, parse_profession


def _source(source: SourceData) -> SourcePublic:
    published = source.published
    return SourcePublic(
        title=source.title,
        url=source.url,
        published=published.start if published else None,
        published_precision=published.precision if published else None,
        tier=source.tier,
    )


def _sources(claims: tuple[ClaimData, ...]) -> list[SourcePublic]:
    """Distinct sources, newest first (undated last)."""
    seen: dict[tuple[str, str | None], SourcePublic] = {}
    for claim in claims:
        public = _source(claim.source)
        seen.setdefault((public.title, public.url), public)
    return sorted(seen.values(), key=lambda s: s.published or date.min, reverse=True)


def _start(partial: PartialDate | None) -> date | None:
    return partial.start if partial else None


def _since(period: Period) -> PartialDate | None:
    """When the status took effect: stated, or the date of the legal act that opened it."""
    record = period.record
    if record.since is not None or record.since_unknown:
        return record.since
    if any(c.decided_on == record.valid_from for c in period.supporting):
        return record.valid_from
    return None


def _answer(period: Period, on: date) -> LawStatus:
    record = period.record
    since = _since(period)
    return LawStatus(
        jurisdiction=period.jurisdiction,
        jurisdiction_name=BY_CODE[period.jurisdiction].name,
        profession=record.profession,
        on=on,
        status=record.status,
        since=_start(since),
        since_precision=since.precision if since else None,
        valid_from=record.valid_from.start,
        valid_until=_start(record.valid_until),
        basis=record.basis,
        citation=record.citation,
        summary=record.summary,
        requirements=RequirementsPublic(**record.requirements.model_dump()),
        sources=_sources(period.supporting),
        conflicts=[
            ConflictPublic(
                field=c.field,
                claimed=c.claimed,
                chosen=c.chosen,
                as_of=claim_date(c.claim),
                basis=c.claim.basis,
                citation=c.claim.citation,
                source=_source(c.claim.source),
                reason=record.choice_note if c.tied and record.choice_note else c.reason,
            )
            for c in period.conflicts
        ],
        choice_note=record.choice_note,
    )


def _unknown(jurisdiction: str, profession: Profession, on: date, kb: KnowledgeBase) -> LawStatus:
    timeline = kb.timeline(jurisdiction, profession)
    if timeline and on < timeline[0].starts:
        summary = (
            f"No source in Pinpoint speaks to this date; the first record begins "
            f"{timeline[0].starts.isoformat()}."
        )
    else:
        summary = f"Pinpoint has no sourced record for {profession.label}s here."
    return LawStatus(
        jurisdiction=jurisdiction,
        jurisdiction_name=BY_CODE[jurisdiction].name,
        profession=profession,
        on=on,
        status=Status.UNKNOWN,
        since=None,
        since_precision=None,
        valid_from=None,
        valid_until=timeline[0].starts if timeline and on < timeline[0].starts else None,
        basis=None,
        citation=None,
        summary=summary,
        requirements=RequirementsPublic(),
        sources=[],
        conflicts=[],
    )


@lru_cache(maxsize=4096)
def _cached_status(jurisdiction: str, profession: Profession, on: date) -> LawStatus:
    return status_in(shipped(), jurisdiction, profession, on)


def status_in(kb: KnowledgeBase, jurisdiction: str, profession: Profession, on: date) -> LawStatus:
    """The answer for a validated jurisdiction code and profession from one knowledge base."""
    period = kb.period_on(jurisdiction, profession, on)
    return _answer(period, on) if period else _unknown(jurisdiction, profession, on, kb)


def law_status(
    jurisdiction: str,
    profession: str | Profession = Profession.PHYSICAL_THERAPIST,
    on: date | None = None,
) -> LawStatus:
    """Dry needling status in a jurisdiction for a profession on a date (default today)."""
    code = parse_jurisdiction(jurisdiction).code
    prof = profession if isinstance(profession, Profession) else parse_profession(profession)
    return _cached_status(code, prof, on or date.today())


def list_law(
    profession: str | Profession = Profession.PHYSICAL_THERAPIST, on: date | None = None
) -> LawList:
    """Every jurisdiction's status for one profession on one date."""
    prof = profession if isinstance(profession, Profession) else parse_profession(profession)
    day = on or date.today()
    return LawList(
        on=day,
        profession=prof,
        jurisdictions=[_cached_status(code, prof, day) for code in ALL_CODES],
    )


def timeline(
    jurisdiction: str, profession: str | Profession = Profession.PHYSICAL_THERAPIST
) -> Timeline:
    """Every recorded period for a jurisdiction and profession, oldest first."""
    code = parse_jurisdiction(jurisdiction).code
    prof = profession if isinstance(profession, Profession) else parse_profession(profession)
    periods = shipped().timeline(code, prof)
    return Timeline(
        jurisdiction=code,
        jurisdiction_name=BY_CODE[code].name,
        profession=prof,
        periods=[_answer(p, p.starts) for p in periods],
    )


def professions_with_data(jurisdiction: str) -> list[Profession]:
    return shipped().professions_in(parse_jurisdiction(jurisdiction).code)


def practitioner_eligibility(
    jurisdiction: str,
    profession: str | Profession,
    facts: PractitionerFacts,
    on: date | None = None,
) -> tuple[Eligibility, LawStatus]:
    """The eligibility verdict and the law answer it relied on."""
    law = law_status(jurisdiction, profession, on)
    return judge(law, facts), law
