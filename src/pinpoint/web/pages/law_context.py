"""Typed contexts for the law pages (map, state page), each from one or two law-service calls.

Routes parse the query, call a builder here and render its result; templates only
format what these objects hold, so tests can check a page's facts without HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pinpoint.errors import NotFound
from pinpoint.law import service
from pinpoint.law.dates import parse_day
from pinpoint.law.jurisdictions import BY_CODE, MAPPED_CODES
from pinpoint.law.schemas import ConflictPublic, LawStatus, SourcePublic
from pinpoint.law.vocabulary import Profession, Status, parse_profession
from pinpoint.web.pages import wording


@dataclass(frozen=True)
class Query:
    """The page's ``?on=`` and ``?profession=`` as given, and as understood."""

    on: date
    on_given: bool
    profession: Profession

    @classmethod
    def parse(cls, on: str | None, profession: str | None) -> Query:
        given = bool(on and on.strip())
        day = parse_day(on, field="on") if on and given else date.today()
        prof = parse_profession(profession) if profession else Profession.PHYSICAL_THERAPIST
        return cls(on=day, on_given=given, profession=prof)

    def params(self, profession: Profession | None = None) -> str:
        """A query string that keeps this query, optionally for another profession."""
        parts = []
        prof = profession or self.profession
        if prof is not Profession.PHYSICAL_THERAPIST:
            parts.append(f"profession={prof.value}")
        if self.on_given:
            parts.append(f"on={self.on.isoformat()}")
        return "?" + "&".join(parts) if parts else ""

    def params_on(self, day: date) -> str:
        """A query string for this profession on another date."""
        moved = Query(on=day, on_given=True, profession=self.profession)
        return moved.params()


@dataclass(frozen=True)
class StatusView:
    """A status with its words, symbol and CSS class."""

    status: Status

    @property
    def value(self) -> str:
        return self.status.value

    @property
    def word(self) -> str:
        return wording.STATUS_WORDS[self.status]

    @property
    def meaning(self) -> str:
        return wording.STATUS_MEANINGS[self.status]

    @property
    def symbol(self) -> str:
        return wording.STATUS_SYMBOLS[self.status]

    @property
    def css(self) -> str:
        return f"status-{self.status.value}"


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    status: StatusView
    row: int
    col: int

    @property
    def label(self) -> str:
        """``Colorado, CO: permitted``: what screen readers read out.

        It includes the visible code so that voice control ("click CO") finds the tile
        (WCAG 2.5.3, axe's ``label-content-name-mismatch``).
        """
        return f"{self.name}, {self.code}: {self.status.value}"


@dataclass(frozen=True)
class LegendEntry:
    status: StatusView
    count: int


@dataclass(frozen=True)
class TableRow:
    code: str
    name: str
    status: StatusView
    since: date | None
    since_text: str
    min_hours: float | None
    sources: int
    conflicts: int

    @property
    def min_hours_text(self) -> str:
        return wording.number(self.min_hours) if self.min_hours is not None else "—"


@dataclass(frozen=True)
class LawMap:
    """Everything the tile map, its legend and the sortable table show."""

    query: Query
    tiles: list[Tile]
    legend: list[LegendEntry]
    rows: list[TableRow]
    professions: list[Profession]

    @property
    def on_text(self) -> str:
        return wording.day(self.query.on)

    @property
    def profession_plural(self) -> str:
        return wording.PROFESSION_PLURALS[self.query.profession]


def _tile(law: LawStatus) -> Tile:
    place = BY_CODE[law.jurisdiction]
    assert place.tile is not None
    row, col = place.tile
    return Tile(law.jurisdiction, place.name, StatusView(law.status), row + 1, col + 1)


def _row(law: LawStatus) -> TableRow:
    return TableRow(
        code=law.jurisdiction,
        name=law.jurisdiction_name,
        status=StatusView(law.status),
        since=law.since,
        since_text=wording.partial_day(law.since, law.since_precision) if law.since else "—",
        min_hours=law.requirements.min_training_hours,
        sources=len(law.sources),
        conflicts=len(law.conflicts),
    )


def law_map(query: Query) -> LawMap:
    """The map, legend and table for one profession on one date."""
    answers = service.list_law(query.profession, query.on).jurisdictions
    tiles = [_tile(law) for law in answers if law.jurisdiction in MAPPED_CODES]
    legend = [
        LegendEntry(StatusView(s), sum(1 for t in tiles if t.status.status is s)) for s in Status
    ]
    rows = sorted((_row(law) for law in answers), key=lambda r: r.name)
    return LawMap(query, tiles, legend, rows, list(Profession))


@dataclass(frozen=True)
class SourceView:
    title: str
    url: str | None
    date_text: str  # "Published January 2026" or "Undated"
    when: str  # "January 2026" or "undated"
    tier_text: str


