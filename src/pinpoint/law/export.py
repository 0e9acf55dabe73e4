"""The whole law base as CSV (one row per period) or JSON (periods and claims)."""

from __future__ import annotations

import csv
import io
from typing import Any

from pinpoint.errors import InvalidInput
from pinpoint.law.jurisdictions import ALL_CODES, BY_CODE
from pinpoint.law.knowledge import current
from pinpoint.law.precedence import claim_date
from pinpoint.law.schemas import LawStatus, RequirementsPublic
from pinpoint.law.service import timeline

FORMATS = ("csv", "json")

CSV_COLUMNS = (
    "jurisdiction",
    "profession",
    "valid_from",
    "valid_until",
    "since",
    "status",
    "basis",
    "citation",
    *RequirementsPublic.model_fields,
    "who_may_needle",
    "sources",
    "conflicts",
    "reviewed_on",
)


def _periods() -> list[LawStatus]:
    kb = current()
    return [
        period
        for code in ALL_CODES
        for profession in kb.professions_in(code)
        for period in timeline(code, profession).periods
    ]


def _csv_row(period: LawStatus) -> dict[str, object]:
    row: dict[str, object] = {
        "jurisdiction": period.jurisdiction,
        "profession": period.profession.value,
        "valid_from": period.valid_from,
        "valid_until": period.valid_until,
        "since": period.since,
        "status": period.status.value,
        "basis": period.basis.value if period.basis else None,
        "citation": period.citation,
        **period.requirements.model_dump(),
        "who_may_needle": period.who_may_needle,
        "sources": " | ".join(
            f"{s.title} <{s.url or 'no URL'}> ({s.published or 'undated'})" for s in period.sources
        ),
        "conflicts": len(period.conflicts),
        "reviewed_on": period.reviewed_on,
    }
    return {k: "" if v is None else v for k, v in row.items()}


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for period in _periods():
        writer.writerow(_csv_row(period))
    return out.getvalue()


def export_json_data() -> dict[str, Any]:
    kb = current()
    jurisdictions = []
    for code in ALL_CODES:
        data = kb.files.get(code)
        jurisdictions.append(
            {
                "jurisdiction": code,
                "name": BY_CODE[code].name,
                "reviewed_on": str(data.reviewed_on) if data else None,
                "periods": [
                    p.model_dump(mode="json")
                    for prof in kb.professions_in(code)
                    for p in timeline(code, prof).periods
                ],
                "claims": [
                    {
                        **c.model_dump(mode="json", exclude={"decided_on", "as_of", "source"}),
                        "speaks_to": (d.isoformat() if (d := claim_date(c)) else None),
                        "source": {
                            **c.source.model_dump(mode="json", exclude={"published", "accessed"}),
                            "published": str(c.source.published) if c.source.published else None,
                            "accessed": str(c.source.accessed) if c.source.accessed else None,
                        },
                    }
                    for c in (data.claims if data else [])
                ],
            }
        )
    return {"jurisdictions": jurisdictions}


def export(fmt: str) -> str:
    """The whole base in the named format (``csv`` or ``json``)."""
    import orjson

    fmt = fmt.strip().lower()
    if fmt == "csv":
        return export_csv()
    if fmt == "json":
        return orjson.dumps(export_json_data(), option=orjson.OPT_INDENT_2).decode()
    raise InvalidInput(f"unknown export format {fmt!r}: choose csv or json", field="format")
