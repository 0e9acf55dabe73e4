"""The PostgreSQL search view ``practitioner_points``: filled after an import, with its indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pinpoint.directory.demo_file import write_demo_file
from pinpoint.directory.nppes import import_nppes
from pinpoint.directory.search import postgis

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


def test_a_first_load_fills_the_view_and_builds_its_three_indexes(
    engine: Engine, tmp_path: Path
) -> None:
    assert postgis.postgis_schema(engine) is not None
    migrated = _indexes(engine)
    assert set(migrated) == set(postgis.POINT_INDEXES)
    write_demo_file(tmp_path / "demo.csv", 3_000, seed=5)
    import_nppes(engine, tmp_path / "demo.csv", progress=False)
    assert _points(engine) == _expected(engine) > 0
    assert _indexes(engine) == migrated  # the same names and definitions as the migration's


def test_a_refresh_builds_an_index_a_stopped_first_fill_left_out(
    engine: Engine, tmp_path: Path
) -> None:
    write_demo_file(tmp_path / "demo.csv", 3_000, seed=5)
    import_nppes(engine, tmp_path / "demo.csv", progress=False)
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
