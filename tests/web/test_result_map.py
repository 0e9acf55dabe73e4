"""The distance-ring map of ``/find`` results: where dots go, and what the page draws."""

from __future__ import annotations

import math
from datetime import date
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.directory.geo import LatLon, haversine_miles
from pinpoint.directory.schemas import EligibilityPublic, SearchHit, SearchQuery, SearchResults
from pinpoint.errors import InvalidInput
from pinpoint.law.eligibility import Verdict
from pinpoint.law.vocabulary import Profession
from pinpoint.web.app import create_app
from pinpoint.web.pages.result_map import (
    MIXED,
    OUTER_R,
    Locate,
    ResultMap,
    build_result_map,
    initial_bearing,
    outer_miles,
    ring_miles,
)
from tests.directory import factories as f

CENTRE_ZIP = "99999"


def hit(
    zip5: str | None,
    miles: float,
    verdict: Verdict = Verdict.ELIGIBLE,
    name: str = "Nora Nearby",
) -> SearchHit:
    return SearchHit(
        npi="1234567893",
        name=name,
        profession=Profession.PHYSICAL_THERAPIST,
        taxonomy="225100000X",
        city="Denver",
        state="CO",
        zip=zip5,
        distance_miles=miles,
        eligibility=EligibilityPublic(verdict=verdict, reasons=[]),
    )


def results(hits: list[SearchHit], radius: float = 25.0) -> SearchResults:
    query = SearchQuery(
        zip=CENTRE_ZIP,
        radius_miles=radius,
        professions=[],
        eligible_only=False,
        limit=50,
        offset=0,
        on=date(2025, 1, 1),
    )
    return SearchResults(query=query, total=len(hits), results=hits)


def locator(points: dict[str, LatLon]) -> Locate:
    def locate(code: str) -> LatLon:
        if code not in points:
            raise InvalidInput(f"unknown ZIP code {code}", field="zip")
        return points[code]

    return locate


def build(hits: list[SearchHit], points: dict[str, LatLon], radius: float = 25.0) -> ResultMap:
    answer = build_result_map(results(hits, radius), locator(points))
    assert answer is not None
    return answer


def from_centre(m: ResultMap, x: float, y: float) -> float:
    return math.hypot(x - m.cx, y - m.cy)


latitudes = st.floats(-60, 60)
longitudes = st.floats(-170, 170)
radii = st.floats(0.5, 500)


@given(
    centre=st.tuples(latitudes, longitudes),
    radius=radii,
    places=st.lists(
        st.tuples(latitudes, longitudes, st.floats(0, 1.01), st.sampled_from(list(Verdict))),
        min_size=1,
        max_size=12,
    ),
)
def test_every_dot_is_inside_the_outer_ring(
    centre: tuple[float, float],
    radius: float,
    places: list[tuple[float, float, float, Verdict]],
) -> None:
    points = {CENTRE_ZIP: LatLon(*centre)}
    hits = []
    for i, (lat, lon, fraction, verdict) in enumerate(places):
        code = f"{i:05d}"
        points[code] = LatLon(lat, lon)
        hits.append(hit(code, round(fraction * radius, 2), verdict))
    m = build(hits, points, radius)
    assert len(m.dots) == len(places)
    assert m.rings[-1].r == pytest.approx(OUTER_R)
    assert m.rings[-1].miles == pytest.approx(m.outer_miles, abs=0.01)
    farthest = max(h.distance_miles for h in hits)
    assert min(farthest, radius) <= m.outer_miles <= radius
    for dot in m.dots:
        assert from_centre(m, dot.x, dot.y) <= m.outer_r + 1e-9
        assert m.dot_r <= dot.x <= m.size - m.dot_r
        assert m.dot_r <= dot.y <= m.size - m.dot_r


@given(
    lat=st.floats(-60, 60),
    lon=longitudes,
    north=st.floats(0.05, 5),
    radius=st.floats(400, 500),
)
def test_a_dot_due_north_is_straight_above_the_centre(
    lat: float, lon: float, north: float, radius: float
) -> None:
    points = {CENTRE_ZIP: LatLon(lat, lon), "00001": LatLon(lat + north, lon)}
    miles = round(haversine_miles(lat, lon, lat + north, lon), 2)
    m = build([hit("00001", miles)], points, radius)
    (dot,) = m.dots
    assert dot.y < m.cy
    assert dot.x == pytest.approx(m.cx, abs=1e-6)


@given(centre=st.tuples(latitudes, longitudes), other=st.tuples(latitudes, longitudes))
def test_a_result_at_zero_miles_is_at_the_centre(
    centre: tuple[float, float], other: tuple[float, float]
) -> None:
    points = {CENTRE_ZIP: LatLon(*centre), "00001": LatLon(*other)}
    m = build([hit("00001", 0.0)], points)
    (dot,) = m.dots
    assert (dot.x, dot.y) == (m.cx, m.cy)


