"""``pinpoint backup``, ``pinpoint restore`` and ``pinpoint db check``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pinpoint.cli.output import console, print_json

if TYPE_CHECKING:
    from pinpoint.config import Settings
    from pinpoint.db.backup import Progress
    from pinpoint.db.schemas import ServerCommand

db_app = typer.Typer(help="The database itself: check it.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


def _settings() -> Settings:
    from pinpoint.config import get_settings

    return get_settings()


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A page count bar on stderr for people; nothing for scripts."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("Copying pages", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("backup", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _server_tool(answer: ServerCommand, as_json: bool, what: str) -> None:
    """PostgreSQL: print the command to run, and exit 2 since nothing was copied."""
    if as_json:
        print_json(answer)
    else:
        print(answer.command)
    sys.stderr.write(
        f"error: {what} handles the embedded SQLite database; PostgreSQL ({answer.database}) "
        "is reachable: run the command printed above\n"
    )
    raise typer.Exit(2)


def backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the database consistently while the server runs, with a SHA-256 checksum."""
    from pinpoint.db.backup import backup as run_backup
    from pinpoint.db.schemas import ServerCommand

    with _progress(sys.stderr.isatty() and not as_json) as progress:
        result = run_backup(_settings(), out, force=force, progress=progress)
    if isinstance(result, ServerCommand):
        _server_tool(result, as_json, "pinpoint backup")
        return
    if as_json:
        print_json(result)
        return
    console().print(
        f"Backed up {result.source} to {result.path}: {result.bytes:,} bytes, schema version "
        f"{result.schema_version}, {result.seconds:.2f} s",
        soft_wrap=True,
    )
    print(f"{result.sha256}  {result.path}")
    console().print(f"Checksum written to {result.checksum_file}", soft_wrap=True)


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `pinpoint backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing database (it is kept beside).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Put a backup in place of the database, after checking it is a Pinpoint database."""
    from pinpoint.db.restore import restore as run_restore
    from pinpoint.db.schemas import ServerCommand

    result = run_restore(_settings(), file, force=force)
    if isinstance(result, ServerCommand):
        _server_tool(result, as_json, "pinpoint restore")
        return
    if as_json:
        print_json(result)
        return
    checked = "checksum verified" if result.checksum_verified else "no .sha256 file to verify"
    lines = [
        f"Restored {result.source} to {result.path} (schema version {result.schema_version}, "
        f"{checked})."
    ]
    if result.previous_kept_as:
        lines.append(f"The database it replaced is kept as {result.previous_kept_as}.")
    if result.schema_version != result.current_schema_version:
        lines.append(f"Pinpoint upgrades it to {result.current_schema_version} when next opened.")
    for line in lines:
        console().print(line, soft_wrap=True)


@db_app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Check the database: integrity, foreign keys, write access, schema version."""
    from pinpoint.db.check import check_database

    report = check_database(_settings())
    if as_json:
        print_json(report)
    else:
        out = console()
        out.print(f"[bold]{report.backend}[/] {report.database}", soft_wrap=True)
        for item in report.checks:
            mark = "[green]ok[/]  " if item.ok else "[red]FAIL[/]"
            out.print(f"  {mark} {item.name}: {item.detail}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
