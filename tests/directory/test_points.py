"""The PostgreSQL search view ``practitioner_points``: refreshed by the search side when the
directory changed, once however many ask, with its indexes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pinpoint.directory.demo_file import write_demo_file
from pinpoint.directory.nppes import import_nppes
from pinpoint.directory.search import cache, postgis
from pinpoint.directory.service import find_practitioners_near

pytestmark = pytest.mark.backends("postgres")


def _indexes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'practitioner_points' AND schemaname = current_schema()"
            )
        ).all()
    return {str(name): str(definition) for name, definition in rows}


def _points(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM practitioner_points")).scalar_one())


def _expected(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM practitioners WHERE active "
                    "AND latitude IS NOT NULL AND longitude IS NOT NULL"
                )
            ).scalar_one()
        )


def _import(engine: Engine, folder: Path, rows: int, seed: int) -> None:
    write_demo_file(folder / f"demo-{seed}.csv", rows, seed=seed)
    import_nppes(engine, folder / f"demo-{seed}.csv", progress=False)


def _a_zip(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT zip5 FROM practitioners WHERE active AND latitude IS NOT NULL LIMIT 1")
            ).scalar_one()
        )


def test_the_first_postgis_search_after_an_import_fills_the_view_and_its_indexes(
    engine: Engine, tmp_path: Path
) -> None:
    assert postgis.postgis_schema(engine) is not None
    migrated = _indexes(engine)
    assert set(migrated) == set(postgis.POINT_INDEXES)
    _import(engine, tmp_path, 3_000, seed=5)
    assert _points(engine) == 0  # the import writes the directory only
    zip5 = _a_zip(engine)
    answer = find_practitioners_near(engine, zip5, 50, backend="postgis")
    assert _points(engine) == _expected(engine) > 0
    assert _indexes(engine) == migrated  # the same names and definitions as the migration's
    assert answer.total > 0
    assert answer.results == find_practitioners_near(engine, zip5, 50).results


def test_a_later_import_is_seen_by_the_next_postgis_search(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, 2_000, seed=5)
    zip5 = _a_zip(engine)
    find_practitioners_near(engine, zip5, 50, backend="postgis")
    before = _points(engine)
    _import(engine, tmp_path, 4_000, seed=6)  # more practitioners, some moved or gone
    answer = find_practitioners_near(engine, zip5, 50, backend="postgis")
    assert _points(engine) == _expected(engine) != before
    assert answer.results == find_practitioners_near(engine, zip5, 50).results


def test_an_unchanged_directory_is_not_refreshed_again(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, 2_000, seed=5)
    assert postgis.refresh_points(engine, only_if_changed=True) is True
    assert postgis.refresh_points(engine, only_if_changed=True) is False
    cache.invalidate(engine)  # as another process would see it: a new index, same directory
    assert postgis.refresh_points(engine, only_if_changed=True) is False
    assert postgis.refresh_points(engine) is True  # unless asked outright


def test_racing_refreshers_refresh_once(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, 2_000, seed=5)
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(
            pool.map(lambda _: postgis.refresh_points(engine, only_if_changed=True), range(4))
        )
    assert sorted(done) == [False, False, False, True]
    assert _points(engine) == _expected(engine)
    assert _indexes(engine).keys() == postgis.POINT_INDEXES.keys()


def test_a_refresh_builds_an_index_a_stopped_first_fill_left_out(
    engine: Engine, tmp_path: Path
) -> None:
    _import(engine, tmp_path, 3_000, seed=5)
    postgis.refresh_points(engine)
    migrated = _indexes(engine)
    with engine.begin() as conn:  # as if the process died between the fill and the GiST build
        conn.execute(text("DROP INDEX ix_practitioner_points_geog"))
        conn.execute(text("DROP INDEX ix_practitioner_points_npi"))
        conn.execute(
            text(
                "UPDATE practitioners SET active = false WHERE npi IN "
                "(SELECT npi FROM practitioner_points LIMIT 5)"
            )
        )
    postgis.refresh_points(engine)
    assert _indexes(engine) == migrated
    assert _points(engine) == _expected(engine)
