"""``pinpoint db check``: is the configured database whole, writable and of a known version?

Only reads: a missing database is reported, not created, and permissions are reported,
not changed. SQLite gets ``PRAGMA integrity_check`` and ``foreign_key_check``; PostgreSQL
(which checks its own pages) gets connectivity, write permission and the schema version.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, inspect

from pinpoint.config import Settings
from pinpoint.db.migrate import (
    head_revision,
    revision_problem,
    sqlite_file_revisions,
    sqlite_file_tables,
    stored_revisions,
)
from pinpoint.db.postgres import connect, describe, is_postgres, write_problems
from pinpoint.db.schemas import Check, CheckReport
from pinpoint.db.storage import (
    check_file_writable,
    check_folder_writable,
    check_sqlite_file,
    connect_existing,
    sidecars,
    sqlite_path,
)
from pinpoint.errors import InvalidInput, PinpointError

SHOWN_PROBLEMS = 5


def _version_check(revisions: list[str] | None, tables: set[str]) -> Check:
    if revisions is None and not tables:
        detail = "no tables yet; Pinpoint creates them when it first opens the database"
        return Check(name="schema_version", ok=True, detail=detail)
    problem = revision_problem(revisions)
    if problem:
        return Check(name="schema_version", ok=False, detail=problem)
    assert revisions is not None
    detail = revisions[0]
    if revisions[0] != head_revision():
        detail += f" (upgraded to {head_revision()} when Pinpoint next opens it)"
    return Check(name="schema_version", ok=True, detail=detail)


def _guarded(name: str, action: Callable[[], None]) -> Check:
    try:
        action()
    except PinpointError as exc:
        return Check(name=name, ok=False, detail=exc.message)
    return Check(name=name, ok=True, detail="ok")


def _private(path: Path) -> Check:
    open_to_others = []
    for item in [path.parent, path, *sidecars(path)]:
        if item.exists() and stat.S_IMODE(item.stat().st_mode) & 0o077:
            open_to_others.append(f"{item} ({stat.S_IMODE(item.stat().st_mode):04o})")
    if open_to_others:
        detail = "open to other local users: " + ", ".join(open_to_others)
        return Check(name="private", ok=False, detail=detail)
    return Check(name="private", ok=True, detail="only the owner can read it")


def _writable(path: Path) -> Check:
    def probe() -> None:
        check_folder_writable(path.parent)
        for item in [path, *sidecars(path)]:
            check_file_writable(item)

    return _guarded("writable", probe)


def _integrity(conn: sqlite3.Connection) -> Check:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        return Check(name="integrity", ok=True, detail="ok")
    return Check(name="integrity", ok=False, detail="; ".join(rows[:SHOWN_PROBLEMS]))


def _foreign_keys(conn: sqlite3.Connection) -> Check:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Check(name="foreign_keys", ok=True, detail="ok")
    shown = "; ".join(
        f"{table} row {rowid} refers to a missing {parent}"
        for table, rowid, parent, _ in rows[:SHOWN_PROBLEMS]
    )
    return Check(name="foreign_keys", ok=False, detail=f"{len(rows)} broken references: {shown}")


def _sqlite_contents(path: Path) -> list[Check]:
    conn = connect_existing(path)
    try:
        revisions = sqlite_file_revisions(conn)
        return [
            _integrity(conn),
            _foreign_keys(conn),
            _version_check(revisions, sqlite_file_tables(conn)),
        ]
    except sqlite3.DatabaseError as exc:
        return [Check(name="integrity", ok=False, detail=f"SQLite cannot read it: {exc}")]
    finally:
        conn.close()


def check_sqlite(path: Path) -> CheckReport:
    checks = [_guarded("sqlite", lambda: _require_database(path))]
    if checks[0].ok:
        checks += [_writable(path), _private(path), *_sqlite_contents(path)]
    return CheckReport(
        backend="sqlite", database=str(path), ok=all(c.ok for c in checks), checks=checks
    )


def _require_database(path: Path) -> None:
    connect_existing(path).close()  # refuses a missing file or a folder
    check_sqlite_file(path)


def _postgres_checks(conn: Connection, url: str) -> list[Check]:
    problems = write_problems(conn, url)
    writable = Check(
        name="writable", ok=not problems, detail="; ".join(problems) or "the role may write"
    )
    tables = set(inspect(conn).get_table_names())
    return [writable, _version_check(stored_revisions(conn), tables)]


def check_postgres(url: str) -> CheckReport:
    try:
        with connect(url) as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
            checks = [Check(name="reachable", ok=True, detail=f"PostgreSQL {version}")]
            checks += _postgres_checks(conn, url)
    except PinpointError as exc:
        checks = [Check(name="reachable", ok=False, detail=exc.message)]
    return CheckReport(
        backend="postgresql",
        database=describe(url),
        ok=all(c.ok for c in checks),
        checks=checks,
    )


def check_database(settings: Settings) -> CheckReport:
    """Check the configured database and report every finding."""
    url = settings.resolved_database_url()
    if is_postgres(url):
        return check_postgres(url)
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput("only a database in a file or on a server can be checked")
    return check_sqlite(path)
