"""An episode's progress: pain and function over time, sessions marked, MCID bands drawn.

- **Pain** (NPRS 0-10) comes from two places: NPRS questionnaires, and the ratings taken at
  every session before and after needling. The course of the episode is read from the
  questionnaires and the ratings *before* needling (how the patient arrives); a rating
  *after* needling is the session's immediate effect, drawn but never used for the change.
- **Function**: ODI or NDI (on the scale their MCID is given on) and the PSFS.
- Each series carries its MCID (``catalogue.mcid_for`` for the episode's region), the
  first value, the value a later score must reach to meet the MCID, and the change from
  the first to the latest value (``change.first_to_latest``). MCIDs are guidance.

``episode_progress`` reads everything in a fixed number of queries (the episode, its
sessions, its assessments) whatever the episode holds, and is audited. ``series_changes``
is the pure core the clinic dashboard shares, so both read change the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import record
from pinpoint.care import access
from pinpoint.care.codes import EpisodeStatus, Region
from pinpoint.care.models import Episode, NeedlingSession, Patient
from pinpoint.db.engine import transaction
from pinpoint.errors import InvalidInput
from pinpoint.outcomes.assessments import CONDITION_OF_REGION, episode_assessments
from pinpoint.outcomes.catalogue import get_instrument, mcid_for
from pinpoint.outcomes.change import first_to_latest, mcid_threshold, on_mcid_scale
from pinpoint.outcomes.models import Assessment
from pinpoint.outcomes.progress_schemas import Point, PointSource, Progress, Series, SessionMark
from pinpoint.outcomes.progress_words import summary, text_alternative, title
from pinpoint.outcomes.schemas import Change, Mcid, ScoreResult
from pinpoint.outcomes.scoring import score_responses
from pinpoint.outcomes.vocabulary import Condition, InstrumentCode

PAIN = "pain"
FUNCTION_INSTRUMENTS = (InstrumentCode.ODI, InstrumentCode.NDI, InstrumentCode.PSFS)


@dataclass(frozen=True)
class Scored:
    """One stored assessment as progress reads it."""

    id: int
    instrument: InstrumentCode
    taken_on: date
    result: ScoreResult


@dataclass(frozen=True)
class EpisodeFacts:
    id: int
    patient_id: int
    region: str
    started_on: date
    ended_on: date | None
    status: str

    @property
    def condition(self) -> Condition | None:
        return CONDITION_OF_REGION.get(self.region)


# ---- reading ------------------------------------------------------------------------------


def episode_progress(engine: Engine, actor: Actor, episode_id: int) -> Progress:
    """The episode's progress, for its clinic's staff and for the patient whose it is."""
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id)
        marks = session_marks(session, [episode.id]).get(episode.id, [])
        scored = scored_assessments(episode_assessments(session, [episode.id]).get(episode.id, []))
        record(session, actor, "read", "progress", episode.id)
        return build_progress(facts_of(episode), marks, scored)


def patient_progress(engine: Engine, actor: Actor, patient_id: int) -> dict[int, Progress]:
    """The progress of every episode of a patient, by episode id (three queries in all)."""
    with transaction(engine) as session:
        patient = access.load(session, actor, Patient, patient_id)
        episodes = list(
            session.scalars(
                select(Episode)
                .where(Episode.patient_id == patient.id)
                .order_by(Episode.started_on, Episode.id)
            )
        )
        ids = [e.id for e in episodes]
        marks = session_marks(session, ids)
        stored = episode_assessments(session, ids)
        record(session, actor, "read", "patient_progress", patient.id)
        return {
            e.id: build_progress(
                facts_of(e), marks.get(e.id, []), scored_assessments(stored.get(e.id, []))
            )
            for e in episodes
        }


def facts_of(episode: Episode) -> EpisodeFacts:
    return EpisodeFacts(
        episode.id,
        episode.patient_id,
        episode.region,
        episode.started_on,
        episode.ended_on,
        episode.status,
    )


def session_marks(session: Session, episode_ids: list[int]) -> dict[int, list[SessionMark]]:
    """Each episode's sessions, by date, as the chart marks them (one query)."""
    found: dict[int, list[SessionMark]] = defaultdict(list)
    if not episode_ids:
        return found
    rows = session.execute(
        select(
            NeedlingSession.episode_id,
            NeedlingSession.id,
            NeedlingSession.performed_on,
            NeedlingSession.cpt_code,
            NeedlingSession.pain_before,
            NeedlingSession.pain_after,
        )
        .where(NeedlingSession.episode_id.in_(episode_ids))
        .order_by(NeedlingSession.performed_on, NeedlingSession.id)
    )
    for episode_id, id_, on, cpt, before, after in rows:
        found[episode_id].append(
            SessionMark(id=id_, on=on, cpt_code=cpt, pain_before=before, pain_after=after)
        )
    return found


