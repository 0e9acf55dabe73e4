"""``pinpoint backup``: a consistent, checksummed copy while sessions are being written."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pinpoint.cli import run
from pinpoint.db.backup import backup_sqlite
from pinpoint.db.check import check_sqlite
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import head_revision, upgrade
from pinpoint.db.postgres import pg_dump_command
from pinpoint.db.restore import restore_sqlite
from tests.care import factories as f
from tests.conftest import POSTGRES_URL
from tests.db.helpers import mode, one_line_error, sqlite


@pytest.fixture
def live(data_dir: Path) -> Iterator[Engine]:
    """The configured embedded database, migrated and open (as a running server has it)."""
    engine = make_engine(f"sqlite:///{data_dir / 'pinpoint.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _session_ids(database: Path) -> set[int]:
    with sqlite(database) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM needling_sessions")}


def _muscles_per_session(database: Path) -> set[int]:
    with sqlite(database) as conn:
        rows = conn.execute(
            "SELECT count(m.id) FROM needling_sessions s "
            "LEFT JOIN session_muscles m ON m.session_id = s.id GROUP BY s.id"
        )
        return {row[0] for row in rows}


# ---- the copy is consistent while the clinic keeps writing ----------------------------------


def test_a_backup_during_writes_keeps_every_session_acknowledged_before_it(
    live: Engine, data_dir: Path, tmp_path: Path
) -> None:
    ready = f.chart(live, screened=[])
    acknowledged: list[int] = [f.documented_session(live, ready) for _ in range(20)]
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []

    def write_sessions() -> None:
        while not stop.is_set():
            try:
                session_id = f.documented_session(live, ready)
            except BaseException as exc:  # reported below, never swallowed
                errors.append(exc)
                return
            with lock:
                acknowledged.append(session_id)

    writers = [threading.Thread(target=write_sessions) for _ in range(3)]
    for thread in writers:
        thread.start()
    steps: list[tuple[int, int]] = []

    def hold_the_copy_open(done: int, total: int) -> None:
        """For the first steps, let the writers commit more sessions mid-copy."""
        if len(steps) < 4:
            wanted = len(acknowledged) + 3
            deadline = time.monotonic() + 60
            while len(acknowledged) < wanted and time.monotonic() < deadline and not errors:
                time.sleep(0.005)
        steps.append((done, total))

    try:
        with lock:
            before = set(acknowledged)
        out = tmp_path / "backups" / "clinic.db"
        result = backup_sqlite(
            data_dir / "pinpoint.db", out, pages_per_step=1, progress=hold_the_copy_open
        )
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=120)
    assert errors == []
    assert len(acknowledged) >= len(before) + 12  # sessions were committed during the copy
    # One page a step from the first to the last: the writes never made the copy start over
    # (it reads one snapshot), so it also ends under constant writes to a large database.
    assert steps == [(page, result.pages) for page in range(1, result.pages + 1)]

    restored = tmp_path / "restored" / "pinpoint.db"
    restore_sqlite(out, restored)
    in_backup = _session_ids(restored)
    assert before <= in_backup
    assert in_backup <= set(acknowledged)
    assert _muscles_per_session(restored) == {2}  # no session caught half-written
    report = check_sqlite(restored)
    assert report.ok, report.checks


# ---- what the command writes ----------------------------------------------------------------


def test_backup_writes_a_private_copy_and_a_sha256sum_file(
    live: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f.chart(live, screened=[])
    out = tmp_path / "copies" / "clinic.db"
    assert run(["backup", "--out", str(out), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert answer["sha256"] == digest
    assert answer["path"] == str(out)
    assert answer["bytes"] == out.stat().st_size
    assert answer["schema_version"] == head_revision()
    sums = out.with_name("clinic.db.sha256")
    assert answer["checksum_file"] == str(sums)
    assert sums.read_text() == f"{digest}  clinic.db\n"
    assert mode(out) == 0o600
    assert not out.with_name("clinic.db-wal").exists()
    assert out.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one self-contained file
    assert sorted(p.name for p in out.parent.iterdir()) == ["clinic.db", "clinic.db.sha256"]
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", sums.name], cwd=out.parent, check=False)
        assert check.returncode == 0


def test_backup_prints_the_checksum_for_people(
    live: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clinic.db"
    assert run(["backup", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{hashlib.sha256(out.read_bytes()).hexdigest()}  {out}" in printed.splitlines()


def test_backup_never_replaces_a_file_without_force(
    live: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clinic.db"
    out.write_bytes(b"an older backup")
    assert run(["backup", "--out", str(out)]) == 2
    assert f"{out} exists" in one_line_error(capsys.readouterr().err)
    assert out.read_bytes() == b"an older backup"
    assert run(["backup", "--out", str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        ("folder", "is a folder"),
        ("itself", "is the database itself"),
    ],
)
def test_backup_refuses_a_bad_out(
    live: Engine,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    needle: str,
) -> None:
    out = tmp_path if setup == "folder" else data_dir / "pinpoint.db"
    assert run(["backup", "--out", str(out)]) == 2
    assert needle in one_line_error(capsys.readouterr().err)


def test_backup_of_no_database_says_so_and_creates_none(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["backup", "--out", str(tmp_path / "x.db")]) == 2
    assert f"no database at {data_dir / 'pinpoint.db'}" in one_line_error(capsys.readouterr().err)
    assert not (data_dir / "pinpoint.db").exists()
    assert not (tmp_path / "x.db").exists()


def test_backup_refuses_a_database_that_is_not_pinpoints(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    with sqlite(data_dir / "pinpoint.db") as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    assert run(["backup", "--out", str(tmp_path / "x.db")]) == 2
    assert "not a Pinpoint database" in one_line_error(capsys.readouterr().err)
    assert list(tmp_path.glob("*x.db*")) == []


def test_an_interrupted_backup_leaves_no_file_behind(
    live: Engine, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "copies" / "clinic.db"

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup_sqlite(data_dir / "pinpoint.db", out, pages_per_step=1, progress=interrupt)
    assert list(out.parent.iterdir()) == []


def test_progress_counts_pages_up_to_the_total(
    live: Engine, data_dir: Path, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    result = backup_sqlite(
        data_dir / "pinpoint.db",
        tmp_path / "c.db",
        pages_per_step=8,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(seen) == -(-result.pages // 8)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (result.pages, result.pages)


# ---- PostgreSQL: the server's own tool -------------------------------------------------------


def test_the_pg_dump_command_names_the_server_and_schema_but_never_the_password() -> None:
    url = "postgresql+psycopg://clinic:s3cret@db.example.org:6543/pinpoint?options=-csearch_path%3Dclinic_a,public"
    command = pg_dump_command(url, "/backups/clinic a.dump")
    assert command == (
        "pg_dump --host db.example.org --port 6543 --username clinic --format=custom "
        "--file '/backups/clinic a.dump' --schema clinic_a pinpoint"
    )


@pytest.mark.backends("postgres")
def test_backup_on_postgres_prints_the_pg_dump_command_and_exits_2(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_url(database_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url)
    out = tmp_path / "clinic.dump"
    assert run(["backup", "--out", str(out), "--json"]) == 2
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert answer["reachable"] is True
    assert answer["command"] == pg_dump_command(database_url, str(out))
    assert answer["command"].startswith("pg_dump --host")
    assert "s3cret-pw" not in captured.out + captured.err
    assert "run the command printed above" in one_line_error(captured.err)
    assert not out.exists()


@pytest.mark.backends("postgres")
def test_backup_on_an_unreachable_postgres_says_which(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_url(POSTGRES_URL).set(port=8535, password="s3cret-pw")
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url.render_as_string(hide_password=False))
    assert run(["backup", "--out", str(tmp_path / "x.dump")]) == 1
    err = one_line_error(capsys.readouterr().err)
    assert f"cannot reach PostgreSQL database {url.database} on {url.host}:8535" in err
    assert "s3cret-pw" not in err
