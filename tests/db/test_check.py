"""``pinpoint db check``: reports what is wrong, exits 1 when anything is, changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pinpoint.cli import run
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import head_revision, upgrade
from tests.care import factories as f
from tests.conftest import POSTGRES_URL
from tests.db.conftest import MakeReadOnly
from tests.db.helpers import mode, sqlite, with_options


@pytest.fixture
def database(data_dir: Path) -> Path:
    engine = make_engine(f"sqlite:///{data_dir / 'pinpoint.db'}")
    upgrade(engine)
    f.chart(engine, screened=[])
    engine.dispose()
    return data_dir / "pinpoint.db"


def _report(capsys: pytest.CaptureFixture[str], expected_exit: int) -> dict[str, object]:
    capsys.readouterr()
    assert run(["db", "check", "--json"]) == expected_exit
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def _failed(report: dict[str, object]) -> dict[str, str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {c["name"]: c["detail"] for c in checks if not c["ok"]}


def test_a_sound_database_passes_every_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _report(capsys, 0)
    assert report["ok"] is True
    assert report["database"] == str(database)
    checks = report["checks"]
    assert isinstance(checks, list)
    names = [c["name"] for c in checks]
    assert names == ["sqlite", "writable", "private", "integrity", "foreign_keys", "schema_version"]
    assert checks[-1]["detail"] == head_revision()


def test_the_text_report_names_each_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["db", "check"]) == 0
    out = capsys.readouterr().out
    assert str(database) in out
    assert "integrity: ok" in out
    assert "foreign_keys: ok" in out


def test_broken_references_fail_the_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite(database) as conn:  # foreign keys are off in a plain connection
        conn.execute("DELETE FROM episodes")
    failed = _failed(_report(capsys, 1))
    assert set(failed) == {"foreign_keys"}
    assert "refers to a missing episodes" in failed["foreign_keys"]


def test_a_damaged_page_fails_the_integrity_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite(database) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'patients'").fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with database.open("r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\x00")
    failed = _failed(_report(capsys, 1))
    assert "integrity" in failed


def test_files_open_to_others_are_reported_not_changed(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database.chmod(0o644)
    failed = _failed(_report(capsys, 1))
    assert failed == {"private": f"open to other local users: {database} (0644)"}
    assert mode(database) == 0o644


def test_a_read_only_database_fails_the_writable_check(
    database: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    read_only(database)
    failed = _failed(_report(capsys, 1))
    assert "writable" in failed
    assert f"the database file {database} is not writable" in failed["writable"]


def test_a_missing_database_is_reported_and_not_created(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _failed(_report(capsys, 1))
    assert failed == {"sqlite": f"no database at {data_dir / 'pinpoint.db'}"}
    assert not data_dir.exists()


def test_an_unknown_schema_version_fails_the_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    failed = _failed(_report(capsys, 1))
    assert "schema version 9999 is unknown" in failed["schema_version"]


# ---- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.backends("postgres")
def test_a_migrated_postgres_database_passes(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", database_url)
    report = _report(capsys, 0)
    checks = report["checks"]
    assert isinstance(checks, list)
    assert [c["name"] for c in checks] == ["reachable", "writable", "schema_version"]
    assert checks[2]["detail"] == head_revision()


@pytest.mark.backends("postgres")
def test_an_unreachable_postgres_fails_without_showing_the_password(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_url(POSTGRES_URL).set(port=8536, password="s3cret-pw")
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url.render_as_string(hide_password=False))
    capsys.readouterr()
    assert run(["db", "check", "--json"]) == 1
    captured = capsys.readouterr()
    failed = _failed(json.loads(captured.out))
    assert "cannot reach PostgreSQL" in failed["reachable"]
    assert "s3cret-pw" not in captured.out + captured.err


@pytest.mark.backends("postgres")
def test_a_read_only_postgres_fails_the_writable_check(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(
        "PINPOINT_DATABASE_URL", with_options(database_url, "-cdefault_transaction_read_only=on")
    )
    failed = _failed(_report(capsys, 1))
    assert set(failed) == {"writable"}
    assert "is read-only" in failed["writable"]
