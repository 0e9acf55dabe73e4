"""``pinpoint restore``: only a sound Pinpoint database of a known version, never over an
existing one without ``--force``, never half-written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pinpoint.cli import run
from pinpoint.db.backup import backup_sqlite
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import head_revision, upgrade
from pinpoint.db.postgres import pg_restore_command
from pinpoint.db.restore import restore_sqlite
from tests.care import factories as f
from tests.db.conftest import MakeReadOnly
from tests.db.helpers import mode, one_line_error, sqlite


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    """A backup (with its .sha256) of a database holding one clinic's chart."""
    source = tmp_path / "source" / "pinpoint.db"
    engine = make_engine(f"sqlite:///{source}")
    upgrade(engine)
    f.chart(engine, screened=[], name="Backed Up Clinic")
    engine.dispose()
    out = tmp_path / "backups" / "clinic.db"
    backup_sqlite(source, out)
    return out


@pytest.fixture
def current(data_dir: Path) -> Path:
    """The configured database already exists, with a different clinic."""
    engine = make_engine(f"sqlite:///{data_dir / 'pinpoint.db'}")
    upgrade(engine)
    f.clinic(engine, "Current Clinic", "CO")
    engine.dispose()
    return data_dir / "pinpoint.db"


def _dump(database: Path) -> list[str]:
    """Every table's schema and rows, to compare databases by content."""
    with sqlite(database) as conn:
        return list(conn.iterdump())


def _clinics(database: Path) -> list[str]:
    with sqlite(database) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM clinics ORDER BY id")]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], needle: str) -> None:
    capsys.readouterr()
    assert run(argv) == 2
    assert needle in one_line_error(capsys.readouterr().err)


def _strip_checksum(file: Path) -> None:
    file.with_name(file.name + ".sha256").unlink()


# ---- restoring -------------------------------------------------------------------------------


