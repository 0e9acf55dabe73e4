"""Pre-needling screening: findings in, result and precautions out (a pure rule)."""

from __future__ import annotations

from collections.abc import Iterable

from pinpoint.care.codes import ABSOLUTE_FINDINGS, Finding, ScreeningResult
from pinpoint.errors import InvalidInput


def parse_findings(findings: Iterable[str]) -> list[Finding]:
    """The findings as codes, duplicates dropped, first order kept; unknown -> InvalidInput."""
    parsed: list[Finding] = []
    for raw in findings:
        try:
            code = Finding(raw)
        except ValueError:
            raise InvalidInput(
                f"unknown screening finding {raw!r} (see docs/clinical.md for the codes)",
                field="findings",
            ) from None
        if code not in parsed:
            parsed.append(code)
    return parsed


def screen(findings: Iterable[str]) -> tuple[ScreeningResult, list[Finding]]:
    """The screening result and the precautions to show at every session.

    The most severe finding decides: any absolute contraindication gives
    ``contraindicated``, else any relative one gives ``precautions``, else ``clear``.
    The precautions are the relative findings, in the order given.
    """
    codes = parse_findings(findings)
    precautions = [c for c in codes if c not in ABSOLUTE_FINDINGS]
    if any(c in ABSOLUTE_FINDINGS for c in codes):
        return ScreeningResult.CONTRAINDICATED, precautions
    if precautions:
        return ScreeningResult.PRECAUTIONS, precautions
    return ScreeningResult.CLEAR, []
