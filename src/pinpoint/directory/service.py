"""Practitioner search and detail: the library calls the CLI, the API and the pages share."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from pinpoint.db.engine import transaction
from pinpoint.directory import display, geo
from pinpoint.directory.models import Practitioner
from pinpoint.directory.npi import parse_npi
from pinpoint.directory.schemas import (
    EligibilityPublic,
    FilingPublic,
    LicensePublic,
    PractitionerPublic,
    SearchHit,
    SearchQuery,
    SearchResults,
    TrainingPublic,
)
from pinpoint.directory.schemas_filings import FilingKind
from pinpoint.directory.search import cache
from pinpoint.directory.search.index import PageQuery
from pinpoint.directory.training import directory_verdict, facts_from_training, filing_in_force
from pinpoint.errors import InvalidInput, NotFound
from pinpoint.law.eligibility import Eligibility
from pinpoint.law.schemas import LawStatus
from pinpoint.law.service import practitioner_eligibility
from pinpoint.law.vocabulary import Profession, parse_profession

if TYPE_CHECKING:
    from pinpoint.directory.search.index import DirectoryIndex, FloatArray, IntArray

MAX_RADIUS_MILES = 500.0
MAX_LIMIT = 500
DEFAULT_RADIUS_MILES = 25.0
DEFAULT_LIMIT = 50

# "index": the in-process index of the whole directory, built once and kept (servers);
# "postgis": PostgreSQL's spatial index; "bounded": only the practitioners around the
# circle, read for this one search (one-shot commands). All three give the same answers.
Backend = Literal["index", "postgis", "bounded"]


def _radius(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput("radius must be a number of miles", field="radius_miles")
    if isinstance(value, str) and not value.isascii():  # float() reads other scripts' digits
        raise InvalidInput(f"radius must be written with 0-9, got {value!r}", field="radius_miles")
    try:
        radius = float(value)
    except ValueError:
        raise InvalidInput(
            f"radius must be a number, got {value!r}", field="radius_miles"
        ) from None
    if not math.isfinite(radius) or radius <= 0 or radius > MAX_RADIUS_MILES:
        raise InvalidInput(
            f"radius must be more than 0 and at most {MAX_RADIUS_MILES:g} miles, got {value}",
            field="radius_miles",
        )
    return radius


def _whole(value: object, field: str, low: int, high: int | None) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        value = int(value)  # from a query string; ASCII digits only
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be a whole number, got {value!r}", field=field)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidInput(f"{field} must be {bound}, got {value}", field=field)
    return value


def parse_professions(values: Iterable[str | Profession] | None) -> list[Profession]:
    """Distinct professions in SPEC order; unknown spellings raise InvalidInput."""
    chosen = {
        v if isinstance(v, Profession) else parse_profession(v, field="profession")
        for v in values or ()
    }
    return [p for p in Profession if p in chosen]


@dataclass(frozen=True)
class _Search:
    """A checked search request."""

    zip5: str
    lat: float
    lon: float
    radius: float
    professions: list[Profession]
    eligible_only: bool
    limit: int
    offset: int
    on: date

    def page_query(self) -> PageQuery:
        """What the index (or PostGIS) is asked for."""
        return PageQuery(
            lat=self.lat,
            lon=self.lon,
            radius_miles=self.radius,
            professions=tuple(self.professions),
            eligible_on=self.on if self.eligible_only else None,
            limit=self.limit,
            offset=self.offset,
        )

    def query(self) -> SearchQuery:
        return SearchQuery.model_construct(
            zip=self.zip5,
            radius_miles=self.radius,
            professions=self.professions,
            eligible_only=self.eligible_only,
            limit=self.limit,
            offset=self.offset,
            on=self.on,
        )

    def query_json(self) -> bytes:
        """The query as SearchResults writes it."""
        return self.query().model_dump_json().encode()


def _checked(
    zip_code: str,
    radius_miles: float | str,
    professions: Sequence[str | Profession] | None,
    eligible_only: bool,
    limit: int | str,
    offset: int | str,
    on: date | None,
) -> _Search:
    zip5 = geo.parse_zip(zip_code)
    centre = geo.zip_centroid(zip5)
    return _Search(
        zip5=zip5,
        lat=centre.latitude,
        lon=centre.longitude,
        radius=_radius(radius_miles),
        limit=_whole(limit, "limit", 1, MAX_LIMIT),
        offset=_whole(offset, "offset", 0, None),
        professions=parse_professions(professions),
        eligible_only=bool(eligible_only),
        on=on or date.today(),
    )


def _page(
    engine: Engine, q: _Search, backend: Backend = "index"
) -> tuple[DirectoryIndex, int, IntArray, FloatArray]:
    """The index, the total and the page's rows and miles, from any search path."""
    if backend == "bounded":
        from pinpoint.directory.search.bounded import bounded_page

        return bounded_page(engine, q.page_query())
    index = cache.current_index(engine)
    if backend == "postgis":
        from pinpoint.directory.search.postgis import postgis_find

        total, rows, miles = postgis_find(engine, index, q.page_query())
    else:
        total, rows, miles = index.find(q.page_query())
    return index, total, rows, miles