def test_restore_puts_the_backup_in_place_of_a_missing_database(
    backup_file: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["restore", str(backup_file), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    target = data_dir / "pinpoint.db"
    assert answer["path"] == str(target)
    assert answer["checksum_verified"] is True
    assert answer["replaced"] is False
    assert answer["schema_version"] == head_revision()
    assert _clinics(target) == ["Backed Up Clinic"]
    assert mode(target) == 0o600
    assert mode(data_dir) == 0o700
    assert sorted(p.name for p in data_dir.iterdir()) == ["pinpoint.db"]


def test_a_restored_database_is_private_even_from_a_public_backup(
    backup_file: Path, data_dir: Path
) -> None:
    backup_file.chmod(0o644)
    old = os.umask(0)
    try:
        assert run(["restore", str(backup_file)]) == 0
    finally:
        os.umask(old)
    assert mode(data_dir / "pinpoint.db") == 0o600


def test_restore_never_overwrites_a_database_without_force(
    backup_file: Path, current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = current.read_bytes()
    _refused(["restore", str(backup_file)], capsys, f"the database {current} exists")
    assert current.read_bytes() == before


def test_force_replaces_the_database_and_keeps_the_old_one_beside_it(
    backup_file: Path, current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["restore", str(backup_file), "--force", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["replaced"] is True
    kept = Path(answer["previous_kept_as"])
    assert kept.name.startswith("pinpoint.db.replaced-")
    assert _clinics(current) == ["Backed Up Clinic"]
    assert _clinics(kept) == ["Current Clinic"]
    assert mode(kept) == 0o600


def test_restore_refuses_a_database_in_use(
    backup_file: Path, current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{current}")
    try:
        with engine.connect() as conn:  # an idle pooled connection, as a server keeps
            conn.exec_driver_sql("SELECT count(*) FROM clinics").all()
        _refused(["restore", str(backup_file), "--force"], capsys, "is in use")
    finally:
        engine.dispose()
    assert _clinics(current) == ["Current Clinic"]


def test_an_older_schema_version_is_restored_and_reported(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, "0003")
    engine.dispose()
    assert run(["restore", str(old), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["schema_version"] == "0003"
    assert answer["current_schema_version"] == head_revision()
    assert answer["checksum_verified"] is False
    assert run(["clinic", "create", "After Upgrade", "--state", "CO"]) == 0
    assert _clinics(data_dir / "pinpoint.db") == ["After Upgrade"]


# ---- an interrupted restore leaves the old database ------------------------------------------


@pytest.mark.parametrize("stage", ["copy", "rename"])
def test_an_interrupted_restore_leaves_the_old_database_intact(
    backup_file: Path, current: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    before = _dump(current)
    if stage == "copy":

        def half_a_copy(src: object, dst: object, length: int = 0) -> None:
            dst.write(src.read(4096))  # type: ignore[attr-defined]
            raise KeyboardInterrupt

        monkeypatch.setattr("shutil.copyfileobj", half_a_copy)
    else:

        def crash(temp: Path, final: Path) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("pinpoint.db.restore.publish", crash)
    with pytest.raises(KeyboardInterrupt):
        restore_sqlite(backup_file, current, force=True)
    assert _dump(current) == before
    assert _clinics(current) == ["Current Clinic"]
    assert not [p for p in current.parent.iterdir() if p.name.endswith(".partial")]


# ---- refusals --------------------------------------------------------------------------------


def test_a_missing_file_or_a_folder_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(["restore", str(tmp_path / "nope.db")], capsys, "no such file")
    _refused(["restore", str(tmp_path)], capsys, "is a folder")
    assert not (data_dir / "pinpoint.db").exists()


def test_a_file_that_is_not_sqlite_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("patient notes, not a database\n")
    _refused(["restore", str(text)], capsys, f"{text} is not a SQLite database")
    assert not (data_dir / "pinpoint.db").exists()


def test_a_sqlite_database_that_is_not_pinpoints_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    _refused(["restore", str(other)], capsys, "it has no schema version, so it is not a Pinpoint")


def test_another_alembic_application_with_our_version_number_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite(other) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (head_revision(),))
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    _refused(["restore", str(other)], capsys, f"{other} is not a Pinpoint database")


def test_a_newer_schema_version_is_refused(
    backup_file: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _strip_checksum(backup_file)
    with sqlite(backup_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    _refused(["restore", str(backup_file)], capsys, "schema version 9999 is unknown")
    assert not (data_dir / "pinpoint.db").exists()


def test_a_checksum_mismatch_is_refused(
    backup_file: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with backup_file.open("ab") as handle:
        handle.write(b"\0")
    _refused(["restore", str(backup_file)], capsys, "checksum mismatch")
    assert not (data_dir / "pinpoint.db").exists()


def test_an_unreadable_checksum_file_is_refused(
    backup_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_file.with_name("clinic.db.sha256").write_text("not a checksum\n")
    _refused(["restore", str(backup_file)], capsys, "has no sha256sum line for clinic.db")


def test_a_damaged_database_is_refused(
    backup_file: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _strip_checksum(backup_file)
    with sqlite(backup_file) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'clinics'").fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with backup_file.open("r+b") as handle:  # an invalid b-tree page type
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\x00")
    _refused(["restore", str(backup_file)], capsys, "fails SQLite's integrity check")
    assert not (data_dir / "pinpoint.db").exists()


def test_a_database_with_broken_references_is_refused(
    backup_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _strip_checksum(backup_file)
    with sqlite(backup_file) as conn:  # foreign keys are off in a plain connection
        conn.execute(
            'INSERT INTO practitioner_licenses (npi, taxonomy, number, "primary") '
            "VALUES ('1234567893', '225100000X', 'L-1', 1)"
        )
    _refused(["restore", str(backup_file)], capsys, "fails the foreign key check")


def test_restoring_the_database_onto_itself_is_refused(
    current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(["restore", str(current), "--force"], capsys, "is the database itself")


def test_a_read_only_data_folder_is_named(
    backup_file: Path, data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    read_only(data_dir)
    assert run(["restore", str(backup_file)]) == 1
    assert f"the database folder {data_dir} is not writable" in one_line_error(
        capsys.readouterr().err
    )


# ---- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.backends("postgres")
def test_restore_on_postgres_prints_the_pg_restore_command_and_exits_2(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_url(database_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url)
    dump = tmp_path / "clinic.dump"
    assert run(["restore", str(dump)]) == 2
    captured = capsys.readouterr()
    assert captured.out.strip() == pg_restore_command(database_url, str(dump))
    assert captured.out.startswith("pg_restore --host")
    assert "s3cret-pw" not in captured.out + captured.err
    one_line_error(captured.err)
