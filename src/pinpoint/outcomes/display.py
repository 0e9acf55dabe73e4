"""Scores in plain words for people: the one place where scores are rounded.

Rounding is half up to one decimal place (35.555... shows as 35.6); whole numbers show
without a decimal. The stored score is never rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.schemas import Change, ScoreResult

CRISIS_LINE = (
    "If you are thinking about hurting yourself, call or text 988 (Suicide & Crisis "
    "Lifeline, US) now, or your local emergency number."
)


def shown(value: float, places: int = 1) -> str:
    """``value`` rounded half up for display: 35.555 -> '35.6', 32.0 -> '32'."""
    step = Decimal(1).scaleb(-places)
    text = str(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def headline(result: ScoreResult) -> str:
    """One line: instrument, score out of its maximum, and band."""
    spec = get_instrument(result.instrument)
    if result.score is None:
        return f"{spec.name}, {spec.version}: no score"
    value = f"{shown(result.score)} out of {result.max}"
    if result.percent is not None:
        value += f" ({shown(result.percent)} %)"
    elif spec.unit == "percent":
        value = f"{shown(result.score)} % (out of {result.max})"
    band = f", {result.band_label}" if result.band_label else ""
    return f"{spec.name}, {spec.version}: {value}{band}"


def describe(result: ScoreResult) -> list[str]:
    """Headline plus the plain-words notes a clinician needs beside the score."""
    spec = get_instrument(result.instrument)
    lines = [headline(result)]
    if result.reason:
        lines.append(result.reason[0].upper() + result.reason[1:] + ".")
    elif result.missing_items:
        names = ", ".join(f"{n} ({spec.item(n).name})" for n in result.missing_items)
        lines.append(
            f"{result.answered} of {result.items} answered; scored without {names}, "
            "as the published rule allows."
        )
    if result.activities:
        lines.append("Activities: " + "; ".join(result.activities) + ".")
    if result.prompts_phq9:
        lines.append("Positive screen (3 or more): give the PHQ-9.")
    if result.item9_positive:
        lines.append(
            "Item 9 (thoughts of self-harm) is above 0: act on it today, whatever the "
            f"total. {CRISIS_LINE}"
        )
    elif result.item9_positive is None and spec.safety_item is not None:
        lines.append("Item 9 (thoughts of self-harm) was not answered: ask it in person.")
    return lines


def describe_change(change: Change) -> str:
    """The change in plain words, for example 'Pain dropped 3 points (from 7 to 4).'"""
    moved = abs(change.change)
    if change.direction == "unchanged":
        return f"No change ({shown(change.before)} both times). {change.guidance}"
    verb = "dropped" if change.change < 0 else "rose"
    unit = {"percent": "percentage points", "raw": "points"}.get(change.scale, change.scale)
    return (
        f"The score {verb} {shown(moved)} {unit} (from {shown(change.before)} to "
        f"{shown(change.after)}). {change.guidance}"
    )
