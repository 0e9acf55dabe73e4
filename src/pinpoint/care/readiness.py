"""May this episode be needled now? One rule: the session write enforces it, pages show it.

A session needs an open episode, a screening whose latest result is not an unreleased
contraindication, and an informed consent. The rule reads plain values, so the write
(from stored rows, inside its locked transaction) and the chart (from the public shapes)
call the same function and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pinpoint.care.codes import ScreeningResult


@dataclass(frozen=True)
class LatestScreening:
    result: str
    findings: Sequence[str]
    override_reason: str | None


def needling_refusal(status: str, screening: LatestScreening | None, consented: bool) -> str | None:
    """Why a session would be refused now, or None when it may be recorded."""
    if status == "closed":
        return "this episode is closed; open a new episode of care"
    if screening is None:
        return "no screening recorded for this episode: screen the patient before the first session"
    if screening.result == ScreeningResult.CONTRAINDICATED and not screening.override_reason:
        return (
            "the patient's screening found a contraindication "
            f"({', '.join(screening.findings)}); needling needs a new screening with an "
            "override reason"
        )
    if not consented:
        return "no informed consent recorded for this episode: record it before the first session"
    return None