def find_practitioners_near(
    engine: Engine,
    zip_code: str,
    radius_miles: float | str = DEFAULT_RADIUS_MILES,
    professions: Sequence[str | Profession] | None = None,
    eligible_only: bool = False,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    on: date | None = None,
    backend: Backend = "index",
) -> SearchResults:
    """Active practitioners within ``radius_miles`` of a ZIP centroid, nearest first.

    Ties in distance are broken by NPI; ``total`` counts every match within the radius
    after the profession and ``eligible_only`` filters, before ``limit`` and ``offset``.
    Verdicts apply the law on ``on`` (default today). ``backend="postgis"`` answers from
    PostgreSQL's spatial index instead of the in-process one, ``backend="bounded"`` from the
    practitioners around the circle only, read for this search (same answers; for one-shot
    commands, which would otherwise build the index of the whole directory).
    """
    q = _checked(zip_code, radius_miles, professions, eligible_only, limit, offset, on)
    index, total, rows, miles = _page(engine, q, backend)
    hits = index.page_models(rows, miles, q.on)
    return SearchResults.model_construct(query=q.query(), total=total, results=hits)


def search_practitioners_json(
    engine: Engine,
    zip_code: str,
    radius_miles: float | str = DEFAULT_RADIUS_MILES,
    professions: Sequence[str | Profession] | None = None,
    eligible_only: bool = False,
    limit: int | str = DEFAULT_LIMIT,
    offset: int | str = 0,
    on: date | None = None,
) -> bytes:
    """:func:`find_practitioners_near` (in-process index) as the JSON of SearchResults.

    The same bytes ``find_practitioners_near(...).model_dump_json()`` gives, assembled from
    JSON fragments the index keeps per practitioner and per verdict, with no model built:
    this is what the HTTP API answers.
    """
    q = _checked(zip_code, radius_miles, professions, eligible_only, limit, offset, on)
    index, total, rows, miles = _page(engine, q)
    return b'{"query":%b,"total":%d,"results":%b}' % (
        q.query_json(),
        total,
        index.page_json(rows, miles, q.on),
    )


# What a practitioner's public shape reads besides the row itself.
_DETAIL = (
    selectinload(Practitioner.licenses),
    selectinload(Practitioner.credentials),
    selectinload(Practitioner.filings),
)


def _eligibility_and_law(p: Practitioner, on: date) -> tuple[Eligibility, LawStatus | None]:
    facts = facts_from_training(p.credentials, on, filings=p.filings, state=p.state)
    try:
        return practitioner_eligibility(p.state or "", p.profession, facts, on)
    except InvalidInput:
        return directory_verdict(p.state, p.profession, facts, on), None


def get_practitioner(engine: Engine, npi: str, on: date | None = None) -> PractitionerPublic:
    """One practitioner with licenses, training, verdict and the law it relied on."""
    key = parse_npi(npi)
    day = on or date.today()
    with transaction(engine) as session:
        p = session.scalar(select(Practitioner).where(Practitioner.npi == key).options(*_DETAIL))
        if p is None:
            raise NotFound(f"no practitioner with NPI {key}", field="npi")
        return practitioner_public(p, day)


