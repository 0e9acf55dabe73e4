"""Answers from the law knowledge base: status on a date, lists, timelines, exports."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from pinpoint.law.data_schema import REQUIREMENT_FIELDS, ClaimData, SourceData
from pinpoint.law.dates import PartialDate
from pinpoint.law.eligibility import Eligibility, PractitionerFacts, judge
from pinpoint.law.jurisdictions import ALL_CODES, BY_CODE, parse_jurisdiction
from pinpoint.law.knowledge import KnowledgeBase, Period, current, overlay_key
from pinpoint.law.precedence import claim_date
from pinpoint.law.schemas import (
    ConflictPublic,
    LawList,
    LawStatus,
    RequirementSourcePublic,
    RequirementsPublic,
    SourcePublic,
    Timeline,
)
from pinpoint.law.vocabulary import Profession, Status, parse_profession

REVIEW_MAX_AGE = timedelta(days=365)


def _source(source: SourceData) -> SourcePublic:
    published = source.published
    return SourcePublic(
        title=source.title,
        url=source.url,
        published=published.start if published else None,
        published_precision=published.precision if published else None,
        accessed=source.accessed.start if source.accessed else None,
        tier=source.tier,
    )


def _sources(claims: tuple[ClaimData, ...] | list[ClaimData]) -> list[SourcePublic]:
    """Distinct sources, newest first (undated last)."""
    seen: dict[tuple[str, str | None], SourcePublic] = {}
    for claim in claims:
        public = _source(claim.source)
        seen.setdefault((public.title, public.url), public)
    return sorted(seen.values(), key=lambda s: s.published or date.min, reverse=True)


def _start(partial: PartialDate | None) -> date | None:
    return partial.start if partial else None


def _requirement_sources(period: Period, kb: KnowledgeBase) -> list[RequirementSourcePublic]:
    """For each requirement the record shows, the claims among its sources that state it."""
    record = period.record
    claims = {c.id: c for c in kb.files[period.jurisdiction].claims}
    ids = dict.fromkeys([*(record.requirement_sources or record.sources), *record.sources])
    backing = [claims[i] for i in ids]
    found = []
    for name in REQUIREMENT_FIELDS:
        value = getattr(record.requirements, name)
        if value is None:
            continue
        stating = [c for c in backing if getattr(c, name) == value]
        found.append(RequirementSourcePublic(field=name, sources=_sources(stating)))
    return found


def _review(jurisdiction: str, kb: KnowledgeBase) -> tuple[date | None, bool]:
    reviewed = kb.reviewed_on(jurisdiction)
    if reviewed is None:
        return None, True
    return reviewed.start, date.today() - reviewed.start > REVIEW_MAX_AGE


def _answer(period: Period, on: date, kb: KnowledgeBase) -> LawStatus:
    record = period.record
    since = period.since
    reviewed_on, overdue = _review(period.jurisdiction, kb)
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
        requirement_sources=_requirement_sources(period, kb),
        who_may_needle=record.who_may_needle,
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
        reviewed_on=reviewed_on,
        review_overdue=overdue,
    )


def _unknown(jurisdiction: str, profession: Profession, on: date, kb: KnowledgeBase) -> LawStatus:
    timeline = kb.timeline(jurisdiction, profession)
    if timeline and on < timeline[0].starts:
        summary = (
            f"No source in Pinpoint speaks to this date; the first record begins "
            f"{timeline[0].starts.isoformat()}."
        )
    elif timeline:
        summary = "No source in Pinpoint speaks to this date."
    else:
        summary = f"Pinpoint has no sourced record for {profession.label}s here."
    later = [p.starts for p in timeline if p.starts > on]
    reviewed_on, overdue = _review(jurisdiction, kb)
    return LawStatus(
        jurisdiction=jurisdiction,
        jurisdiction_name=BY_CODE[jurisdiction].name,
        profession=profession,
        on=on,
        status=Status.UNKNOWN,
        since=None,
        since_precision=None,
        valid_from=None,
        valid_until=min(later) if later else None,
        basis=None,
        citation=None,
        summary=summary,
        requirements=RequirementsPublic(),
        sources=[],
        conflicts=[],
        reviewed_on=reviewed_on,
        review_overdue=overdue,
    )


@lru_cache(maxsize=4096)
def _cached_status(key: str, jurisdiction: str, profession: Profession, on: date) -> LawStatus:
    return status_in(current(), jurisdiction, profession, on)


def status_in(kb: KnowledgeBase, jurisdiction: str, profession: Profession, on: date) -> LawStatus:
    """The answer for a validated jurisdiction code and profession from one knowledge base."""
    period = kb.period_on(jurisdiction, profession, on)
    return _answer(period, on, kb) if period else _unknown(jurisdiction, profession, on, kb)


def _profession(profession: str | Profession) -> Profession:
    return profession if isinstance(profession, Profession) else parse_profession(profession)


def law_status(
    jurisdiction: str,
    profession: str | Profession = Profession.PHYSICAL_THERAPIST,
    on: date | None = None,
) -> LawStatus:
    """Dry needling status in a jurisdiction for a profession on a date (default today)."""
    code = parse_jurisdiction(jurisdiction).code
    return _cached_status(overlay_key(), code, _profession(profession), on or date.today())


def list_law(
    profession: str | Profession = Profession.PHYSICAL_THERAPIST, on: date | None = None
) -> LawList:
    """Every jurisdiction's status for one profession on one date."""
    prof = _profession(profession)
    day = on or date.today()
    key = overlay_key()
    return LawList(
        on=day,
        profession=prof,
        jurisdictions=[_cached_status(key, code, prof, day) for code in ALL_CODES],
    )


def timeline_in(kb: KnowledgeBase, code: str, profession: Profession) -> Timeline:
    """Every recorded period for a jurisdiction and profession in one knowledge base."""
    return Timeline(
        jurisdiction=code,
        jurisdiction_name=BY_CODE[code].name,
        profession=profession,
        periods=[_answer(p, p.starts, kb) for p in kb.timeline(code, profession)],
    )


def timeline(
    jurisdiction: str, profession: str | Profession = Profession.PHYSICAL_THERAPIST
) -> Timeline:
    """Every recorded period for a jurisdiction and profession, oldest first."""
    code = parse_jurisdiction(jurisdiction).code
    return timeline_in(current(), code, _profession(profession))


def professions_with_data(jurisdiction: str) -> list[Profession]:
    return current().professions_in(parse_jurisdiction(jurisdiction).code)


def practitioner_eligibility(
    jurisdiction: str,
    profession: str | Profession,
    facts: PractitionerFacts,
    on: date | None = None,
) -> tuple[Eligibility, LawStatus]:
    """The eligibility verdict and the law answer it relied on."""
    law = law_status(jurisdiction, profession, on)
    return judge(law, facts), law