def scored_assessments(rows: Iterable[Assessment]) -> list[Scored]:
    return [
        Scored(r.id, InstrumentCode(r.instrument), r.taken_on, ScoreResult.model_validate(r.result))
        for r in rows
    ]


# ---- the series ---------------------------------------------------------------------------


class PainRating(Protocol):
    """A session's pain ratings, as sessions carry them."""

    @property
    def id(self) -> int: ...
    @property
    def on(self) -> date: ...
    @property
    def pain_before(self) -> int | None: ...
    @property
    def pain_after(self) -> int | None: ...


# One pain value: (date, kind, record id, value); kinds order a day's values.
_QUESTIONNAIRE, _BEFORE, _AFTER = 0, 1, 2
_SOURCES: dict[int, PointSource] = {
    _QUESTIONNAIRE: "assessment",
    _BEFORE: "session_before",
    _AFTER: "session_after",
}


def _pain_entries(
    marks: Iterable[PainRating], nprs: Iterable[tuple[date, int, float]], with_after: bool
) -> list[tuple[date, int, int, float]]:
    """Pain values by date: NPRS questionnaires (date, id, score), and the sessions' ratings
    before needling (and, ``with_after``, after). Ratings after needling show a session's
    immediate effect, not the course of the episode."""
    entries = [(on, _QUESTIONNAIRE, id_, value) for on, id_, value in nprs]
    for mark in marks:
        if mark.pain_before is not None:
            entries.append((mark.on, _BEFORE, mark.id, float(mark.pain_before)))
        if with_after and mark.pain_after is not None:
            entries.append((mark.on, _AFTER, mark.id, float(mark.pain_after)))
    entries.sort()
    return entries


def _nprs(scored: Sequence[Scored]) -> list[tuple[date, int, float]]:
    return [
        (s.taken_on, s.id, s.result.score)
        for s in scored
        if s.instrument is InstrumentCode.NPRS and s.result.score is not None
    ]


def pain_points(marks: Sequence[SessionMark], scored: Sequence[Scored]) -> list[Point]:
    """Every pain value by date: NPRS questionnaires, and session ratings before and after."""
    return [
        Point(on=on, value=value, source=_SOURCES[kind], record_id=id_)
        for on, kind, id_, value in _pain_entries(marks, _nprs(scored), with_after=True)
    ]


def pain_ends(
    marks: Iterable[PainRating], nprs: Iterable[tuple[date, int, float]]
) -> tuple[float, float] | None:
    """The first and the latest pain value on the course of an episode (None under two)."""
    entries = _pain_entries(marks, nprs, with_after=False)
    if len(entries) < 2:
        return None
    return entries[0][3], entries[-1][3]


def course(points: Sequence[Point]) -> list[Point]:
    """The points that show the course of pain: everything but ratings after needling."""
    return [p for p in points if p.source != "session_after"]


def _mcid(code: InstrumentCode, condition: Condition | None, change: Change | None) -> Mcid | None:
    """The MCID a series is read against: its change's, or the published one for the
    episode's condition; None where none is published."""
    if change is not None:
        return change.mcid
    try:
        data = mcid_for(code, condition)
    except InvalidInput:
        return None
    return Mcid(**data.model_dump(exclude={"default"}))