def practitioner_public(p: Practitioner, on: date) -> PractitionerPublic:
    """A stored practitioner (licenses and credentials loaded) as its public shape."""
    eligibility, law = _eligibility_and_law(p, on)
    return PractitionerPublic(
        npi=p.npi,
        name=display.person_name(
            p.first_name, p.middle_name, p.last_name, p.name_suffix, p.credential
        ),
        credential=p.credential,
        profession=Profession(p.profession),
        taxonomy=p.taxonomy,
        address_line=display.title(p.address_line),
        phone=display.phone(p.phone),
        city=display.title(p.city),
        state=p.state,
        zip=p.zip5,
        active=p.active,
        synthetic=p.synthetic,
        eligibility=EligibilityPublic(
            verdict=eligibility.verdict, reasons=list(eligibility.reasons)
        ),
        licenses=[
            LicensePublic(
                taxonomy=li.taxonomy, number=li.number, state=li.state, primary=li.primary
            )
            for li in p.licenses
        ],
        training=[
            TrainingPublic(
                provider=c.provider,
                course=c.course,
                hours=c.hours,
                in_person_hours=c.in_person_hours,
                completed_on=c.completed_on,
                certificate_id=c.certificate_id,
                licensed_since=c.licensed_since,
                supervised_sessions=c.supervised_sessions,
            )
            for c in p.credentials
        ],
        filings=[
            FilingPublic(
                state=b.state,
                kind=FilingKind(b.kind),
                filed_on=b.filed_on,
                expires_on=b.expires_on,
                reference=b.reference,
                in_force=filing_in_force(b, on),
            )
            for b in p.filings
        ],
        law=law,
    )


def iter_practitioners(
    engine: Engine,
    *,
    on: date | None = None,
    updated_since: date | None = None,
    batch_size: int = 1000,
) -> Iterator[list[PractitionerPublic]]:
    """Every practitioner (active or not) in NPI order, a batch at a time, memory flat.

    ``updated_since`` keeps those whose NPPES record was updated on or after that day.
    Each batch is read in its own short transaction (keyset paging on the NPI).
    """
    day = on or date.today()
    after = ""
    while True:
        query = (
            select(Practitioner)
            .where(Practitioner.npi > after)
            .order_by(Practitioner.npi)
            .limit(batch_size)
            .options(*_DETAIL)
        )
        if updated_since is not None:
            query = query.where(Practitioner.updated_on >= updated_since)
        with transaction(engine) as session:
            rows = list(session.scalars(query))
            batch = [practitioner_public(p, day) for p in rows]
        if not batch:
            return
        yield batch
        after = batch[-1].npi


def find_practitioners_at(
    engine: Engine,
    latitude: float,
    longitude: float,
    radius_miles: float | str = DEFAULT_RADIUS_MILES,
    professions: Sequence[str | Profession] | None = None,
    eligible_only: bool = False,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    on: date | None = None,
) -> tuple[int, list[SearchHit]]:
    """:func:`find_practitioners_near` around a point instead of a ZIP centroid.

    Returns (total within the radius after filters, the page of hits nearest first, ties
    by NPI). Around a ZIP's centroid it answers exactly what the ZIP search answers.
    """
    q = _Search(
        zip5="",
        lat=_degrees(latitude, "latitude", 90.0),
        lon=_degrees(longitude, "longitude", 180.0),
        radius=_radius(radius_miles),
        limit=_whole(limit, "limit", 1, MAX_LIMIT),
        offset=_whole(offset, "offset", 0, None),
        professions=parse_professions(professions),
        eligible_only=bool(eligible_only),
        on=on or date.today(),
    )
    index, total, rows, miles = _page(engine, q)
    return total, index.page_models(rows, miles, q.on)


def _degrees(value: object, field: str, bound: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{field} must be a number of degrees", field=field)
    degrees = float(value)
    if not math.isfinite(degrees) or not -bound <= degrees <= bound:
        raise InvalidInput(
            f"{field} must be between {-bound:g} and {bound:g} degrees, got {value}", field=field
        )
    return degrees
