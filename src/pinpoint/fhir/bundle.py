"""Bundles and OperationOutcomes: the envelopes every FHIR answer travels in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pinpoint.fhir.datatypes import Json, instant


def searchset(entries: Sequence[Json], total: int, links: Sequence[tuple[str, str]]) -> Json:
    """A searchset Bundle: ``total`` matches in all, this page's entries, paging links."""
    found: Json = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": instant(datetime.now(UTC)),
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links],
    }
    if entries:  # FHIR JSON has no empty arrays
        found["entry"] = list(entries)
    return found


def collection(resources: Iterable[Json], base: str, *, kind: str = "searchset") -> Json:
    """A Bundle of whole resources (``$everything`` answers a searchset of them)."""
    entries = [
        {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": None}
        for r in resources
    ]
    for entry in entries:
        if kind == "searchset":
            entry["search"] = {"mode": "match"}
        else:
            del entry["search"]
    bundle: Json = {"resourceType": "Bundle", "type": kind, "timestamp": instant(datetime.now(UTC))}
    if entries:
        bundle["entry"] = entries
    if kind == "searchset":
        bundle["total"] = len(entries)
    return bundle


# HTTP status -> OperationOutcome issue code (FHIR R4 IssueType).
_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    410: "deleted",
    413: "too-costly",
    422: "invalid",
    429: "throttled",
}


def operation_outcome(
    status: int, message: str, expression: str | None = None, *, severity: str = "error"
) -> Json:
    """One issue: what went wrong and, when known, the parameter or element it concerns."""
    issue: Json = {
        "severity": severity,
        "code": _ISSUE_CODES.get(status, "exception" if status >= 500 else "processing"),
        "diagnostics": message,
    }
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def outcome_of_issues(issues: Sequence[tuple[str, str]], severity: str = "error") -> Json:
    """An OperationOutcome with one ``invalid`` issue per (FHIR path, message)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": severity, "code": "invalid", "diagnostics": msg, "expression": [path]}
            for path, msg in issues
        ],
    }
