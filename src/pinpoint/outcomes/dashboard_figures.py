"""The dashboard's figures from per-episode values: pure functions, no database.

Shares get Wilson's interval, means Student's t interval, adverse event rates the exact
Poisson interval (``statistics``). A figure resting on fewer than ``SMALL_NUMBER``
episodes is withheld with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.assessments import CONDITION_OF_REGION
from pinpoint.outcomes.catalogue import get_instrument, mcid_for
from pinpoint.outcomes.change import Reading, reading, same_activities, scale_value
from pinpoint.outcomes.dashboard_schemas import (
    AdverseEventFigures,
    Estimate,
    OutcomeFigure,
    PublishedRate,
    SeverityRate,
)
from pinpoint.outcomes.data_schema import McidData
from pinpoint.outcomes.progress import FUNCTION_INSTRUMENTS, PAIN, PainRating, pain_ends
from pinpoint.outcomes.published_rates import studies
from pinpoint.outcomes.scoring import percent_of
from pinpoint.outcomes.statistics import (
    poisson_interval,
    rests_on_enough,
    t_interval,
    too_few_reason,
    wilson_interval,
)
from pinpoint.outcomes.vocabulary import Condition, InstrumentCode

MEASURES: dict[str, tuple[str, str]] = {
    PAIN: ("Pain (NPRS)", "points on the NPRS 0-10"),
    "odi": ("Disability (ODI)", "percentage points on the ODI"),
    "ndi": ("Neck disability (NDI)", "points on the NDI's MCID scale"),
    "psfs": ("Activities (PSFS)", "points on the PSFS 0-10"),
    "phq9": ("Depression (PHQ-9)", "points on the PHQ-9 0-27"),
}
SEVERITIES = ("mild", "significant", "serious")
PER = 100


def withheld(episodes: int) -> Estimate:
    return Estimate(
        episodes=episodes, value=None, ci95=None, suppressed=True, note=too_few_reason(episodes)
    )


def estimate_share(successes: int, episodes: int) -> Estimate:
    """A share (0 to 1) of episodes, with Wilson's 95 % interval."""
    if not rests_on_enough(episodes):
        return withheld(episodes)
    return Estimate(
        episodes=episodes,
        value=successes / episodes,
        ci95=wilson_interval(successes, episodes),
        suppressed=False,
    )


def estimate_mean(values: Sequence[float], note: str | None = None) -> Estimate:
    """A mean over episodes (one value each), with Student's t 95 % interval."""
    if not rests_on_enough(len(values)):
        return withheld(len(values))
    mean, low, high = t_interval(list(values))
    return Estimate(episodes=len(values), value=mean, ci95=(low, high), suppressed=False, note=note)


@dataclass(frozen=True, slots=True)
class StoredScore:
    """A stored, scored assessment as the dashboard reads it (no answers, no JSON)."""

    id: int
    instrument: InstrumentCode
    taken_on: date
    score: float
    activities: list[str] | None


@cache
def _mcid(code: InstrumentCode, condition: Condition | None) -> McidData | None:
    try:
        return mcid_for(code, condition)
    except InvalidInput:
        return None


def episode_readings(
    ratings: Iterable[PainRating], scores: Sequence[StoredScore], condition: Condition | None
) -> dict[str, Reading]:
    """Each measure's change in one episode, first value to latest, read against the MCID.

    The same reading as the episode's progress chart (``progress.series_changes``), on
    plain values: pain from ``progress.pain_ends``, the others from their first and latest
    scores (a PSFS only when the same activities were rated again).
    """
    found: dict[str, Reading] = {}
    nprs = [(s.taken_on, s.id, s.score) for s in scores if s.instrument is InstrumentCode.NPRS]
    ends = pain_ends(ratings, nprs)
    mcid = _mcid(InstrumentCode.NPRS, condition)
    if ends is not None and mcid is not None:
        found[PAIN] = reading(get_instrument(InstrumentCode.NPRS).better, mcid, *ends)
    for code in (*FUNCTION_INSTRUMENTS, InstrumentCode.PHQ9):
        values = [s for s in scores if s.instrument is code]
        mcid = _mcid(code, condition)
        if len(values) < 2 or mcid is None:
            continue
        first, last = values[0], values[-1]
        if code is InstrumentCode.PSFS and not same_activities(first.activities, last.activities):
            continue
        spec = get_instrument(code)
        ends = (
            scale_value(first.score, percent_of(spec, first.score), mcid),
            scale_value(last.score, percent_of(spec, last.score), mcid),
        )
        found[code.value] = reading(spec.better, mcid, *ends)
    return found


def outcome_figures(
    regions: Mapping[int, str],
    ratings: Mapping[int, Sequence[PainRating]],
    scores: Mapping[int, Sequence[StoredScore]],
) -> list[OutcomeFigure]:
    """Per measure: closed episodes with a change, the share reaching the MCID, the mean
    improvement. Each episode is read against the MCID for its region, as its chart is."""
    found: dict[str, list[Reading]] = {measure: [] for measure in MEASURES}
    for episode_id, region in regions.items():
        readings = episode_readings(
            ratings.get(episode_id, ()), scores.get(episode_id, ()), CONDITION_OF_REGION.get(region)
        )
        for measure, read in readings.items():
            found[measure].append(read)
    figures = []
    for measure, (label, scale) in MEASURES.items():
        measured = found[measure]
        reached = sum(1 for r in measured if r.meets_mcid)
        figures.append(
            OutcomeFigure(
                measure=measure,
                label=label,
                episodes=len(measured),
                reached_mcid=reached,
                mcid_share=estimate_share(reached, len(measured)),
                mean_improvement=estimate_mean([float(r.improvement) for r in measured]),
                scale=scale,
            )
        )
    return figures


def _published(severity: str) -> list[PublishedRate]:
    out = []
    for study in studies():
        for rate in study.rates:
            if rate.severity != severity:
                continue
            low, high = poisson_interval(rate.events, study.sessions / PER)
            out.append(
                PublishedRate(
                    study=study.short,
                    citation=study.citation,
                    events=rate.events,
                    sessions=study.sessions,
                    per_100_sessions=rate.events * PER / study.sessions,
                    ci95=(low, high),
                    stated=rate.stated,
                )
            )
    return out


def adverse_event_figures(
    events: Mapping[str, int], sessions: int, episodes: int, awaiting_review: int
) -> AdverseEventFigures:
    """Reviewed adverse events per 100 sessions by severity, beside the published rates."""
    rows = []
    for severity in SEVERITIES:
        count = events.get(severity, 0)
        if not rests_on_enough(episodes) or sessions == 0:
            rate = withheld(episodes)
        else:
            low, high = poisson_interval(count, sessions / PER)
            rate = Estimate(
                episodes=episodes,
                value=count * PER / sessions,
                ci95=(low, high),
                suppressed=False,
            )
        rows.append(
            SeverityRate(
                severity=severity,
                events=count,
                per_100_sessions=rate,
                published=_published(severity),
            )
        )
    return AdverseEventFigures(
        sessions=sessions, episodes=episodes, awaiting_review=awaiting_review, by_severity=rows
    )
