"""``pinpoint find`` and ``pinpoint practitioner``: the directory from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pinpoint.cli.output import console, print_json
from pinpoint.directory.schemas import PractitionerPublic, SearchResults

if TYPE_CHECKING:
    from sqlalchemy import Engine

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

VERDICT_WORDS = {
    "eligible": "[green]eligible[/]",
    "not_eligible": "[red]not eligible[/]",
    "law_silent": "[blue]law silent[/]",
    "training_unknown": "[yellow]training unknown[/]",
}


def _engine() -> Engine:
    from pinpoint.cli.database import open_engine

    return open_engine()


def find(
    zip_code: Annotated[str, typer.Option("--zip", help="5-digit ZIP code to search around.")],
    radius_miles: Annotated[
        str, typer.Option("--radius-miles", help="Radius in miles (more than 0, at most 500).")
    ] = "25",
    profession: Annotated[
        list[str] | None,
        typer.Option("--profession", help="Repeatable: physical_therapist, chiropractor, ..."),
    ] = None,
    eligible_only: Annotated[
        bool, typer.Option("--eligible-only", help="Only practitioners eligible to dry needle.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Results per page (1-500).")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Results to skip.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Practitioners near a ZIP code, nearest first, with their dry needling verdict."""
    from pinpoint.directory.service import find_practitioners_near

    engine = _engine()
    try:
        # One search: read the practitioners around the circle, not the whole directory.
        answer = find_practitioners_near(
            engine,
            zip_code,
            radius_miles,
            profession,
            eligible_only,
            limit,
            offset,
            backend="bounded",
        )
    finally:
        engine.dispose()
    if as_json:
        print_json(answer)
    else:
        _print_results(answer)


def practitioner(
    npi: Annotated[str, typer.Argument(help="10-digit NPI.")], as_json: JsonOpt = False
) -> None:
    """One practitioner: licenses, training, verdict and the law it relied on."""
    from pinpoint.directory.service import get_practitioner

    engine = _engine()
    try:
        answer = get_practitioner(engine, npi)
    finally:
        engine.dispose()
    if as_json:
        print_json(answer)
    else:
        _print_practitioner(answer)


def _print_results(answer: SearchResults) -> None:
    from rich.table import Table

    q = answer.query
    title = f"{answer.total} within {q.radius_miles:g} miles of {q.zip}"
    if answer.total > len(answer.results):
        title += f" (showing {q.offset + 1}-{q.offset + len(answer.results)})"
    table = Table(title=title)
    for column in ("miles", "NPI", "name", "profession", "city", "state", "verdict"):
        table.add_column(column, justify="right" if column == "miles" else "left")
    for hit in answer.results:
        table.add_row(
            f"{hit.distance_miles:.1f}",
            hit.npi,
            hit.name,
            hit.profession.label,
            hit.city or "",
            hit.state or "",
            VERDICT_WORDS[hit.eligibility.verdict],
        )
    console().print(table)


def _print_practitioner(p: PractitionerPublic) -> None:
    out = console()
    out.print(f"[bold]{p.name}[/] (NPI {p.npi})")
    out.print(f"  {p.profession.label}, taxonomy {p.taxonomy}")
    out.print(f"  {p.address_line or ''}, {p.city or ''} {p.state or ''} {p.zip or ''}")
    if p.phone:
        out.print(f"  {p.phone}")
    if not p.active:
        out.print("  [red]deactivated in NPPES[/]")
    out.print(f"  verdict: {VERDICT_WORDS[p.eligibility.verdict]}")
    for reason in p.eligibility.reasons:
        out.print(f"    - {reason}")
    out.print("[bold]Licenses[/]")
    for li in p.licenses:
        out.print(f"  - {li.number} ({li.state or '?'}){' primary' if li.primary else ''}")
    out.print("[bold]Training[/]")
    for t in p.training:
        out.print(f"  - {t.course}, {t.provider}: {t.hours:g} h, completed {t.completed_on}")
    out.print("[bold]Board filings[/]")
    for b in p.filings:
        until = f", expires {b.expires_on}" if b.expires_on else ""
        status = "in force" if b.in_force else "not in force"
        out.print(f"  - {b.kind.label} ({b.state}), filed {b.filed_on}{until}: {status}")
    if p.law:
        out.print(
            f"[bold]Law relied on[/]: {p.law.jurisdiction_name}, {p.law.status} on {p.law.on}"
        )
        for s in p.law.sources:
            out.print(f"  - {s.title} ({s.published or 'undated'}) {s.url or ''}")