def pain_change(
    marks: Sequence[SessionMark], scored: Sequence[Scored], condition: Condition | None
) -> Change | None:
    """First to latest pain on the course of the episode, read against the NPRS MCID."""
    ends = pain_ends(marks, _nprs(scored))
    if ends is None:
        return None
    results = [score_responses(InstrumentCode.NPRS, [round(value)]) for value in ends]
    return first_to_latest(results, condition)


def series_changes(
    marks: Sequence[SessionMark], scored: Sequence[Scored], condition: Condition | None
) -> dict[str, Change]:
    """Each measure's change from first to latest (the dashboard's per-episode figures)."""
    found: dict[str, Change] = {}
    pain = pain_change(marks, scored, condition)
    if pain is not None:
        found[PAIN] = pain
    for code in (*FUNCTION_INSTRUMENTS, InstrumentCode.PHQ9):
        change = first_to_latest([s.result for s in scored if s.instrument is code], condition)
        if change is not None:
            found[code.value] = change
    return found


def _series(
    measure: str,
    code: InstrumentCode,
    points: list[Point],
    change: Change | None,
    mcid: Mcid | None,
) -> Series:
    spec = get_instrument(code)
    values = course(points)
    baseline = values[0].value if values else None
    threshold = (
        mcid_threshold(spec.better, mcid, baseline) if mcid and baseline is not None else None
    )
    low, high, unit = _scale(code, mcid)
    if threshold is not None and not low <= threshold <= high:
        threshold = None
    return Series(
        measure=measure,
        instrument=code,
        label=_LABELS[measure],
        unit=unit,
        low=low,
        high=high,
        better=spec.better,
        points=points,
        mcid=mcid,
        baseline=baseline,
        threshold=threshold,
        change=change,
    )


_LABELS = {
    PAIN: "Pain (NPRS)",
    "odi": "Disability (ODI)",
    "ndi": "Neck disability (NDI)",
    "psfs": "Activities (PSFS)",
}


def _scale(code: InstrumentCode, mcid: Mcid | None) -> tuple[float, float, str]:
    spec = get_instrument(code)
    if code is InstrumentCode.NDI and (mcid is None or mcid.scale == "percent"):
        return 0.0, 100.0, "percent (raw score x 2), 0-100, lower is better"
    direction = "lower" if spec.better.value == "lower" else "higher"
    unit = {"percent": "percent"}.get(spec.unit, "points")
    return 0.0, float(spec.score_max), f"{unit}, 0-{spec.score_max}, {direction} is better"


def _function_points(
    code: InstrumentCode, scored: Sequence[Scored], mcid: Mcid | None
) -> list[Point]:
    points = []
    for s in scored:
        if s.instrument is not code or s.result.score is None:
            continue
        value = on_mcid_scale(s.result, mcid) if mcid else None
        if value is None:
            value = s.result.percent if code is InstrumentCode.NDI else s.result.score
        assert value is not None
        points.append(
            Point(
                on=s.taken_on,
                value=value,
                source="assessment",
                record_id=s.id,
                band_label=s.result.band_label,
            )
        )
    return points


def build_progress(
    episode: EpisodeFacts, marks: Sequence[SessionMark], scored: Sequence[Scored]
) -> Progress:
    """The progress of one episode from its sessions and assessments (oldest first)."""
    condition = episode.condition
    changes = series_changes(marks, scored, condition)
    change = changes.get(PAIN)
    pain_mcid = _mcid(InstrumentCode.NPRS, condition, change)
    pain = _series(PAIN, InstrumentCode.NPRS, pain_points(marks, scored), change, pain_mcid)
    function = []
    for code in FUNCTION_INSTRUMENTS:
        change = changes.get(code.value)
        mcid = _mcid(code, condition, change)
        points = _function_points(code, scored, mcid)
        if points:
            function.append(_series(code.value, code, points, change, mcid))
    progress = Progress(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        region=Region(episode.region),
        condition=condition,
        started_on=episode.started_on,
        ended_on=episode.ended_on,
        status=EpisodeStatus(episode.status),
        pain=pain,
        function=function,
        sessions=list(marks),
        title="",
        summary=[],
        text_alternative=[],
    )
    progress.title = title(progress)
    progress.summary = summary(progress)
    progress.text_alternative = text_alternative(progress)
    return progress
