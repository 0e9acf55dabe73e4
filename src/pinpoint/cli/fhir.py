"""``pinpoint fhir``: Bulk Data export to a folder, and import of NDJSON or a Bundle."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from pinpoint.cli.output import console, print_json

app = typer.Typer(
    help="FHIR R4: export a clinic or the directory as NDJSON; import a clinic's records.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ClinicOpt = Annotated[str | None, typer.Option("--clinic", help="The clinic's name.")]


def _engine() -> Any:
    from pinpoint.cli.database import open_engine

    return open_engine()


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder for the NDJSON files.")],
    clinic: ClinicOpt = None,
    directory: Annotated[
        bool, typer.Option("--directory", help="Export the practitioner directory.")
    ] = False,
    types: Annotated[
        str | None, typer.Option("--type", help="Comma-separated resource types (_type).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only changes after this FHIR instant.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a clinic's records or the directory as NDJSON, one file per resource type."""
    from datetime import date

    from pinpoint.care.transfer import scope_for_clinic
    from pinpoint.errors import InvalidInput
    from pinpoint.fhir.export.params import CLINIC_TYPES, DIRECTORY_TYPES, parse_export
    from pinpoint.fhir.export.runner import write_export
    from pinpoint.fhir.export.streams import ClinicSource, DirectorySource, Source

    if (clinic is None) == (not directory):
        raise InvalidInput("give either --clinic NAME or --directory", field="clinic")
    if out.exists() and (not out.is_dir() or any(out.glob("*.ndjson"))):
        raise InvalidInput(f"{out} is not an empty folder: choose a new one", field="out")
    params = {"_type": [types] if types else [], "_since": [since] if since else []}
    supported = DIRECTORY_TYPES if directory else CLINIC_TYPES
    request = parse_export({k: v for k, v in params.items() if v}, supported, "respond-async")
    engine = _engine()
    source: Source = (
        DirectorySource(on=date.today())
        if directory
        else ClinicSource(scope_for_clinic(engine, clinic or ""))
    )
    files = _with_progress(
        lambda report: write_export(engine, source, out, request.types, request.since, report),
        source.unit,
        quiet=as_json,
    )
    summary = {"out": str(out), "files": [asdict(f) for f in files]}
    if as_json:
        print_json(summary)
        return
    for f in files:
        console().print(f"  {f.name}: {f.count:,} resources")


def _with_progress(run: Any, unit: str, *, quiet: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[resources]:,} resources"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(), disable=quiet, transient=False) as progress:
        task = progress.add_task(f"exporting {unit}", total=None, resources=0)

        def report(done: int, total: int | None, written: int) -> bool:
            if done >= 0:
                progress.update(task, completed=done, total=total, resources=written)
            else:
                progress.update(task, completed=total or 0, total=total, resources=written)
            return True

        return run(report)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="An NDJSON folder or a Bundle JSON file.")],
    clinic: Annotated[str, typer.Option("--clinic", help="The clinic to import into.")],
    as_json: JsonOpt = False,
) -> None:
    """Import a clinic's records: each NDJSON file (or the Bundle) all or nothing."""
    from pinpoint.care.transfer import scope_for_clinic
    from pinpoint.errors import InvalidInput
    from pinpoint.fhir.imports.run import import_path

    engine = _engine()
    report = import_path(engine, scope_for_clinic(engine, clinic), path)
    if as_json:
        print_json(asdict(report) | {"ok": report.ok, "created": report.created})
    else:
        _print_import(report)
    rejected = sum(len(u.rejected) for u in report.units)
    if rejected:
        files = sum(1 for u in report.units if not u.committed)
        raise InvalidInput(
            f"{rejected} resource problems: {files} file(s) not imported (see the report)",
            field="path",
        )


def _print_import(report: Any) -> None:
    out = console()
    out.print(f"[bold]Import into {report.clinic}[/]")
    for unit in report.units:
        state = "[green]imported[/]" if unit.committed else "[red]rejected[/]"
        out.print(
            f"  {unit.name}: {state}; {unit.resources} resources, {unit.created} created, "
            f"{unit.existing} already present, {unit.derived} derived, {len(unit.skipped)} skipped"
        )
        for issue in unit.rejected:
            out.print(f"    [red]{issue.path}[/]: {issue.message}")
        for issue in unit.skipped:
            out.print(f"    skipped {issue.path}: {issue.message}")
