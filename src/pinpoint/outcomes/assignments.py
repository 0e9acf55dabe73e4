"""Questionnaires the clinic assigns to an episode, and when each falls due.

The clinic assigns an instrument for ``intake``, ``follow_up`` or ``discharge`` with a due
date; a follow-up may instead come back every N sessions (``every_sessions``): it falls
due on the day of the N-th session documented on or after its ``due_on``, and once
answered the next one is set for the N-th session after that. A PHQ-2 of 3 or more
assigns a PHQ-9 due at once, on the day the PHQ-2 was taken (``phq2_positive``).

When an assessment of an instrument is recorded for the episode, it answers the open
assignment of that instrument that fell due first (then the oldest made), in the
assessment's own transaction (``on_assessment``), which holds the episode's lock.

Where an assignment stands is one pure rule, ``due_state(assignment, today,
session_dates)``: ``done``, ``cancelled``, ``overdue`` (its due day has passed), ``due``
(due today or within ``DUE_WINDOW_DAYS``) or ``upcoming`` (later, or waiting for
sessions). The portal, the chart and the clinic dashboard use it, through the query
helpers ``states_of`` and ``due_counts`` built on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import add_audited, record
from pinpoint.care import access
from pinpoint.care.codes import EpisodeStatus
from pinpoint.care.models import Episode, Patient
from pinpoint.care.sessions import dates_by_episode
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.outcomes.models import Assessment, Assignment
from pinpoint.outcomes.records_schemas import AssignmentCreate, AssignmentList, AssignmentPublic
from pinpoint.outcomes.schemas import ScoreResult
from pinpoint.outcomes.vocabulary import AssignmentReason, DueState, InstrumentCode

access.declare(Assignment, "assignment", parent="episode_id", parent_model=Episode)

# How far ahead an assignment counts as due (and may be answered) rather than upcoming.
DUE_WINDOW_DAYS = 7
OPEN_STATES = (DueState.UPCOMING, DueState.DUE, DueState.OVERDUE)


class Scheduled(Protocol):
    """What the due rule reads of an assignment (a row or any object with these)."""

    @property
    def due_on(self) -> date: ...
    @property
    def every_sessions(self) -> int | None: ...
    @property
    def completed_by(self) -> int | None: ...
    @property
    def cancelled(self) -> bool: ...


# ---- the rule ------------------------------------------------------------------------------


def counted_sessions(assignment: Scheduled, session_dates: Sequence[date]) -> list[date]:
    """The session days that count toward an every-N-sessions follow-up, in order."""
    return sorted(day for day in session_dates if day >= assignment.due_on)


def due_from(assignment: Scheduled, session_dates: Sequence[date] = ()) -> date | None:
    """The day the assignment falls due: its ``due_on``, or for a follow-up every N
    sessions the day of the N-th session on or after ``due_on`` (None until then)."""
    every = assignment.every_sessions
    if every is None:
        return assignment.due_on
    counted = counted_sessions(assignment, session_dates)
    return counted[every - 1] if len(counted) >= every else None


def due_state(assignment: Scheduled, today: date, session_dates: Sequence[date] = ()) -> DueState:
    """Where an assignment stands on ``today``.

    ``session_dates`` are the days of the episode's sessions; only follow-ups every N
    sessions read them. Due from ``DUE_WINDOW_DAYS`` before its due day through the day
    itself; overdue after it.
    """
    if assignment.cancelled:
        return DueState.CANCELLED
    if assignment.completed_by is not None:
        return DueState.DONE
    start = due_from(assignment, session_dates)
    if start is None or start > today + timedelta(days=DUE_WINDOW_DAYS):
        return DueState.UPCOMING
    if start < today:
        return DueState.OVERDUE
    return DueState.DUE


# ---- shapes and queries --------------------------------------------------------------------


def public(row: Assignment, today: date, session_dates: Sequence[date] = ()) -> AssignmentPublic:
    counted = len(counted_sessions(row, session_dates)) if row.every_sessions is not None else None
    return AssignmentPublic(
        id=row.id,
        episode_id=row.episode_id,
        instrument=InstrumentCode(row.instrument),
        reason=AssignmentReason(row.reason),
        due_on=row.due_on,
        every_sessions=row.every_sessions,
        state=due_state(row, today, session_dates),
        due_from=due_from(row, session_dates),
        sessions_counted=counted,
        completed_by=row.completed_by,
        cancelled=row.cancelled,
        created_at=row.created_at,
    )


_ORDER = {
    DueState.OVERDUE: 0,
    DueState.DUE: 1,
    DueState.UPCOMING: 2,
    DueState.DONE: 3,
    DueState.CANCELLED: 4,
}


def _sort_key(item: AssignmentPublic) -> tuple[int, date, int]:
    return (_ORDER[item.state], item.due_from or date.max, item.id)


def states_of(
    session: Session, episode_ids: Sequence[int], today: date, *, open_only: bool = False
) -> dict[int, list[AssignmentPublic]]:
    """Each episode's assignments with their state on ``today``, most pressing first
    (two queries, whatever the number of episodes)."""
    found: dict[int, list[AssignmentPublic]] = {}
    if not episode_ids:
        return found
    query = select(Assignment).where(Assignment.episode_id.in_(list(episode_ids)))
    if open_only:
        query = query.where(Assignment.completed_by.is_(None), Assignment.cancelled.is_(False))
    rows = list(session.scalars(query))
    dates = dates_by_episode(session, sorted({r.episode_id for r in rows if r.every_sessions}))
    for row in rows:
        found.setdefault(row.episode_id, []).append(
            public(row, today, dates.get(row.episode_id, []))
        )
    for items in found.values():
        items.sort(key=_sort_key)
    return found


def due_counts(session: Session, clinic_id: int, today: date) -> dict[DueState, int]:
    """How many open assignments of a clinic are upcoming, due and overdue on ``today``
    (the same two statements, whatever the number of episodes; for the clinic dashboard)."""
    rows = list(
        session.scalars(
            select(Assignment).where(
                Assignment.clinic_id == clinic_id,
                Assignment.completed_by.is_(None),
                Assignment.cancelled.is_(False),
            )
        )
    )
    dates = dates_by_episode(
        session, sorted({r.episode_id for r in rows if r.every_sessions}), always=True
    )
    counts = Counter(due_state(r, today, dates.get(r.episode_id, [])) for r in rows)
    return {state: counts.get(state, 0) for state in OPEN_STATES}


# ---- reads and writes ----------------------------------------------------------------------


def list_assignments(
    engine: Engine, actor: Actor, episode_id: int, today: date | None = None
) -> AssignmentList:
    """An episode's assignments, most pressing first (staff, and the episode's patient)."""
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id)
        record(session, actor, "read", "assignments", episode.id)
        items = states_of(session, [episode.id], today or date.today()).get(episode.id, [])
        return AssignmentList(assignments=items)


def patient_assignments(
    engine: Engine, actor: Actor, patient_id: int, today: date | None = None
) -> AssignmentList:
    """The open assignments of every episode of a patient, most pressing first."""
    with transaction(engine) as session:
        patient = access.load(session, actor, Patient, patient_id)
        episode_ids = list(
            session.scalars(select(Episode.id).where(Episode.patient_id == patient.id))
        )
        record(session, actor, "read", "assignments", patient.id)
        found = states_of(session, episode_ids, today or date.today(), open_only=True)
        items = sorted((a for group in found.values() for a in group), key=_sort_key)
        return AssignmentList(assignments=items)


def get_assignment(
    engine: Engine, actor: Actor, assignment_id: int, today: date | None = None
) -> AssignmentPublic:
    with transaction(engine) as session:
        row = access.load(session, actor, Assignment, assignment_id)
        record(session, actor, "read", "assignment", row.id)
        return _public_now(session, row, today or date.today())


def _public_now(session: Session, row: Assignment, today: date) -> AssignmentPublic:
    dates = dates_by_episode(session, [row.episode_id]) if row.every_sessions else {}
    return public(row, today, dates.get(row.episode_id, []))


def _check_new(episode: Episode, data: AssignmentCreate, due_on: date) -> None:
    if due_on < episode.started_on:
        raise InvalidInput(
            f"the due date {due_on.isoformat()} is before the episode started "
            f"({episode.started_on.isoformat()})",
            field="due_on",
        )
    if data.every_sessions is not None and data.reason != "follow_up":
        raise InvalidInput("every_sessions is for follow-ups only", field="every_sessions")
    if episode.status == EpisodeStatus.CLOSED and data.reason != "discharge":
        raise Conflict(
            "this episode is closed: only a discharge questionnaire can still be assigned",
            field="reason",
        )


def create_assignment(
    engine: Engine,
    actor: Actor,
    episode_id: int,
    data: AssignmentCreate,
    today: date | None = None,
) -> AssignmentPublic:
    """Assign a questionnaire to an episode (staff). The same open assignment twice is
    Conflict; so is an intake or follow-up on a closed episode."""
    day = today or date.today()
    due_on = data.due_on or day
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True)
        _check_new(episode, data, due_on)
        same = session.scalar(
            select(Assignment.id).where(
                Assignment.episode_id == episode.id,
                Assignment.instrument == data.instrument.value,
                Assignment.reason == data.reason,
                Assignment.due_on == due_on,
                Assignment.completed_by.is_(None),
                Assignment.cancelled.is_(False),
            )
        )
        if same is not None:
            raise Conflict(
                f"this {data.instrument.value} is already assigned ({same}) for that day",
                field="instrument",
            )
        row = _new(episode, actor, data.instrument, data.reason, due_on, data.every_sessions)
        add_audited(session, actor, "assignment", row)
        session.refresh(row)
        return _public_now(session, row, day)


def cancel_assignment(
    engine: Engine, actor: Actor, assignment_id: int, today: date | None = None
) -> AssignmentPublic:
    """Withdraw an open assignment (staff); an answered or cancelled one is Conflict."""
    with transaction(engine, write=True) as session:
        row = access.load(session, actor, Assignment, assignment_id, write=True)
        if row.completed_by is not None:
            raise Conflict("this questionnaire was already answered", field="id")
        if row.cancelled:
            raise Conflict("this assignment was already cancelled", field="id")
        row.cancelled = True
        session.flush()
        record(session, actor, "update", "assignment", row.id)
        return _public_now(session, row, today or date.today())


def _new(
    episode: Episode,
    actor: Actor,
    instrument: str,
    reason: str,
    due_on: date,
    every_sessions: int | None = None,
) -> Assignment:
    return Assignment(
        clinic_id=episode.clinic_id,
        episode_id=episode.id,
        instrument=str(instrument),
        reason=str(reason),
        due_on=due_on,
        every_sessions=every_sessions,
        cancelled=False,
        created_by=actor.user_id,
    )


# ---- what an assessment does to assignments (inside its transaction) ----------------------


def on_assessment(
    session: Session,
    actor: Actor,
    episode: Episode,
    assessment: Assessment,
    result: ScoreResult,
    *,
    assignment_id: int | None = None,
    today: date | None = None,
) -> None:
    """Answer an open assignment of the instrument: ``assignment_id``, or else the one
    that fell due first (then the oldest made); set the next every-N-sessions follow-up;
    assign a PHQ-9 after a positive PHQ-2.

    Runs in the caller's transaction, which holds the episode's lock; an
    ``assignment_id`` that is not open for this episode and instrument is Conflict.
    """
    day = today or date.today()
    open_rows = [
        a
        for a in states_of(session, [episode.id], day, open_only=True).get(episode.id, [])
        if a.instrument == assessment.instrument
    ]
    if assignment_id is not None:
        chosen = [a for a in open_rows if a.id == assignment_id]
        if not chosen:
            raise Conflict(
                "this questionnaire was already answered or withdrawn", field="assignment_id"
            )
        open_rows = chosen
    if open_rows:
        first = min(open_rows, key=lambda a: (a.due_from or date.max, a.id))
        _complete(session, actor, episode, first.id, assessment)
    if result.prompts_phq9:
        _assign_phq9(session, actor, episode, assessment.taken_on, day)


def _complete(
    session: Session, actor: Actor, episode: Episode, assignment_id: int, assessment: Assessment
) -> None:
    row = session.get(Assignment, assignment_id)
    if row is None:  # pragma: no cover - read under the same lock a moment ago
        return
    row.completed_by = assessment.id
    session.flush()
    record(session, actor, "update", "assignment", row.id)
    if row.every_sessions is not None and episode.status == EpisodeStatus.ACTIVE:
        following = _new(
            episode,
            actor,
            row.instrument,
            AssignmentReason.FOLLOW_UP,
            assessment.taken_on + timedelta(days=1),
            row.every_sessions,
        )
        add_audited(session, actor, "assignment", following)


def _assign_phq9(
    session: Session, actor: Actor, episode: Episode, screened_on: date, today: date
) -> None:
    """A PHQ-9 due at once (the day of the positive PHQ-2), unless an open one already
    falls due by then."""
    waiting = [
        a
        for a in states_of(session, [episode.id], today, open_only=True).get(episode.id, [])
        if a.instrument is InstrumentCode.PHQ9
        and a.due_from is not None
        and a.due_from <= screened_on
    ]
    if waiting:
        return
    row = _new(episode, actor, InstrumentCode.PHQ9, AssignmentReason.PHQ2_POSITIVE, screened_on)
    add_audited(session, actor, "assignment", row)
