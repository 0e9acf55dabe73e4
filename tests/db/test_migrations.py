"""The schema history and the table models describe the same database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from pinpoint.db.base import Base
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.db.models import import_all_models


def test_migrating_from_empty_then_autogenerating_finds_no_difference(engine: Engine) -> None:
    import_all_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    before = sorted(inspect(engine).get_table_names())
    upgrade(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert {"import_runs", "practitioners", "alembic_version"} <= set(before)


@pytest.mark.backends("sqlite")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_audit_log_refuses_updates_and_deletes(engine: Engine) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (action, record_type, outcome) VALUES ('read', 'x', 'ok')"
            )
        )
    for statement in ("UPDATE audit_events SET outcome = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT outcome FROM audit_events")).scalars().all() == ["ok"]


def test_the_schema_head_read_from_the_files_is_alembics_head() -> None:
    from pinpoint.db.migrate import head_revision, schema_head

    assert schema_head() == head_revision()


def test_ensure_schema_migrates_a_new_database_once_then_only_checks(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pinpoint.db import migrate

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert migrate.stored_revisions(conn) is None
        migrate.ensure_schema(engine)
        with engine.connect() as conn:
            assert migrate.is_current(migrate.stored_revisions(conn))

        def refuse(*_args: object) -> None:
            raise AssertionError("a current database must not be migrated again")

        monkeypatch.setattr(migrate, "upgrade", refuse)
        migrate.ensure_schema(engine)
    finally:
        engine.dispose()


def test_board_filings_upgrade_and_downgrade(engine: Engine) -> None:
    """Migration 0011 adds ``board_filings`` and takes it away again, on both databases."""
    from alembic import command

    from pinpoint.db.migrate import alembic_config

    assert "board_filings" in inspect(engine).get_table_names()
    command.downgrade(alembic_config(engine), "0010")
    assert "board_filings" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "board_filings" in inspect(engine).get_table_names()
    indexes = {i["name"] for i in inspect(engine).get_indexes("board_filings")}
    assert "ix_board_filings_npi" in indexes
