"""Change between two assessments of one instrument, read against the published MCID.

The MCID is a population estimate: a change that reaches it is "likely to matter to
most people", never proof for one patient, and the wording says so. Improvement is
direction-aware: a drop is better for NPRS, ODI, NDI and the PHQ, a rise for the PSFS.
Where the MCID also has a relative threshold ("2 points or 30 %"), either is enough.
Comparisons are exact: scores are ratios of small whole numbers, recovered as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.catalogue import get_instrument, mcid_for
from pinpoint.outcomes.data_schema import Instrument, McidData
from pinpoint.outcomes.responses import activity_key
from pinpoint.outcomes.schemas import Change, Direction, Mcid, ScoreResult
from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode

# Every score is a whole-number ratio with a denominator of at most 50 (ODI: 5 x 10
# sections), so a float recovers its exact value with a small denominator bound.
_DENOMINATOR_BOUND = 1000


class Reading(NamedTuple):
    """A change read against an MCID, exactly (scores are small whole-number ratios)."""

    first: Fraction
    second: Fraction
    improvement: Fraction
    relative: Fraction | None
    meets_mcid: bool
    worsened_beyond_mcid: bool


@lru_cache(maxsize=4096)
def exact(value: float) -> Fraction:
    """The exact score a float stands for."""
    return Fraction(value).limit_denominator(_DENOMINATOR_BOUND)


def reading(better: Better, mcid: McidData | Mcid, first: float, second: float) -> Reading:
    """How ``second`` differs from ``first`` (both on the MCID's scale), read against it.

    Improvement is direction-aware; with a relative threshold too ("2 points or 30 %"),
    either is enough. ``compare`` and the clinic dashboard both read change here.
    """
    start, end = exact(first), exact(second)
    improvement = (end - start) if better is Better.HIGHER else (start - end)
    relative = improvement * 100 / start if start else None
    points = exact(mcid.points)
    meets = improvement >= points or (
        mcid.percent is not None and relative is not None and relative >= exact(mcid.percent)
    )
    return Reading(start, end, improvement, relative, meets, -improvement >= points)


def compare(
    before: ScoreResult, after: ScoreResult, condition: Condition | str | None = None
) -> Change:
    """How ``after`` differs from ``before``, flagged against the MCID for ``condition``.

    ``condition`` picks the MCID (``low_back_pain``, ``neck_pain``,
    ``cervical_radiculopathy``); None takes the instrument's default (see mcids.toml).
    Raises InvalidInput for different instruments, a missing score, an instrument without
    a published MCID, or PSFS assessments that did not rate the same activities.
    """
    spec = _same_instrument(before, after)
    mcid = mcid_for(spec.code, _condition(condition))
    first, second = _on_scale(before, mcid, "before"), _on_scale(after, mcid, "after")
    if spec.code is InstrumentCode.PSFS:
        _same_activities(before, after)
    read = reading(spec.better, mcid, first, second)
    direction: Direction = (
        "improved" if read.improvement > 0 else "worsened" if read.improvement < 0 else "unchanged"
    )
    return Change(
        instrument=spec.code,
        version=spec.version,
        scale=mcid.scale,
        before=float(read.first),
        after=float(read.second),
        change=float(read.second - read.first),
        improvement=float(read.improvement),
        percent_improvement=None if read.relative is None else float(read.relative),
        direction=direction,
        meets_mcid=read.meets_mcid,
        worsened_beyond_mcid=read.worsened_beyond_mcid,
        mcid=Mcid(**mcid.model_dump(exclude={"default"})),
        guidance=guidance(spec, mcid, read.meets_mcid, read.worsened_beyond_mcid),
    )


def _condition(value: Condition | str | None) -> Condition | None:
    if value is None or isinstance(value, Condition):
        return value
    try:
        return Condition(value.strip().lower())
    except ValueError:
        choices = ", ".join(c.value for c in Condition)
        raise InvalidInput(
            f"unknown condition {value!r}: use one of {choices}", field="condition"
        ) from None


def _same_instrument(before: ScoreResult, after: ScoreResult) -> Instrument:
    if before.instrument is not after.instrument:
        raise InvalidInput(
            f"cannot compare {before.instrument.value} with {after.instrument.value}: "
            "change is measured on one instrument",
            field="instrument",
        )
    return get_instrument(before.instrument)


def on_mcid_scale(result: ScoreResult, mcid: McidData | Mcid) -> float | None:
    """The score on the scale its MCID is given on (the NDI's can be its percentage)."""
    if result.score is None:
        return None
    return scale_value(result.score, result.percent, mcid)


def scale_value(score: float, percent: float | None, mcid: McidData | Mcid) -> float:
    """A score, or its percentage where the MCID is given on that (the NDI's)."""
    if mcid.scale == "percent":
        assert percent is not None, "an MCID on the percentage needs the score's percentage"
        return percent
    return score


def _on_scale(result: ScoreResult, mcid: McidData, which: str) -> float:
    """The score on the MCID's scale, or InvalidInput naming the assessment without one."""
    value = on_mcid_scale(result, mcid)
    if value is None:
        raise InvalidInput(f"the {which} assessment has no score: {result.reason}", field=which)
    return value


def mcid_threshold(better: Better, mcid: McidData | Mcid, first: float) -> float | None:
    """The score a later assessment must reach for its improvement to meet the MCID.

    With a relative threshold as well ("2 points or 30 %"), the easier of the two counts,
    as in ``compare``. None when no score on the scale can reach it (a first pain
    rating of 1 cannot drop 2 points, and 30 % of 0 is no improvement at all).
    """
    start = exact(first)
    needed = exact(mcid.points)
    if mcid.percent is not None and start > 0:
        needed = min(needed, start * exact(mcid.percent) / 100)
    target = start - needed if better is Better.LOWER else start + needed
    return float(target) if target >= 0 else None


def same_activities(before: Sequence[str] | None, after: Sequence[str] | None) -> bool:
    """Whether two PSFS assessments rated the same activities (case and spacing aside)."""
    if before is None or after is None:
        return False
    return sorted(map(activity_key, before)) == sorted(map(activity_key, after))


def _same_activities(before: ScoreResult, after: ScoreResult) -> None:
    if before.activities is None or after.activities is None:
        raise InvalidInput(
            "PSFS change needs the activity names of both assessments, to check that "
            "the same activities were rated again",
            field="activities",
        )
    if not same_activities(before.activities, after.activities):
        raise InvalidInput(
            "PSFS change needs the same activities rated again: "
            f"{', '.join(before.activities)} before, {', '.join(after.activities)} after",
            field="activities",
        )


def guidance(spec: Instrument, mcid: McidData, meets: bool, worse: bool) -> str:
    """The reading in plain words, always as guidance from group studies."""
    threshold = f"{mcid.points:g} {_scale_words(mcid.scale)}"
    if mcid.percent is not None:
        threshold += f" or {mcid.percent:g} % of the first score"
    where = "" if mcid.condition is Condition.ANY else f" with {_condition_words(mcid.condition)}"
    if meets:
        reading = "This improvement reaches"
    elif worse:
        reading = "This worsening is at least as large as"
    else:
        reading = "This change is smaller than"
    return (
        f"{reading} the change of {threshold} on the {spec.version} that most people"
        f"{where} notice as meaningful. That figure comes from group studies; it is "
        "guidance, not a verdict on one patient."
    )


def _scale_words(scale: str) -> str:
    return {"percent": "percentage points", "raw": "raw points"}.get(scale, scale)


def _condition_words(condition: Condition) -> str:
    return condition.value.replace("_", " ")


def first_to_latest(
    results: Sequence[ScoreResult], condition: Condition | str | None = None
) -> Change | None:
    """The change from the first scored to the latest scored of one instrument's results
    (oldest first); None with fewer than two scores, without a published MCID, or for PSFS
    assessments that did not rate the same activities."""
    scored = [r for r in results if r.score is not None]
    if len(scored) < 2:
        return None
    try:
        return compare(scored[0], scored[-1], condition)
    except InvalidInput:
        return None
