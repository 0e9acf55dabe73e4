"""``pinpoint law``: the dry needling law base."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pinpoint.cli.output import console, print_json
from pinpoint.law.dates import parse_day
from pinpoint.law.schemas import LawStatus, SourcePublic

if TYPE_CHECKING:
    from pinpoint.law.overlay import FolderCheck

app = typer.Typer(
    help="Is dry needling legal here, and for whom? Sourced and dated.", no_args_is_help=True
)

ProfessionOpt = Annotated[
    str,
    typer.Option(
        "--profession",
        help="physical_therapist, chiropractor, athletic_trainer, acupuncturist or physician.",
    ),
]
OnOpt = Annotated[str | None, typer.Option("--on", help="Date YYYY-MM-DD (default: today).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

_STATUS_STYLE = {
    "permitted": "bold green",
    "pending": "bold yellow",
    "prohibited": "bold red",
    "silent": "bold blue",
    "unknown": "bold",
}


@app.command("status")
def status(
    state: Annotated[str, typer.Argument(help="USPS code, e.g. CO.")],
    profession: ProfessionOpt = "physical_therapist",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Status of dry needling in one jurisdiction, with requirements and sources."""
    from pinpoint.law.service import law_status

    answer = law_status(state, profession, parse_day(on) if on else None)
    if as_json:
        print_json(answer)
    else:
        _print_status(answer)


@app.command("list")
def list_(
    profession: ProfessionOpt = "physical_therapist", on: OnOpt = None, as_json: JsonOpt = False
) -> None:
    """Status in every jurisdiction on one date."""
    from pinpoint.law.service import list_law

    answer = list_law(profession, parse_day(on) if on else None)
    if as_json:
        print_json(answer)
        return
    from rich.table import Table

    table = Table(title=f"Dry needling by {answer.profession.label}s on {answer.on}")
    for column in ("", "jurisdiction", "status", "since", "min hours", "sources", "conflicts"):
        table.add_column(column)
    for row in answer.jurisdictions:
        table.add_row(
            row.jurisdiction,
            row.jurisdiction_name,
            f"[{_STATUS_STYLE[row.status]}]{row.status}[/]",
            str(row.since or ""),
            f"{row.requirements.min_training_hours:g}"
            if row.requirements.min_training_hours
            else "",
            str(len(row.sources)),
            str(len(row.conflicts) or ""),
        )
    console().print(table)


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "json",
) -> None:
    """The whole law base, every period and source, as CSV or JSON."""
    from pinpoint.law.export import export as export_base

    print(export_base(fmt), end="" if fmt.strip().lower() == "csv" else "\n")


@app.command("check")
def check(
    folder: Annotated[
        Path, typer.Argument(help="Folder of XX.toml law files, as PINPOINT_LAW_DIR would name.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Validate a folder of law files and show what it would change; exit 2 if it fails."""
    from pinpoint.law.overlay import check_folder

    report = check_folder(folder)
    if as_json:
        print_json(_check_json(report))
    else:
        _print_check(report)
    if not report.valid:
        raise typer.Exit(2)


def _check_json(report: FolderCheck) -> dict[str, Any]:
    today = date.today()
    return {
        "folder": report.folder,
        "jurisdictions": report.jurisdictions,
        "valid": report.valid,
        "problems": report.problems,
        "statuses": [
            {
                "jurisdiction": s.jurisdiction,
                "profession": s.profession.value,
                "on": s.on.isoformat(),
                "today": s.on == today,
                "before": s.before.value,
                "after": s.after.value,
                "changed": s.changed,
            }
            for s in report.statuses
        ],
    }


def _print_check(report: FolderCheck) -> None:
    from rich.table import Table

    out = console()
    names = ", ".join(report.jurisdictions) or "none"
    out.print(f"[bold]{report.folder}[/]: {len(report.jurisdictions)} file(s) ({names})")
    if report.problems:
        out.print(f"[bold red]{len(report.problems)} problem(s); this folder would be refused:[/]")
        for line in report.problems:
            out.print(f"  - {line}")
    else:
        out.print("[bold green]Valid:[/] schema and consistency checks pass.")
    table = Table(title="Status now and with this folder")
    for column in ("jurisdiction", "profession", "on", "now", "with folder", ""):
        table.add_column(column)
    today = date.today()
    for s in report.statuses:
        when = f"{s.on} (today)" if s.on == today else str(s.on)
        mark = "[bold yellow]changes[/]" if s.changed else ""
        table.add_row(s.jurisdiction, s.profession.label, when, s.before.value, s.after.value, mark)
    out.print(table)
    out.print(f"{len(report.changes)} of {len(report.statuses)} answer(s) would change.")


def _print_status(answer: LawStatus) -> None:
    out = console()
    out.print(
        f"[bold]{answer.jurisdiction_name}[/] ({answer.jurisdiction}), "
        f"{answer.profession.label}s, on {answer.on}: "
        f"[{_STATUS_STYLE[answer.status]}]{answer.status}[/]"
    )
    facts: list[tuple[str, Any]] = [
        ("since", answer.since),
        ("basis", answer.basis),
        ("citation", answer.citation),
        ("who may needle", answer.who_may_needle),
    ]
    for label, value in facts:
        if value:
            out.print(f"  {label}: {value}")
    out.print(f"  {answer.summary}")
    for name, value in answer.requirements.model_dump().items():
        if value is not None and name != "notes":
            shown = (
                f"{value:g}"
                if isinstance(value, float)
                else ("yes" if value is True else "no" if value is False else value)
            )
            out.print(f"  {name.replace('_', ' ')}: {shown}")
    if answer.requirements.notes:
        out.print(f"  notes: {answer.requirements.notes}")
    if answer.reviewed_on:
        stale = (
            " (more than a year ago; re-check before relying on it)"
            if answer.review_overdue
            else ""
        )
        out.print(f"  sources last checked: {answer.reviewed_on}{stale}")
    out.print("[bold]Sources[/]")
    for source in answer.sources:
        out.print(f"  - {source.title} ({_when(source)}) {source.url or ''}")
    if answer.conflicts:
        out.print("[bold]Sources that disagree[/]")
        for c in answer.conflicts:
            out.print(
                f"  - {c.source.title} ({_when(c.source)}) says {c.field} = {c.claimed}; "
                f"shown: {c.chosen if c.chosen is not None else 'nothing'}. {c.reason.rstrip('.')}."
            )


def _when(source: SourcePublic) -> str:
    """A source's date at the precision it was given (2026-01, not 2026-01-01)."""
    if source.published is None:
        return f"undated, read {source.accessed}" if source.accessed else "undated"
    iso = source.published.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(str(source.published_precision), iso)
