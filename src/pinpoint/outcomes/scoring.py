"""Scoring an assessment by its instrument's published rule.

The rules (which instrument uses which is in its data file, with the sources):

- ``total``: the sum of the items; every item must be answered (NPRS, PHQ-2).
- ``percent_of_answered``: sum of the answered items / (highest item score x number
  answered) x 100 (ODI: each missed section lowers the possible total by 5).
- ``mean_substituted_total``: each missing item takes the mean of the answered ones, so
  the score is sum x number of items / number answered (NDI raw score, PHQ-9).
- ``mean``: the mean of the items (PSFS).

Scores are exact fractions until they leave this module as floats, so a band edge is
compared exactly: a score is in the last band whose published lower edge it has
reached (ODI 20.5 is "minimal", 21 is "moderate"; PHQ-9 9.9 is "mild", 10 "moderate").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.data_schema import Band, Instrument
from pinpoint.outcomes.responses import Answer, parse_activities, parse_answers
from pinpoint.outcomes.schemas import ScoreResult
from pinpoint.outcomes.vocabulary import InstrumentCode, Rule

RuleFunction = Callable[[Sequence[int], int, Instrument], Fraction]

RULES: dict[Rule, RuleFunction] = {
    Rule.TOTAL: lambda given, _count, _spec: Fraction(sum(given)),
    Rule.PERCENT_OF_ANSWERED: lambda given, _count, spec: Fraction(
        sum(given) * 100, spec.item_max * len(given)
    ),
    Rule.MEAN_SUBSTITUTED_TOTAL: lambda given, count, _spec: Fraction(
        sum(given) * count, len(given)
    ),
    Rule.MEAN: lambda given, _count, _spec: Fraction(sum(given), len(given)),
}


def score_responses(
    instrument: object, responses: object, activities: object = None
) -> ScoreResult:
    """Score one assessment. ``responses`` lists the answers in item order (None: missing).

    ``activities`` names the PSFS activities, one per rating (other instruments take
    none). Bad answers raise InvalidInput naming the item (``responses[N]``, 1-based);
    too many missing items give ``score: None`` with the ``reason``.
    """
    spec = get_instrument(instrument)
    answers = parse_answers(spec, responses)
    names = _activities(spec, activities, len(answers))
    exact = exact_score(spec, answers)
    band = band_for(spec, exact)
    return ScoreResult(
        instrument=spec.code,
        score=None if exact is None else float(exact),
        max=spec.score_max,
        missing_items=missing_items(answers),
        band=band.code if band else None,
        version=spec.version,
        band_label=band.label if band else None,
        unit=spec.unit,
        items=len(answers),
        answered=len(answers) - len(missing_items(answers)),
        percent=_percent(spec, exact),
        reason=None if exact is not None else no_score_reason(spec, answers),
        item9_positive=_safety_flag(spec, answers),
        prompts_phq9=(band.code == "positive")
        if band and spec.code is InstrumentCode.PHQ2
        else None,
        activities=list(names) if names else None,
    )


def exact_score(spec: Instrument, answers: Sequence[Answer]) -> Fraction | None:
    """The exact score, or None when more items are missing than the rule allows."""
    given = [a for a in answers if a is not None]
    if len(answers) - len(given) > spec.max_missing:
        return None
    return RULES[spec.rule](given, len(answers), spec)


def band_for(spec: Instrument, score: Fraction | float | None) -> Band | None:
    """The last band whose published lower edge the score has reached."""
    if score is None:
        return None
    reached = [band for band in spec.bands if score >= band.low]
    return reached[-1] if reached else None


def missing_items(answers: Sequence[Answer]) -> list[int]:
    return [number for number, answer in enumerate(answers, start=1) if answer is None]


def no_score_reason(spec: Instrument, answers: Sequence[Answer]) -> str:
    """Why the answers give no score: which items are missing, and the rule's limit."""
    missing = missing_items(answers)
    listed = ", ".join(f"{n} ({spec.item(n).name})" for n in missing)
    noun = spec.item_noun if len(missing) == 1 else _plural(spec.item_noun)
    verb = "is" if len(missing) == 1 else "are"
    if spec.max_missing == 0:
        rule = f"needs every {spec.item_noun} answered"
    else:
        rule = f"is scored with at most {spec.max_missing} missing"
    return f"no score: {noun} {listed} {verb} missing; {spec.version} {rule}"


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _percent(spec: Instrument, exact: Fraction | None) -> float | None:
    return None if exact is None else percent_of(spec, exact)


def percent_of(spec: Instrument, score: Fraction | float) -> float | None:
    """The score as a percentage of its maximum, for instruments that report one (NDI)."""
    if not spec.report_percent:
        return None
    return float(Fraction(score) * 100 / spec.score_max)


def _safety_flag(spec: Instrument, answers: Sequence[Answer]) -> bool | None:
    if spec.safety_item is None:
        return None
    answer = answers[spec.safety_item - 1]
    return None if answer is None else answer > 0


def _activities(spec: Instrument, raw: object, count: int) -> tuple[str, ...] | None:
    if spec.code is InstrumentCode.PSFS:
        return parse_activities(spec, raw, count)
    if raw is not None:
        raise InvalidInput(
            f"activities are named only for the PSFS, not {spec.version}", field="activities"
        )
    return None
