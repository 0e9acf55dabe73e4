"""Operator mistakes: a database that cannot be written is named at start, not at first use;
the embedded database is private to its owner whatever the umask."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from pinpoint.cli import run
from pinpoint.config import Settings
from pinpoint.db.engine import make_engine
from pinpoint.db.preflight import open_database, prepare_database
from pinpoint.errors import Unavailable
from tests.conftest import POSTGRES_URL
from tests.db.conftest import MakeReadOnly
from tests.db.helpers import mode, one_line_error, sqlite, with_options

CREATE = ["clinic", "create", "Front Range PT", "--state", "CO"]


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """The loosest umask: anything created private is private by our doing."""
    old = os.umask(0)
    yield
    os.umask(old)


def _existing_database(data_dir: Path) -> Path:
    assert run(CREATE) == 0
    return data_dir / "pinpoint.db"


# ---- SQLite: read-only file and folder -----------------------------------------------------


def test_a_read_only_database_file_is_named_and_nothing_is_written(
    data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _existing_database(data_dir)
    before = database.read_bytes()
    capsys.readouterr()
    read_only(database)
    assert run(["clinic", "create", "Another", "--state", "CO"]) == 1
    err = one_line_error(capsys.readouterr().err)
    assert f"the database file {database} is not writable" in err
    assert "internal error" not in err
    assert database.read_bytes() == before


def test_a_read_only_data_folder_is_named(
    data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    _existing_database(data_dir)
    capsys.readouterr()
    read_only(data_dir)
    assert run(["clinic", "create", "Another", "--state", "CO"]) == 1
    err = one_line_error(capsys.readouterr().err)
    assert f"the database folder {data_dir} is not writable" in err


def test_a_read_only_folder_without_a_database_yet_is_named(
    data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    read_only(data_dir)
    assert run(CREATE) == 1
    assert f"the database folder {data_dir} is not writable" in one_line_error(
        capsys.readouterr().err
    )
    assert not (data_dir / "pinpoint.db").exists()


def test_a_read_only_write_ahead_log_is_named(
    data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _existing_database(data_dir)
    wal = database.with_name("pinpoint.db-wal")
    wal.touch(mode=0o600)
    capsys.readouterr()
    read_only(wal)
    assert run(["find", "--zip", "80202"]) == 1
    assert f"the database file {wal} is not writable" in one_line_error(capsys.readouterr().err)


def test_every_command_that_opens_the_database_checks_it(
    data_dir: Path, read_only: MakeReadOnly, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = _existing_database(data_dir)
    roster = tmp_path / "roster.csv"
    roster.write_text("npi,provider,course,hours,in_person_hours,completed_on,certificate_id\n")
    read_only(database)
    commands = [
        ["user", "create", "ana@example.org", "--role", "operator"],
        ["find", "--zip", "80202"],
        ["practitioner", "1234567893"],
        ["directory", "import-credentials", str(roster)],
        ["directory", "import-nppes", str(roster)],
    ]
    for argv in commands:
        capsys.readouterr()
        assert run(argv) == 1, argv
        assert "is not writable" in one_line_error(capsys.readouterr().err), argv


def test_a_file_that_is_not_a_database_is_named(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    (data_dir / "pinpoint.db").write_text("not a database\n")
    assert run(CREATE) == 1
    assert f"{data_dir / 'pinpoint.db'} is not a SQLite database" in one_line_error(
        capsys.readouterr().err
    )


def test_a_database_of_a_newer_schema_version_is_refused_not_migrated(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _existing_database(data_dir)
    with sqlite(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    capsys.readouterr()
    assert run(CREATE) == 1
    err = one_line_error(capsys.readouterr().err)
    assert f"cannot use the database {database}" in err
    assert "schema version 9999 is unknown" in err


# ---- serve refuses to start ----------------------------------------------------------------


def _serve(
    env_dir: Path, port: int, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PINPOINT_DATA_DIR": str(env_dir), "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("PINPOINT_DATABASE_URL", None)
    argv = [*(prefix or []), sys.executable, "-m", "pinpoint", "serve", "--port", str(port)]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_serve_refuses_to_start_on_a_read_only_database(
    data_dir: Path, read_only: MakeReadOnly
) -> None:
    database = _existing_database(data_dir)
    read_only(database)
    done = _serve(data_dir, 8531)
    assert done.returncode == 1
    assert f"the database file {database} is not writable" in one_line_error(done.stderr)
    assert "Uvicorn running" not in done.stderr


def test_serve_refuses_to_start_on_a_read_only_file_system(data_dir: Path) -> None:
    """A read-only bind mount in a private mount namespace: what a read-only disk does."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    _existing_database(data_dir)
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    prefix = [unshare, "-m", "--propagation", "private", "sh", "-c", script, "sh", str(data_dir)]
    done = _serve(data_dir, 8532, prefix)
    if "mount" in done.stderr and "not writable" not in done.stderr:
        pytest.skip(f"cannot make a private read-only mount here: {done.stderr.strip()}")
    assert done.returncode == 1
    err = one_line_error(done.stderr)
    assert f"the database folder {data_dir} is not writable (Read-only file system)" in err


