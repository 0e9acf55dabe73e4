"""Change between two assessments of one instrument, read against the published MCID.

The MCID is a population estimate: a change that reaches it is "likely to matter to
most people", never proof for one patient, and the wording says so. Improvement is
direction-aware: a drop is better for NPRS, ODI, NDI and the PHQ, a rise for the PSFS.
Where the MCID also has a relative threshold ("2 points or 30 %"), either is enough.
Comparisons are exact: scores are ratios of small whole numbers, recovered as such.
"""

from __future__ import annotations

from fractions import Fraction

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.catalogue import get_instrument, mcid_for
from pinpoint.outcomes.data_schema import Instrument, McidData
from pinpoint.outcomes.responses import activity_key
from pinpoint.outcomes.schemas import Change, Direction, Mcid, ScoreResult
from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode

# Every score is a whole-number ratio with a denominator of at most 50 (ODI: 5 x 10
# sections), so a float recovers its exact value with a small denominator bound.
_DENOMINATOR_BOUND = 1000


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
    improvement = (second - first) if spec.better is Better.HIGHER else (first - second)
    relative = improvement * 100 / first if first else None
    meets = improvement >= Fraction(mcid.points).limit_denominator(_DENOMINATOR_BOUND) or (
        mcid.percent is not None and relative is not None and relative >= Fraction(mcid.percent)
    )
    worse = -improvement >= Fraction(mcid.points).limit_denominator(_DENOMINATOR_BOUND)
    direction: Direction = (
        "improved" if improvement > 0 else "worsened" if improvement < 0 else "unchanged"
    )
    return Change(
        instrument=spec.code,
        version=spec.version,
        scale=mcid.scale,
        before=float(first),
        after=float(second),
        change=float(second - first),
        improvement=float(improvement),
        percent_improvement=None if relative is None else float(relative),
        direction=direction,
        meets_mcid=meets,
        worsened_beyond_mcid=worse,
        mcid=Mcid(**mcid.model_dump(exclude={"default"})),
        guidance=guidance(spec, mcid, meets, worse),
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


def _on_scale(result: ScoreResult, mcid: McidData, which: str) -> Fraction:
    """The exact score on the MCID's scale (the NDI's can be on its percentage)."""
    if result.score is None:
        raise InvalidInput(f"the {which} assessment has no score: {result.reason}", field=which)
    value = result.percent if mcid.scale == "percent" else result.score
    assert value is not None  # an NDI with a score always carries its percentage
    return Fraction(value).limit_denominator(_DENOMINATOR_BOUND)


def _same_activities(before: ScoreResult, after: ScoreResult) -> None:
    if before.activities is None or after.activities is None:
        raise InvalidInput(
            "PSFS change needs the activity names of both assessments, to check that "
            "the same activities were rated again",
            field="activities",
        )
    if sorted(map(activity_key, before.activities)) != sorted(map(activity_key, after.activities)):
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