@dataclass(frozen=True)
class ConflictView:
    field: str
    claimed: str
    chosen: str
    as_of: str | None
    citation: str | None
    source: SourceView
    reason: str


@dataclass(frozen=True)
class PeriodView:
    status: StatusView
    on: date
    starts: str
    ends: str
    citation: str | None
    summary: str
    current: bool


@dataclass(frozen=True)
class RequirementView:
    """One requirement in words, with the sources that state it."""

    text: str
    sources: list[SourceView]


@dataclass(frozen=True)
class StatePage:
    query: Query
    law: LawStatus
    status: StatusView
    headline: str
    basis: str | None
    requirement_views: list[RequirementView]
    periods: list[PeriodView]
    sources: list[SourceView]
    conflicts: list[ConflictView]
    professions: list[Profession]

    @property
    def requirements(self) -> list[str]:
        return [r.text for r in self.requirement_views]

    @property
    def hours_recorded(self) -> bool:
        req = self.law.requirements
        return req.min_training_hours is not None or req.min_in_person_hours is not None

    @property
    def reviewed_text(self) -> str | None:
        reviewed = self.law.reviewed_on
        return wording.day(reviewed) if reviewed else None

    @property
    def on_text(self) -> str:
        return wording.day(self.query.on)

    @property
    def profession_label(self) -> str:
        return wording.profession_label(self.query.profession)

    @property
    def since_text(self) -> str:
        return wording.partial_day(self.law.since, self.law.since_precision)

    @property
    def valid_text(self) -> str:
        start = wording.day(self.law.valid_from) if self.law.valid_from else "the start"
        until = self.law.valid_until
        return f"{start} until {wording.day(until)}" if until else f"{start} onwards"


def source_view(source: SourcePublic) -> SourceView:
    tier = wording.TIER_WORDS.get(source.tier, f"tier {source.tier}")
    when = wording.partial_day(source.published, source.published_precision)
    return SourceView(source.title, source.url, wording.published(source), when, tier)


def _requirement_views(law: LawStatus) -> list[RequirementView]:
    stated = {r.field: r.sources for r in law.requirement_sources}
    views = []
    for fields, text in wording.requirement_lines(law.requirements):
        seen: dict[tuple[str, str | None], SourcePublic] = {}
        for name in fields:
            for source in stated.get(name, []):
                seen.setdefault((source.title, source.url), source)
        views.append(RequirementView(text, [source_view(s) for s in seen.values()]))
    return views


def _conflict(conflict: ConflictPublic) -> ConflictView:
    return ConflictView(
        field=wording.FIELD_WORDS.get(
            conflict.field, conflict.field.replace("_", " ").capitalize()
        ),
        claimed=wording.claimed_value(conflict.field, conflict.claimed),
        chosen=wording.claimed_value(conflict.field, conflict.chosen),
        as_of=wording.day(conflict.as_of) if conflict.as_of else None,
        citation=conflict.citation,
        source=source_view(conflict.source),
        reason=conflict.reason,
    )


def _period(law: LawStatus, on: date) -> PeriodView:
    starts = law.valid_from or law.on
    current = starts <= on and (law.valid_until is None or on < law.valid_until)
    return PeriodView(
        status=StatusView(law.status),
        on=starts,
        starts=wording.day(starts),
        ends=wording.day(law.valid_until) if law.valid_until else "today",
        citation=law.citation,
        summary=law.summary,
        current=current,
    )


def jurisdiction_code(text: str) -> str:
    """The USPS code in a page URL (any case), or NotFound for a page that cannot exist."""
    code = text.strip().upper()
    if code not in BY_CODE:
        raise NotFound(
            f"There is no US state or district with the code {text!r}. "
            "Use a two-letter postal code such as CO, NY or DC.",
            field="state",
        )
    return code


def _professions(code: str, current: Profession) -> list[Profession]:
    with_data = set(service.professions_with_data(code)) | {
        Profession.PHYSICAL_THERAPIST,
        current,
    }
    return [p for p in Profession if p in with_data]


def state_page(state: str, query: Query) -> StatePage:
    """One jurisdiction's answer, its history, sources and disagreements."""
    code = jurisdiction_code(state)
    law = service.law_status(code, query.profession, query.on)
    history = service.timeline(code, query.profession).periods
    return StatePage(
        query=query,
        law=law,
        status=StatusView(law.status),
        headline=wording.headline(law.status, query.profession, law.jurisdiction_name),
        basis=wording.BASIS_WORDS[law.basis] if law.basis else None,
        requirement_views=_requirement_views(law),
        periods=[_period(p, query.on) for p in history],
        sources=[source_view(s) for s in law.sources],
        conflicts=[_conflict(c) for c in law.conflicts],
        professions=_professions(code, query.profession),
    )
