"""Radius search equals a brute-force computation, on SQLite and PostgreSQL, every path.

Each comparison runs on each search backend (``backend`` fixture): the in-process index
of the whole directory, the bounded search of ``pinpoint find`` (only the practitioners
around the circle) and, on PostgreSQL, PostGIS.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import zipcodes
from sqlalchemy import Engine, insert, text, update

from pinpoint.directory import geo
from pinpoint.directory.models import Practitioner
from pinpoint.directory.schemas import SearchResults
from pinpoint.directory.search import cache, postgis
from pinpoint.directory.service import (
    Backend,
    find_practitioners_near,
    get_practitioner,
    search_practitioners_json,
)
from pinpoint.errors import InvalidInput
from pinpoint.law.vocabulary import Profession
from tests.directory import factories as f

ON = date(2025, 6, 1)
DENVER = geo.zip_centroid("80202")


def _zips_near(centre: geo.LatLon, miles: float, count: int, rng: random.Random) -> list[str]:
    near = [
        z
        for z in geo.known_zip_codes()
        if geo.haversine_miles(*centre, *geo.zip_centroid(z)) <= miles
    ]
    return rng.sample(near, min(count, len(near)))


def _state_of(zip5: str) -> str:
    return str(zipcodes.matching(zip5)[0]["state"])  # type: ignore[no-untyped-call]


@dataclass
class World:
    rows: list[dict[str, Any]]
    eligible: set[str]


def _world(engine: Engine, n: int = 300, seed: int = 7) -> World:
    """Practitioners around Denver (several per ZIP, so ties abound) plus noise elsewhere."""
    rng = random.Random(seed)
    zips = [*_zips_near(DENVER, 90, 40, rng), "10001", "94103"]
    rows, creds = [], []
    for _ in range(n):
        z = rng.choice(zips)
        row = f.practitioner(
            z,
            state=_state_of(z),
            profession=rng.choice(list(Profession)).value,
            active=rng.random() > 0.1,
        )
        if rng.random() < 0.05:
            row.update(latitude=None, longitude=None)
        rows.append(row)
        if rng.random() < 0.5:
            creds.append(f.credential(row["npi"], hours=rng.choice([10, 27, 46, 80])))
    rng.shuffle(rows)
    f.add(engine, rows, creds)
    eligible = {
        r["npi"]
        for r in rows
        if r["active"] and get_practitioner(engine, r["npi"], ON).eligibility.verdict == "eligible"
    }
    return World(rows, eligible)


def _brute(
    world: World,
    zip5: str,
    radius: float,
    professions: list[str] | None = None,
    eligible_only: bool = False,
) -> list[tuple[float, str]]:
    centre = geo.zip_centroid(zip5)
    found = []
    for r in world.rows:
        if not r["active"] or r["latitude"] is None:
            continue
        if professions and r["profession"] not in professions:
            continue
        if eligible_only and r["npi"] not in world.eligible:
            continue
        d = geo.haversine_miles(*centre, r["latitude"], r["longitude"])
        if d <= radius:
            found.append((d, r["npi"]))
    return sorted(found)


def _check(
    answer: SearchResults, expected: list[tuple[float, str]], offset: int, limit: int
) -> None:
    assert answer.total == len(expected)
    page = expected[offset : offset + limit]
    assert [h.npi for h in answer.results] == [npi for _, npi in page]
    for hit, (d, _) in zip(answer.results, page, strict=True):
        assert hit.distance_miles == pytest.approx(d, abs=0.006)


@pytest.fixture(params=["index", "bounded", "postgis"])
def backend(request: pytest.FixtureRequest, engine: Engine) -> Backend:
    """Each search path in turn (PostGIS on PostgreSQL only)."""
    chosen: Backend = request.param
    if chosen == "postgis":
        # (tests/conftest.py does not collect it on SQLite)
        assert engine.dialect.name == "postgresql"
        assert postgis.postgis_schema(engine) is not None
    return chosen


def test_search_equals_brute_force_on_random_queries(engine: Engine, backend: Backend) -> None:
    world = _world(engine)
    rng = random.Random(11)
    zips = _zips_near(DENVER, 60, 10, rng)
    for zip5 in zips:
        radius = rng.choice([5, 12.5, 25, 60, 500])
        profs = rng.choice([None, ["physical_therapist"], ["chiropractor", "physician"]])
        eligible_only = rng.random() < 0.3
        limit, offset = rng.choice([(50, 0), (7, 0), (10, 10), (3, 25)])
        answer = find_practitioners_near(
            engine, zip5, radius, profs, eligible_only, limit, offset, ON, backend=backend
        )
        _check(answer, _brute(world, zip5, radius, profs, eligible_only), offset, limit)


def test_ties_in_distance_are_broken_by_npi(engine: Engine, backend: Backend) -> None:
    rows = [f.practitioner("80202") for _ in range(12)]
    f.add(engine, list(reversed(rows)))
    for offset in (0, 5):
        answer = find_practitioners_near(
            engine, "80202", 1, limit=5, offset=offset, backend=backend
        )
        assert [h.npi for h in answer.results] == sorted(r["npi"] for r in rows)[
            offset : offset + 5
        ]
        assert answer.total == 12


def test_pages_together_give_the_whole_ordered_list(engine: Engine, backend: Backend) -> None:
    world = _world(engine, n=150, seed=3)
    expected = [npi for _, npi in _brute(world, "80202", 40)]
    seen: list[str] = []
    for offset in range(0, len(expected) + 7, 7):
        answer = find_practitioners_near(
            engine, "80202", 40, limit=7, offset=offset, on=ON, backend=backend
        )
        assert answer.total == len(expected)
        seen += [h.npi for h in answer.results]
    assert seen == expected


def test_eligible_only_keeps_only_eligible_practitioners(engine: Engine, backend: Backend) -> None:
    trained = f.practitioner("80202")
    untrained = f.practitioner("80202")
    f.add(engine, [trained, untrained], [f.credential(trained["npi"], hours=80)])
    answer = find_practitioners_near(
        engine, "80202", 10, eligible_only=True, on=ON, backend=backend
    )
    assert [h.npi for h in answer.results] == [trained["npi"]]
    assert answer.results[0].eligibility.verdict == "eligible"
    assert answer.total == 1


def test_search_excludes_deactivated_and_ungeocoded_practitioners(
    engine: Engine, backend: Backend
) -> None:
    gone = f.practitioner("80202", active=False, deactivated_on=date(2024, 1, 1))
    nowhere = f.practitioner(None)
    here = f.practitioner("80202")
    f.add(engine, [gone, nowhere, here])
    answer = find_practitioners_near(engine, "80202", 25, backend=backend)
    assert [h.npi for h in answer.results] == [here["npi"]]


def test_search_sees_changes_after_invalidate(engine: Engine, backend: Backend) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row])
    assert find_practitioners_near(engine, "80202", 5).total == 1
    with engine.begin() as conn:
        conn.execute(update(Practitioner).values(active=False))
    cache.invalidate(engine)
    assert find_practitioners_near(engine, "80202", 5, backend=backend).total == 0


@pytest.mark.slow
def test_dense_city_with_thousands_in_radius_is_answered_exactly(
    engine: Engine, backend: Backend
) -> None:
    rng = random.Random(5)
    zips = _zips_near(DENVER, 25, 60, rng)
    rows = [
        f.practitioner(
            rng.choice(zips), profession=rng.choice(["physical_therapist", "chiropractor"])
        )
        for _ in range(4000)
    ]
    f.add(engine, rows)
    world = World(rows, set())
    for zip5 in ("80202", zips[0], zips[1]):
        expected = _brute(world, zip5, 25)
        assert len(expected) > 1000
        for offset, limit in ((0, 50), (1000, 50), (len(expected) - 3, 50)):
            answer = find_practitioners_near(
                engine, zip5, 25, limit=limit, offset=offset, backend=backend
            )
            _check(answer, expected, offset, limit)
        answer = find_practitioners_near(engine, zip5, 25, ["chiropractor"], backend=backend)
        _check(answer, _brute(world, zip5, 25, ["chiropractor"]), 0, 50)


def test_search_reports_the_query_it_answered(engine: Engine) -> None:
    answer = find_practitioners_near(
        engine, "80202-0001", "10", ["chiropractor", "physical_therapist"], limit=5, on=ON
    )
    data = answer.model_dump(mode="json")
    assert data["query"] == {
        "zip": "80202",
        "radius_miles": 10.0,
        "professions": ["physical_therapist", "chiropractor"],
        "eligible_only": False,
        "limit": 5,
        "offset": 0,
        "on": "2025-06-01",
    }
    assert data["total"] == 0
    assert data["results"] == []


def test_json_answer_is_exactly_the_models_json(engine: Engine, backend: Backend) -> None:
    """The API's pre-serialised bytes (the index's) equal pydantic's JSON of the same
    answer from each path: same order, total, fields and verdicts."""
    world = _world(engine, n=200, seed=13)
    assert world.rows
    rng = random.Random(17)
    for zip5 in [*_zips_near(DENVER, 60, 8, rng), "10001"]:
        for radius, profs, eligible_only, limit, offset in (
            (25, None, False, 50, 0),
            (60, ["chiropractor", "physician"], False, 7, 3),
            (500, None, True, 20, 0),
            (12.5, ["physical_therapist"], False, 500, 0),
        ):
            args = (engine, zip5, radius, profs, eligible_only, limit, offset, ON)
            expected = find_practitioners_near(*args, backend=backend).model_dump_json().encode()
            assert search_practitioners_json(*args) == expected


def test_dense_city_json_and_filters_match_brute_force(engine: Engine, backend: Backend) -> None:
    """Thousands at a handful of ZIP centroids: the page cuts sites mid-way, ties by NPI."""
    rng = random.Random(8)
    zips = _zips_near(DENVER, 10, 6, rng)
    rows = [
        f.practitioner(rng.choice(zips), profession=rng.choice(["physical_therapist", "physician"]))
        for _ in range(2500)
    ]
    creds = [f.credential(r["npi"], hours=80) for r in rows[::3]]
    f.add(engine, rows, creds)
    eligible = {
        r["npi"]
        for r in rows[::3]
        if get_practitioner(engine, r["npi"], ON).eligibility.verdict == "eligible"
    }
    assert eligible
    world = World(rows, eligible)
    for zip5 in zips[:3]:
        for profs, eligible_only in ((None, False), (["physician"], False), (None, True)):
            expected = _brute(world, zip5, 25, profs, eligible_only)
            assert len(expected) > 100
            for offset, limit in ((0, 50), (len(expected) // 2, 50), (len(expected) - 5, 50)):
                answer = find_practitioners_near(
                    engine, zip5, 25, profs, eligible_only, limit, offset, ON, backend=backend
                )
                _check(answer, expected, offset, limit)
                assert (
                    search_practitioners_json(
                        engine, zip5, 25, profs, eligible_only, limit, offset, ON
                    )
                    == answer.model_dump_json().encode()
                )


# Alaska (Adak west of the 180th meridian, Amchitka east of it), Hawaii, Puerto Rico, the
# Virgin Islands, Guam, the Northern Mariana Islands and American Samoa.
FAR_ZIPS = ("99501", "99546", "96505", "96507", "99762", "96813", "96720", "00901", "00802",
            "96910", "96950", "96799")  # fmt: skip


def test_far_places_and_the_180th_meridian_are_answered_exactly(
    engine: Engine, backend: Backend
) -> None:
    rng = random.Random(21)
    rows, creds = [], []
    for zip5 in FAR_ZIPS:
        for _ in range(4):
            row = f.practitioner(
                zip5, state=_state_of(zip5), profession=rng.choice(list(Profession)).value
            )
            rows.append(row)
            if rng.random() < 0.5:
                creds.append(f.credential(row["npi"], hours=rng.choice([10, 46, 80])))
    f.add(engine, rows, creds)
    world = World(rows, set())
    amchitka = {r["npi"] for r in rows if r["zip5"] == "96507"}
    adak = find_practitioners_near(engine, "99546", 300, limit=100, on=ON, backend=backend)
    assert amchitka <= {h.npi for h in adak.results}  # across the meridian, 170 miles
    queries = (("99546", 300), ("96507", 300), ("99501", 500), ("99762", 500),
               ("96813", 200), ("00901", 100), ("96910", 150), ("96799", 50))  # fmt: skip
    for zip5, radius in queries:
        args = (engine, zip5, radius, None, False, 100, 0, ON)
        answer = find_practitioners_near(*args, backend=backend)
        _check(answer, _brute(world, zip5, radius), 0, 100)
        assert answer.model_dump_json().encode() == search_practitioners_json(*args)


def test_a_zip_without_a_centroid_is_refused_on_every_path(
    engine: Engine, backend: Backend
) -> None:
    f.add(engine, [f.practitioner("80202")])
    for zip5 in ("09001", "00000"):  # an APO code (no centroid), and no ZIP code at all
        with pytest.raises(InvalidInput) as refused:
            find_practitioners_near(engine, zip5, 25, backend=backend)
        assert refused.value.field == "zip"


@pytest.mark.backends("postgres")
def test_postgis_page_uses_the_knn_index_in_a_dense_city(engine: Engine) -> None:
    """The prepared page statement runs as an index-ordered KNN scan, never a sort of all."""
    rng = random.Random(4)
    zips = _zips_near(DENVER, 5, 4, rng)
    f.add(engine, [f.practitioner(rng.choice(zips)) for _ in range(3000)])
    postgis.refresh_points(engine)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("ANALYZE practitioner_points")
        )
    centre = geo.zip_centroid(zips[0])
    for profs in ((), (Profession.PHYSICAL_THERAPIST,)):
        plan = "\n".join(postgis.postgis_plan(engine, *centre, 25, profs, 50))
        assert "Index Scan using ix_practitioner_points_geog" in plan, plan
        assert "Order By: (geog OPERATOR(" in plan, plan
        assert "Sort Key" not in plan, plan
        assert "Bitmap" not in plan, plan
    answer = find_practitioners_near(engine, zips[0], 25, backend="postgis")
    assert answer.total == 3000
    assert answer.results == find_practitioners_near(engine, zips[0], 25).results


def test_index_refreshes_in_the_background_without_blocking(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search never waits for the freshness check; the change shows up soon after."""
    f.add(engine, [f.practitioner("80202") for _ in range(3)])
    assert find_practitioners_near(engine, "80202", 5).total == 3
    with engine.begin() as conn:  # another process imports: no invalidate() here
        conn.execute(insert(Practitioner), [f.practitioner("80202")])
    monkeypatch.setattr(cache, "CHECK_INTERVAL_S", 0.0)
    # This search answers from the index it has and starts the check in the background.
    assert find_practitioners_near(engine, "80202", 5).total in (3, 4)
    deadline = time.monotonic() + 10
    while find_practitioners_near(engine, "80202", 5).total != 4:
        assert time.monotonic() < deadline, "the background refresh never landed"
        time.sleep(0.02)
