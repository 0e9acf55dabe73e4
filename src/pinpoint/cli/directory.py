"""``pinpoint directory``: NPPES and credential imports, board filings, synthetic NPPES files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pinpoint.cli.output import console, print_json
from pinpoint.directory.schemas_filings import FilingKind

app = typer.Typer(
    help="The practitioner directory: import NPPES files and training rosters, add filings.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PathArg = Annotated[Path, typer.Argument(help="File to import.")]


def _engine() -> Any:
    from pinpoint.cli.database import open_engine

    return open_engine()


def _print_counts(title: str, counts: dict[str, Any]) -> None:
    out = console()
    out.print(f"[bold]{title}[/]")
    for name, value in counts.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v:,}" for k, v in value.items()) or "none"
        elif isinstance(value, int):
            value = f"{value:,}"
        out.print(f"  {name.replace('_', ' ')}: {value}")


@app.command("import-nppes")
def import_nppes(path: PathArg, as_json: JsonOpt = False) -> None:
    """Import an NPPES monthly or weekly file (.csv or the distributed .zip)."""
    from pinpoint.config import get_settings
    from pinpoint.directory.nppes.ahead import start_first_load

    # Into an empty directory, the file is read while the database is opened and checked.
    ahead = start_first_load(path, get_settings().resolved_database_url())
    from pinpoint.directory.nppes import import_nppes as run_import

    summary = run_import(_engine(), path, progress=sys.stderr.isatty(), ahead=ahead)
    if as_json:
        print_json(summary)
    else:
        _print_counts(f"Imported {summary.source}", summary.model_dump(exclude={"source"}))


@app.command("import-credentials")
def import_credentials(path: PathArg, as_json: JsonOpt = False) -> None:
    """Import a training roster CSV (npi, provider, course, hours, in_person_hours, ...)."""
    from pinpoint.directory.credentials import import_credentials as run_import

    summary = run_import(_engine(), path)
    if as_json:
        print_json(summary)
        return
    _print_counts(f"Imported {summary.source}", summary.model_dump(exclude={"source", "rejected"}))
    for rejected in summary.rejected:
        console().print(f"  rejected row {rejected.row}: {rejected.reason}")


@app.command("add-filing")
def add_filing(
    npi: Annotated[str, typer.Argument(help="10-digit NPI of the practitioner.")],
    state: Annotated[str, typer.Option("--state", help="USPS code of the board's state.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help=f"What was filed: {', '.join(k.value for k in FilingKind)}.",
        ),
    ],
    filed_on: Annotated[
        str, typer.Option("--filed-on", help="Day filed, YYYY-MM-DD (not in the future).")
    ],
    reference: Annotated[
        str | None, typer.Option("--reference", help="The board's reference number.")
    ] = None,
    expires_on: Annotated[
        str | None,
        typer.Option("--expires-on", help="Last day in force, YYYY-MM-DD, if it lapses."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a practitioner's filing with a state board (registration, attestation...)."""
    from pinpoint.directory.filings import add_filing as add
    from pinpoint.directory.filings import parse_filing

    data = parse_filing(
        {
            "state": state,
            "kind": kind,
            "filed_on": filed_on,
            "reference": reference,
            "expires_on": expires_on,
        }
    )
    engine = _engine()
    try:
        filing = add(engine, npi, data)
    finally:
        engine.dispose()
    if as_json:
        print_json(filing)
        return
    extra = "".join(
        f", {label} {value}"
        for label, value in (("reference", filing.reference), ("expires", filing.expires_on))
        if value is not None
    )
    console().print(
        f"Recorded {filing.kind.value} for NPI {filing.npi} in {filing.state}, "
        f"filed {filing.filed_on}{extra}",
        soft_wrap=True,
    )


@app.command("demo-file")
def demo_file(
    rows: Annotated[int, typer.Option("--rows", min=0, help="Number of rows.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed: same seed, same file.")] = 0,
    weekly_of: Annotated[
        int | None,
        typer.Option("--weekly-of", help="Write a weekly file on top of a file of this many rows."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a synthetic NPPES file in the exact distributed format."""
    from pinpoint.directory.demo_file import write_demo_file, write_weekly_demo_file
    from pinpoint.errors import InvalidInput

    if out.suffix.lower() != ".csv":
        raise InvalidInput(f"--out must name a .csv file, got {out.name}", field="out")
    if weekly_of is None:
        manifest = write_demo_file(out, rows, seed)
    else:
        manifest = write_weekly_demo_file(out, base_rows=weekly_of, rows=rows, seed=seed)
    counts = {k: v for k, v in vars(manifest).items() if k != "kept_npis"}
    if as_json:
        print_json({"path": str(out), **counts})
    else:
        _print_counts(f"Wrote {out}", counts)
