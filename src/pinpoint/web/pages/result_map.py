"""The small distance-ring map of ``/find`` results: a pure builder of its typed context.

The searched ZIP's centre sits in the middle of a fixed square viewBox; rings mark round
distances out to the farthest result (never past the search radius, and rounded up so a
few close results are not crowded into the middle); each distinct result ZIP is one dot,
placed by the
great-circle initial bearing between the two ZIP centroids and by the results' own
``distance_miles`` (so the map agrees with the table). Several practitioners at one ZIP
share one dot with a count. Each verdict has a colour, a glyph and words, never colour
alone; the template only formats what :class:`ResultMap` holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pinpoint.directory.geo import LatLon, zip_centroid
from pinpoint.directory.schemas import SearchHit, SearchResults
from pinpoint.errors import InvalidInput
from pinpoint.law.eligibility import Verdict

#: Side of the square viewBox, the centre, and the outer ring's radius, in SVG units.
SIZE = 320.0
CENTRE = SIZE / 2
OUTER_R = 132.0
DOT_R = 8.5

MIXED = "mixed"

#: Per verdict (and "mixed" for one ZIP with several verdicts): glyph and short words.
GLYPHS: dict[str, str] = {
    Verdict.ELIGIBLE.value: "✓",
    Verdict.NOT_ELIGIBLE.value: "✕",
    Verdict.LAW_SILENT.value: "\u2013",  # en dash, as the law map's "silent"
    Verdict.TRAINING_UNKNOWN.value: "?",
    MIXED: "±",
}
WORDS: dict[str, str] = {
    Verdict.ELIGIBLE.value: "eligible",
    Verdict.NOT_ELIGIBLE.value: "not eligible",
    Verdict.LAW_SILENT.value: "law silent or unclear",
    Verdict.TRAINING_UNKNOWN.value: "training not on record",
    MIXED: "mixed verdicts at one ZIP",
}

_NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
_NICE_EXTENTS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
_MOST_INNER_RINGS = 3
_NAMES_IN_TITLE = 6
_ZIP5 = re.compile(r"\d{5}")

Locate = Callable[[str], LatLon]


@dataclass(frozen=True)
class Ring:
    miles: float
    r: float
    label: str

    @property
    def label_y(self) -> float:
        """Where the label sits: on the ring, straight below the centre."""
        return CENTRE + self.r


@dataclass(frozen=True)
class Dot:
    """One result location: where it is drawn and what it stands for."""

    zip: str
    x: float
    y: float
    distance_miles: float
    verdict: str
    count: int
    title: str

    @property
    def css(self) -> str:
        return f"dot dot-{self.verdict.replace('_', '-')}"

    @property
    def glyph(self) -> str:
        return GLYPHS[self.verdict]


@dataclass(frozen=True)
class LegendEntry:
    """A verdict with how many practitioners listed have it (None for "mixed")."""

    verdict: str
    count: int | None

    @property
    def css(self) -> str:
        return f"dot-{self.verdict.replace('_', '-')}"

    @property
    def glyph(self) -> str:
        return GLYPHS[self.verdict]

    @property
    def words(self) -> str:
        return WORDS[self.verdict]

    @property
    def heading(self) -> str:
        """The words as a legend line starts them."""
        words = self.words
        return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class ResultMap:
    centre_zip: str
    radius_miles: float
    outer_miles: float
    rings: tuple[Ring, ...]
    dots: tuple[Dot, ...]
    legend: tuple[LegendEntry, ...]
    shown: int
    unplaced: int
    size: float = SIZE
    cx: float = CENTRE
    cy: float = CENTRE
    outer_r: float = OUTER_R
    dot_r: float = DOT_R

    @property
    def view_box(self) -> str:
        return f"0 0 {self.size:g} {self.size:g}"

    @property
    def shares(self) -> bool:
        """Whether some dot stands for several practitioners at one ZIP."""
        return any(dot.count > 1 for dot in self.dots)

    @property
    def rings_text(self) -> str:
        """The ring distances in words: "10, 20 and 30 miles"."""
        numbers = [f"{ring.miles:g}" for ring in self.rings]
        head = ", ".join(numbers[:-1])
        return f"{head} and {numbers[-1]} miles" if head else f"{numbers[-1]} miles"

    @property
    def label(self) -> str:
        """The text alternative of the whole map: what it shows and the counts by verdict."""
        people = "practitioner" if self.shown == 1 else "practitioners"
        counts = ", ".join(f"{e.count} {e.words}" for e in self.legend if e.count is not None)
        places = "place" if len(self.dots) == 1 else "places"
        text = (
            f"Map of the {self.shown} {people} listed, at {len(self.dots)} {places}, "
            f"by direction and distance from the centre of ZIP {self.centre_zip}, "
            f"with rings at {self.rings_text}: {counts}."
        )
        if self.unplaced:
            text += f" {self.unplaced} without a known ZIP are not on the map."
        return text


def miles_label(miles: float) -> str:
    return f"{miles:g} mi"


def ring_miles(radius_miles: float) -> tuple[float, ...]:
    """Round distances for the rings, ending with the radius itself.

    The step is the smallest of 1, 2, 2.5, 5 times a power of ten that gives at most three
    inner rings; an inner ring too close to the outer one (within 15 %) is left out.
    """
    if not math.isfinite(radius_miles) or radius_miles <= 0:
        raise ValueError(f"radius must be positive, got {radius_miles}")
    power = 10.0 ** math.floor(math.log10(radius_miles / (_MOST_INNER_RINGS + 1)))
    step = next(
        s * power * scale
        for scale in (1.0, 10.0)
        for s in _NICE_STEPS
        if radius_miles / (s * power * scale) <= _MOST_INNER_RINGS + 1
    )
    inner: list[float] = []
    k = 1
    while (miles := round(k * step, 6)) < radius_miles * 0.85:
        inner.append(miles)
        k += 1
    return (*inner, radius_miles)


def outer_miles(radius_miles: float, farthest_miles: float) -> float:
    """The outer ring's distance: the farthest result rounded up to a round number.

    Never more than the search radius; the radius itself when nothing is farther than 0.
    """
    if not farthest_miles > 0:
        return radius_miles
    power = 10.0 ** math.floor(math.log10(farthest_miles))
    nice = next(n * power for n in _NICE_EXTENTS if n * power >= farthest_miles * (1 - 1e-9))
    return min(radius_miles, round(nice, 6))


def initial_bearing(origin: LatLon, target: LatLon) -> float:
    """Great-circle initial bearing from ``origin`` to ``target``: radians clockwise from north."""
    phi1, phi2 = math.radians(origin.latitude), math.radians(target.latitude)
    dlam = math.radians(target.longitude - origin.longitude)
    y = math.sin(dlam) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlam)
    return math.atan2(y, x)


def _zip5(text: str | None) -> str | None:
    value = (text or "").strip()[:5]
    return value if _ZIP5.fullmatch(value) else None


def _position(bearing: float, distance: float, extent: float) -> tuple[float, float]:
    r = OUTER_R * min(1.0, max(0.0, distance) / extent)
    return CENTRE + r * math.sin(bearing), CENTRE - r * math.cos(bearing)


def _title(zip5: str, distance: float, hits: Sequence[SearchHit]) -> str:
    where = f"{miles_label(round(distance, 1))} away"
    if len(hits) == 1:
        hit = hits[0]
        return f"{hit.name}, {where}, {WORDS[hit.eligibility.verdict.value]}"
    named = "; ".join(
        f"{h.name}, {WORDS[h.eligibility.verdict.value]}" for h in hits[:_NAMES_IN_TITLE]
    )
    more = len(hits) - _NAMES_IN_TITLE
    tail = f"; and {more} more" if more > 0 else ""
    return f"ZIP {zip5}, {where}, {len(hits)} practitioners: {named}{tail}"


def build_result_map(results: SearchResults, locate: Locate = zip_centroid) -> ResultMap | None:
    """The map of the results listed on this page, or None when there are none.

    ``locate`` gives a ZIP's centroid (``zip_centroid`` unless a test says otherwise); a
    result whose ZIP it cannot place is counted in ``unplaced``, not drawn.
    """
    hits = results.results
    if not hits:
        return None
    radius = results.query.radius_miles
    centre = locate(results.query.zip)
    groups: dict[str, list[SearchHit]] = {}
    unplaced = 0
    for hit in hits:
        code = _zip5(hit.zip)
        if code is None:
            unplaced += 1
        else:
            groups.setdefault(code, []).append(hit)
    placed: list[tuple[str, list[SearchHit], float, float]] = []
    for code, members in groups.items():
        distance = min(h.distance_miles for h in members)
        if distance <= 0:
            bearing = 0.0
        else:
            try:
                bearing = initial_bearing(centre, locate(code))
            except InvalidInput:
                unplaced += len(members)
                continue
        placed.append((code, members, distance, bearing))
    extent = outer_miles(radius, max((p[2] for p in placed), default=0.0))
    dots: list[Dot] = []
    for code, members, distance, bearing in placed:
        x, y = _position(bearing, distance, extent)
        verdicts = {h.eligibility.verdict.value for h in members}
        verdict = verdicts.pop() if len(verdicts) == 1 else MIXED
        dots.append(
            Dot(code, x, y, distance, verdict, len(members), _title(code, distance, members))
        )
    dots.sort(key=lambda d: (-d.distance_miles, d.zip))  # nearest drawn last, on top
    counts = {v.value: 0 for v in Verdict}
    for hit in hits:
        counts[hit.eligibility.verdict.value] += 1
    legend = tuple(LegendEntry(v, n) for v, n in counts.items() if n)
    if any(dot.verdict == MIXED for dot in dots):
        legend += (LegendEntry(MIXED, None),)
    rings = tuple(
        Ring(round(m, 2), OUTER_R * m / extent, miles_label(round(m, 2)))
        for m in ring_miles(extent)
    )
    return ResultMap(
        centre_zip=results.query.zip,
        radius_miles=radius,
        outer_miles=extent,
        rings=rings,
        dots=tuple(dots),
        legend=legend,
        shown=len(hits),
        unplaced=unplaced,
    )