# ---- private files -------------------------------------------------------------------------


def test_the_data_folder_and_database_are_created_private_whatever_the_umask(
    data_dir: Path, umask_zero: None
) -> None:
    assert run(CREATE) == 0
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "pinpoint.db") == 0o600


def test_sqlites_log_and_shared_memory_files_are_private_too(
    tmp_path: Path, umask_zero: None
) -> None:
    database = tmp_path / "fresh" / "pinpoint.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as conn:  # hold a connection so the log stays on disk
            conn.execute(text("SELECT x FROM t")).all()
            sidecars = [database.with_name(database.name + s) for s in ("-wal", "-shm")]
            assert all(path.exists() for path in sidecars)
            assert [mode(path) for path in sidecars] == [0o600, 0o600]
        assert mode(database.parent) == 0o700
        assert mode(database) == 0o600
    finally:
        engine.dispose()


def test_files_open_to_other_users_are_tightened_with_a_warning(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _existing_database(data_dir)
    wal = database.with_name("pinpoint.db-wal")
    wal.touch()
    data_dir.chmod(0o755)
    database.chmod(0o644)
    wal.chmod(0o666)
    capsys.readouterr()
    assert run(["find", "--zip", "80202", "--json"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert f"warning: {data_dir} was open to other local users (mode 0755); now 0700" in err
    assert f"warning: {database} was open to other local users (mode 0644); now 0600" in err
    assert f"warning: {wal} was open to other local users (mode 0666); now 0600" in err
    assert (mode(data_dir), mode(database)) == (0o700, 0o600)


def test_a_database_outside_the_data_folder_leaves_that_folder_as_the_operator_set_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{shared / 'p.db'}")
    engine, warnings = open_database(settings)
    engine.dispose()
    assert warnings == []
    assert mode(shared) == 0o755
    assert mode(shared / "p.db") == 0o600


def test_a_silent_second_start_has_nothing_to_tighten(data_dir: Path) -> None:
    _existing_database(data_dir)
    assert prepare_database(Settings()) == []


# ---- PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.backends("postgres")
def test_an_unreachable_server_is_named_without_its_password(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_url(POSTGRES_URL).set(password="s3cret-pw", port=8533)
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url.render_as_string(hide_password=False))
    assert run(CREATE) == 1
    err = one_line_error(capsys.readouterr().err)
    assert f"cannot reach PostgreSQL database {url.database} on {url.host}:8533" in err
    assert "s3cret-pw" not in err


@pytest.mark.backends("postgres")
def test_a_missing_database_is_named(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_url(POSTGRES_URL).set(database="no_such_pinpoint_db", password="s3cret-pw")
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url.render_as_string(hide_password=False))
    assert run(CREATE) == 1
    err = one_line_error(capsys.readouterr().err)
    assert "no_such_pinpoint_db" in err
    assert "s3cret-pw" not in err


@pytest.mark.backends("postgres")
def test_a_read_only_database_is_refused_at_start(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = with_options(database_url, "-cdefault_transaction_read_only=on")
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url)
    assert run(CREATE) == 1
    err = one_line_error(capsys.readouterr().err)
    assert "is read-only" in err
    assert f"PostgreSQL database {make_url(POSTGRES_URL).database} on" in err


@pytest.fixture
def read_only_role(database_url: str, engine: Engine) -> Iterator[str]:
    """A URL for a role that may read the test schema's tables but write none of them."""
    role = f"ro_{uuid.uuid4().hex[:10]}"
    schema = str(make_url(database_url).query["options"]).split("=")[1].split(",")[0]
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
    try:
        yield make_url(database_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


@pytest.mark.backends("postgres")
def test_a_role_that_may_not_write_is_refused_at_start(
    read_only_role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", read_only_role)
    assert run(CREATE) == 1
    err = one_line_error(capsys.readouterr().err)
    role = make_url(read_only_role).username
    assert f"role {role} may not write tables" in err


@pytest.mark.backends("postgres")
def test_a_writable_server_passes_the_check(database_url: str, engine: Engine) -> None:
    assert prepare_database(Settings(database_url=database_url)) == []


@pytest.mark.backends("postgres")
def test_the_check_raises_the_domain_error(engine: Engine) -> None:
    url = make_url(POSTGRES_URL).set(port=8534).render_as_string(hide_password=False)
    with pytest.raises(Unavailable, match="cannot reach PostgreSQL"):
        prepare_database(Settings(database_url=url))
