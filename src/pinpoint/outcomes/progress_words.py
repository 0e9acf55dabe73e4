"""An episode's progress in words: the chart's title, its text alternative, and a summary.

The text alternative says everything the chart draws (every value with its date, the MCID
band, the sessions), so a person who cannot see the chart loses nothing. The summary reads
each change against its MCID as guidance, for the clinician or, in the second person, for
the patient. Numbers are rounded only here (``display.shown``).
"""

from __future__ import annotations

from itertools import groupby
from typing import Literal

from pinpoint.outcomes.display import describe_change, shown
from pinpoint.outcomes.progress_schemas import Point, Progress, Series
from pinpoint.outcomes.vocabulary import Better, Condition

Audience = Literal["clinician", "patient"]

_REGION_WORDS = {"sacroiliac_pelvic": "sacroiliac and pelvic"}
_PATIENT_NOUNS = {
    "pain": "pain",
    "odi": "disability score (ODI)",
    "ndi": "neck disability score (NDI)",
    "psfs": "activity score (PSFS)",
}


def title(progress: Progress) -> str:
    region = _REGION_WORDS.get(progress.region.value, progress.region.value)
    dates = f"from {progress.started_on.isoformat()}"
    if progress.ended_on:
        dates += f" to {progress.ended_on.isoformat()}"
    return f"Progress of the {region} episode {dates}"


def _series(progress: Progress) -> list[Series]:
    return [progress.pain, *progress.function]


def _mcid_words(series: Series) -> str:
    mcid = series.mcid
    assert mcid is not None
    unit = {"percent": "percentage points", "raw": "raw points"}.get(mcid.scale, mcid.scale)
    words = f"{shown(mcid.points)} {unit}"
    if mcid.percent is not None:
        words += f" or {shown(mcid.percent)} % of the first value"
    return words


def _who(condition: Condition | None) -> str:
    if condition is None or condition is Condition.ANY:
        return "most people"
    return f"most people with {condition.value.replace('_', ' ')}"


# ---- summary ------------------------------------------------------------------------------


def summary(progress: Progress, audience: Audience = "clinician") -> list[str]:
    """One sentence or two per measure: how it changed and what the MCID says (guidance)."""
    lines = []
    for series in _series(progress):
        if audience == "patient":
            line = _for_patient(series, progress.pain is series)
        else:
            line = _for_clinician(series)
        if line:
            lines.append(line)
    return lines


def _for_clinician(series: Series) -> str | None:
    if series.change is not None:
        return f"{series.label}: {describe_change(series.change)}"
    values = [p for p in series.points if p.source != "session_after"]
    if not values:
        return f"{series.label}: nothing recorded yet." if series.measure == "pain" else None
    if len(values) == 1:
        first = values[0]
        return (
            f"{series.label}: one value so far ({shown(first.value)} on "
            f"{first.on.isoformat()}); a change needs a second."
        )
    return f"{series.label}: no change can be read against a published MCID."


def _for_patient(series: Series, is_pain: bool) -> str | None:
    noun = _PATIENT_NOUNS.get(series.measure, series.label)
    change = series.change
    if change is None:
        return (
            f"We need at least two ratings of your {noun} to show how it has changed."
            if is_pain
            else None
        )
    moved = abs(change.change)
    unit = "point" if moved == 1 else "points"
    if change.direction == "unchanged":
        said = f"Your {noun} is the same as when you started ({shown(change.before)})."
    else:
        verb = "dropped" if change.change < 0 else "risen"
        said = (
            f"Your {noun} has {verb} {shown(moved)} {unit} since you started "
            f"(from {shown(change.before)} to {shown(change.after)})."
        )
    better = "drop" if series.better is Better.LOWER else "rise"
    meaning = (
        f"A {better} of {_mcid_words(series)} is a meaningful change for "
        f"{_who(change.mcid.condition)}"
    )
    if change.meets_mcid:
        tail = f"{meaning}, and yours is at least that."
    else:
        tail = f"{meaning}; yours is smaller so far."
    return f"{said} {tail} This is a guide from studies of many people, not a verdict about you."


# ---- text alternative ---------------------------------------------------------------------


def text_alternative(progress: Progress) -> list[str]:
    """Everything the chart shows, in sentences."""
    lines = [f"{progress.title}. Pain and function over time, with the sessions marked."]
    for series in _series(progress):
        lines.append(_series_words(series))
        band = _band_words(series)
        if band:
            lines.append(band)
    if progress.sessions:
        days = ", ".join(f"{s.on.isoformat()} (CPT {s.cpt_code})" for s in progress.sessions)
        count = len(progress.sessions)
        lines.append(f"{count} needling session{'s' if count != 1 else ''}: {days}.")
    else:
        lines.append("No needling session yet.")
    return lines


def _series_words(series: Series) -> str:
    if not series.points:
        return f"{series.label}, {series.unit}: nothing recorded yet."
    parts = [_day_words(list(points)) for _, points in groupby(series.points, key=lambda p: p.on)]
    return f"{series.label}, {series.unit}: " + "; ".join(parts) + "."


def _day_words(points: list[Point]) -> str:
    words = []
    asked = [p for p in points if p.source == "assessment"]
    for point in asked:
        band = f", {point.band_label}" if point.band_label else ""
        words.append(f"{shown(point.value)} (questionnaire{band})")
    before = next((p for p in points if p.source == "session_before"), None)
    after = next((p for p in points if p.source == "session_after"), None)
    if before and after:
        words.append(f"{shown(before.value)} before and {shown(after.value)} after needling")
    elif before:
        words.append(f"{shown(before.value)} before needling")
    elif after:
        words.append(f"{shown(after.value)} after needling")
    return " and ".join(words) + f" on {points[0].on.isoformat()}"


def _band_words(series: Series) -> str | None:
    if series.mcid is None or series.baseline is None:
        return None
    way = "or lower" if series.better is Better.LOWER else "or higher"
    reach = (
        f"a value of {shown(series.threshold)} {way} meets it"
        if series.threshold is not None
        else "no value on the scale can meet it"
    )
    return (
        f"Shaded band for {series.label}: within the MCID ({_mcid_words(series)}) of the first "
        f"value, {shown(series.baseline)}; {reach}. The MCID is guidance from group studies "
        f"({series.mcid.citation})."
    )