@given(st.floats(0.1, 500))
def test_rings_are_round_ascending_and_end_at_the_radius(radius: float) -> None:
    rings = ring_miles(radius)
    assert rings[-1] == radius
    assert list(rings) == sorted(set(rings))
    assert 1 <= len(rings) <= 4
    assert all(m < radius * 0.85 for m in rings[:-1])


@pytest.mark.parametrize(
    ("radius", "farthest", "outer"),
    [
        (30, 10.5, 15),
        (30, 24.2, 30),
        (25, 24.2, 25),
        (500, 0.0, 500),
        (5, 0.3, 0.3),
        (5, 0.31, 0.4),
    ],
)
def test_the_outer_ring_rounds_the_farthest_result_up_within_the_radius(
    radius: float, farthest: float, outer: float
) -> None:
    assert outer_miles(radius, farthest) == pytest.approx(outer)


def test_bearings_point_the_right_way() -> None:
    origin = LatLon(40.0, -105.0)
    assert initial_bearing(origin, LatLon(41.0, -105.0)) == pytest.approx(0.0)
    assert initial_bearing(origin, LatLon(40.0, -104.0)) == pytest.approx(math.pi / 2, abs=0.01)
    assert abs(initial_bearing(origin, LatLon(39.0, -105.0))) == pytest.approx(math.pi)
    assert initial_bearing(origin, LatLon(40.0, -106.0)) == pytest.approx(-math.pi / 2, abs=0.01)


def test_one_zip_shares_one_dot_with_a_count_and_titles_name_everyone() -> None:
    points = {CENTRE_ZIP: LatLon(40.0, -105.0), "00001": LatLon(40.1, -105.0)}
    m = build(
        [
            hit("00001", 6.9, Verdict.ELIGIBLE, "Ann Able"),
            hit("00001", 6.9, Verdict.NOT_ELIGIBLE, "Bob Baker"),
            hit(CENTRE_ZIP, 0.0, Verdict.TRAINING_UNKNOWN, "Cy Centre"),
            hit(None, 3.0, Verdict.LAW_SILENT, "No Where"),
        ],
        points,
    )
    by_zip = {dot.zip: dot for dot in m.dots}
    assert set(by_zip) == {"00001", CENTRE_ZIP}
    shared = by_zip["00001"]
    assert (shared.count, shared.verdict, shared.css) == (2, MIXED, "dot dot-mixed")
    assert "Ann Able, eligible" in shared.title
    assert "Bob Baker, not eligible" in shared.title
    assert by_zip[CENTRE_ZIP].title == "Cy Centre, 0 mi away, training not on record"
    assert m.unplaced == 1
    assert [(e.verdict, e.count) for e in m.legend] == [
        ("eligible", 1),
        ("not_eligible", 1),
        ("law_silent", 1),
        ("training_unknown", 1),
        (MIXED, None),
    ]
    assert m.label.startswith("Map of the 4 practitioners listed, at 2 places")
    assert "1 eligible, 1 not eligible" in m.label
    assert "1 without a known ZIP are not on the map" in m.label


def test_no_results_means_no_map() -> None:
    assert build_result_map(results([])) is None


class _Svg(HTMLParser):
    """Collects the result map's root ``<svg>`` and its ``<circle class="dot ...">``."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, str]] = []
        self.dots: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        classes = found.get("class", "").split()
        if tag == "svg" and "result-map-svg" in classes:
            self.svgs.append(found)
        if tag == "circle" and "dot" in classes:
            self.dots.append(found)

    handle_startendtag = handle_starttag


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings), headers={"accept": "text/html"})


def test_find_page_draws_one_dot_per_distinct_location(client: TestClient, engine: Engine) -> None:
    near = f.practitioner("80202", last_name="Nearby", first_name="Nora", credential=None)
    rows = [near, f.practitioner("80202"), f.practitioner("80401", city="Golden")]
    f.add(engine, rows, [f.credential(near["npi"], hours=80)])
    answer = client.get("/find", params={"zip": "80202", "radius_miles": "30"})
    assert answer.status_code == 200
    parsed = _Svg()
    parsed.feed(answer.text)
    (svg,) = parsed.svgs
    assert svg["role"] == "img"
    assert svg["aria-label"].startswith("Map of the 3 practitioners listed, at 2 places")
    assert "1 eligible, 2 training not on record" in svg["aria-label"]
    assert len(parsed.dots) == 2
    assert sorted(d["class"] for d in parsed.dots) == ["dot dot-mixed", "dot dot-training-unknown"]
    assert "Nora Nearby, eligible" in answer.text
    assert "\u00d72" in answer.text  # the count beside the shared dot


def test_find_page_without_results_draws_no_map(client: TestClient, engine: Engine) -> None:
    f.add(engine, [f.practitioner("80401")])
    answer = client.get("/find", params={"zip": "10001", "radius_miles": "5"})
    assert answer.status_code == 200
    assert "result-map" not in answer.text
    assert "<svg" not in answer.text.split("<main", 1)[-1]
