"""Assigned questionnaires: when they fall due, what answers them, what a PHQ-2 assigns.

The due rule is checked against an independent day count (hypothesis); everything with
a database runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from pinpoint.actors import Actor, Role
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service, sessions
from pinpoint.care.schemas import EpisodeUpdate
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from pinpoint.outcomes import assignments
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.assignments import DUE_WINDOW_DAYS, due_from, due_state
from pinpoint.outcomes.models import Assignment
from pinpoint.outcomes.records_schemas import AssessmentCreate, AssignmentCreate
from pinpoint.outcomes.vocabulary import DueState
from tests.care import factories as f

TODAY = date(2025, 3, 10)


@dataclass(frozen=True)
class Plan:
    due_on: date
    every_sessions: int | None = None
    completed_by: int | None = None
    cancelled: bool = False


# ---- the rule, without a database ------------------------------------------------------


@given(offset=st.integers(-400, 400))
def test_a_dated_assignment_is_due_in_the_week_up_to_its_day_then_overdue(offset: int) -> None:
    due_on = TODAY + timedelta(days=offset)
    days_ahead = (due_on - TODAY).days
    want = (
        DueState.OVERDUE
        if days_ahead < 0
        else DueState.DUE
        if days_ahead <= DUE_WINDOW_DAYS
        else DueState.UPCOMING
    )
    assert due_state(Plan(due_on), TODAY) is want


@given(
    every=st.integers(1, 6),
    offsets=st.lists(st.integers(-30, 30), max_size=10),
    start=st.integers(-20, 20),
)
def test_a_follow_up_every_n_sessions_falls_due_on_the_nth_session_from_its_start(
    every: int, offsets: list[int], start: int
) -> None:
    due_on = TODAY + timedelta(days=start)
    days = [TODAY + timedelta(days=o) for o in offsets]
    counted = sorted(d for d in days if d >= due_on)
    plan = Plan(due_on, every_sessions=every)
    if len(counted) < every:
        assert due_from(plan, days) is None
        assert due_state(plan, TODAY, days) is DueState.UPCOMING
    else:
        nth = counted[every - 1]
        assert due_from(plan, days) == nth
        assert due_state(plan, TODAY, days) is due_state(Plan(nth), TODAY)


def test_done_and_cancelled_win_over_any_date() -> None:
    long_ago = TODAY - timedelta(days=100)
    assert due_state(Plan(long_ago, completed_by=3), TODAY) is DueState.DONE
    assert due_state(Plan(long_ago, cancelled=True), TODAY) is DueState.CANCELLED
    assert due_state(Plan(TODAY, cancelled=True, completed_by=None), TODAY) is DueState.CANCELLED


def test_the_edges_are_exact() -> None:
    window = TODAY + timedelta(days=DUE_WINDOW_DAYS)
    assert due_state(Plan(window), TODAY) is DueState.DUE
    assert due_state(Plan(window + timedelta(days=1)), TODAY) is DueState.UPCOMING
    assert due_state(Plan(TODAY), TODAY) is DueState.DUE
    assert due_state(Plan(TODAY - timedelta(days=1)), TODAY) is DueState.OVERDUE


# ---- stored assignments -------------------------------------------------------------------


def _assign(
    engine: Engine, actor: Actor, episode_id: int, today: date = TODAY, **values: Any
) -> Any:
    data = AssignmentCreate.model_validate({"instrument": "odi", "reason": "intake", **values})
    return assignments.create_assignment(engine, actor, episode_id, data, today=today)


def _answer(engine: Engine, actor: Actor, episode_id: int, instrument: str, responses: list[Any],
            taken_on: str = "2025-03-05") -> Any:  # fmt: skip
    data = AssessmentCreate.model_validate(
        {"instrument": instrument, "responses": responses, "taken_on": taken_on}
    )
    return record_assessment(engine, actor, episode_id, data)


def _states(engine: Engine, actor: Actor, episode_id: int, today: date = TODAY) -> list[Any]:
    return assignments.list_assignments(engine, actor, episode_id, today=today).assignments


ODI = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]


def test_an_assignment_is_listed_with_its_state(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id, due_on="2025-03-12")
    assert made.state is DueState.DUE
    assert made.due_from == date(2025, 3, 12)
    later = _assign(engine, a.clinician, a.episode_id, reason="discharge", due_on="2025-04-20")
    listed = _states(engine, a.clinician, a.episode_id)
    assert [x.id for x in listed] == [made.id, later.id]
    assert [x.state for x in listed] == [DueState.DUE, DueState.UPCOMING]


def test_the_due_date_defaults_to_today(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id)
    assert made.due_on == TODAY
    assert made.state is DueState.DUE


def test_a_due_date_before_the_episode_is_refused_naming_the_field(engine: Engine) -> None:
    a = f.chart(engine)
    with pytest.raises(InvalidInput) as refused:
        _assign(engine, a.clinician, a.episode_id, due_on="2025-02-01")
    assert refused.value.field == "due_on"


def test_every_sessions_is_for_follow_ups_only(engine: Engine) -> None:
    a = f.chart(engine)
    with pytest.raises(InvalidInput) as refused:
        _assign(engine, a.clinician, a.episode_id, every_sessions=3)
    assert refused.value.field == "every_sessions"


def test_the_same_open_assignment_twice_is_a_conflict(engine: Engine) -> None:
    a = f.chart(engine)
    _assign(engine, a.clinician, a.episode_id, due_on="2025-03-08")
    with pytest.raises(Conflict):
        _assign(engine, a.clinician, a.episode_id, due_on="2025-03-08")
    _assign(engine, a.clinician, a.episode_id, due_on="2025-03-09")


def test_a_closed_episode_takes_only_a_discharge_questionnaire(engine: Engine) -> None:
    a = f.chart(engine)
    service.update_episode(
        engine,
        a.clinician,
        a.episode_id,
        EpisodeUpdate.model_validate({"version": 1, "status": "closed", "ended_on": "2025-03-09"}),
    )
    with pytest.raises(Conflict):
        _assign(engine, a.clinician, a.episode_id, reason="follow_up")
    assert _assign(engine, a.clinician, a.episode_id, reason="discharge").state is DueState.DUE


def test_an_assessment_answers_the_assignment_due_first(engine: Engine) -> None:
    a = f.chart(engine)
    later = _assign(engine, a.clinician, a.episode_id, reason="discharge", due_on="2025-04-01")
    first = _assign(engine, a.clinician, a.episode_id, due_on="2025-03-12")
    nprs = _assign(engine, a.clinician, a.episode_id, instrument="nprs", due_on="2025-03-12")
    answered = _answer(engine, a.clinician, a.episode_id, "odi", ODI)
    by_id = {x.id: x for x in _states(engine, a.clinician, a.episode_id)}
    assert by_id[first.id].state is DueState.DONE
    assert by_id[first.id].completed_by == answered.id
    assert by_id[later.id].state is DueState.UPCOMING
    assert by_id[nprs.id].state is DueState.DUE
    _answer(engine, a.clinician, a.episode_id, "odi", ODI)
    assert _states(engine, a.clinician, a.episode_id)[-1].id == later.id  # done ones sort last
    assert {x.id: x.state for x in _states(engine, a.clinician, a.episode_id)}[later.id] is (
        DueState.DONE
    )


def test_an_assessment_without_an_open_assignment_changes_nothing(engine: Engine) -> None:
    a = f.chart(engine)
    cancelled = _assign(engine, a.clinician, a.episode_id)
    assignments.cancel_assignment(engine, a.clinician, cancelled.id, today=TODAY)
    _answer(engine, a.clinician, a.episode_id, "odi", ODI)
    (only,) = _states(engine, a.clinician, a.episode_id)
    assert only.state is DueState.CANCELLED
    assert only.completed_by is None


def test_a_positive_phq2_assigns_a_phq9_due_at_once(engine: Engine) -> None:
    a = f.chart(engine)
    _answer(engine, a.clinician, a.episode_id, "phq2", [1, 1])
    assert _states(engine, a.clinician, a.episode_id) == []
    _answer(engine, a.clinician, a.episode_id, "phq2", [2, 1], taken_on="2025-03-06")
    (phq9,) = _states(engine, a.clinician, a.episode_id)
    assert (phq9.instrument, phq9.reason) == ("phq9", "phq2_positive")
    assert phq9.due_on == date(2025, 3, 6)
    assert phq9.state is DueState.OVERDUE  # four days on
    _answer(engine, a.clinician, a.episode_id, "phq2", [3, 3], taken_on="2025-03-07")
    assert len(_states(engine, a.clinician, a.episode_id)) == 1  # still open: not twice
    answered = _answer(engine, a.clinician, a.episode_id, "phq9", [1] * 8 + [0])
    (done,) = _states(engine, a.clinician, a.episode_id)
    assert done.completed_by == answered.id


def test_a_follow_up_every_two_sessions_falls_due_and_comes_back(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    made = _assign(
        engine, a.clinician, a.episode_id, instrument="nprs", reason="follow_up",
        due_on="2025-03-03", every_sessions=2,
    )  # fmt: skip
    assert (made.state, made.sessions_counted, made.due_from) == (DueState.UPCOMING, 0, None)
    for day in ("2025-03-02", "2025-03-04", "2025-03-06"):  # the first is before due_on
        data = f.session_data(a.npi, performed_on=day)
        sessions.record_session(engine, a.clinician, a.episode_id, data)
    (due,) = _states(engine, a.clinician, a.episode_id)
    assert (due.sessions_counted, due.due_from) == (2, date(2025, 3, 6))
    assert due.state is DueState.OVERDUE  # on 03-10
    assert _states(engine, a.clinician, a.episode_id, date(2025, 3, 6))[0].state is DueState.DUE
    _answer(engine, a.clinician, a.episode_id, "nprs", [3], taken_on="2025-03-06")
    done, following = sorted(_states(engine, a.clinician, a.episode_id), key=lambda x: x.id)
    assert done.state is DueState.DONE
    assert (following.reason, following.every_sessions) == ("follow_up", 2)
    assert (following.due_on, following.state) == (date(2025, 3, 7), DueState.UPCOMING)


def test_cancelling_twice_or_after_an_answer_is_a_conflict(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id)
    assert assignments.cancel_assignment(engine, a.clinician, made.id).cancelled
    with pytest.raises(Conflict):
        assignments.cancel_assignment(engine, a.clinician, made.id)
    answered = _assign(engine, a.clinician, a.episode_id, instrument="nprs")
    _answer(engine, a.clinician, a.episode_id, "nprs", [4])
    with pytest.raises(Conflict):
        assignments.cancel_assignment(engine, a.clinician, answered.id)


def test_another_clinic_sees_nothing_and_patients_only_their_own(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id)
    b = f.chart(engine, name="Clinic B", state="TX", mrn="MRN-B")
    with pytest.raises(NotFound):
        assignments.get_assignment(engine, b.clinician, made.id)
    with pytest.raises(NotFound):
        assignments.cancel_assignment(engine, b.clinician, made.id)
    with pytest.raises(NotFound):
        _assign(engine, b.clinician, a.episode_id)
    own = f.actor(engine, Role.PATIENT, a.clinic_id, a.patient_id)
    assert [x.id for x in _states(engine, own, a.episode_id)] == [made.id]
    with pytest.raises(Forbidden):
        _assign(engine, own, a.episode_id)
    other = service.create_patient(engine, a.clinician, f.patient_data("MRN-2"))
    stranger = f.actor(engine, Role.PATIENT, a.clinic_id, other.id)
    with pytest.raises(NotFound):
        assignments.get_assignment(engine, stranger, made.id)
    with pytest.raises(NotFound):
        _states(engine, stranger, a.episode_id)


def test_a_patient_sees_open_assignments_of_every_episode(engine: Engine) -> None:
    a = f.chart(engine)
    second = service.create_episode(
        engine, a.clinician, a.patient_id, f.episode_data(region="cervical", icd10=["M54.2"])
    )
    first = _assign(engine, a.clinician, a.episode_id, due_on="2025-03-05")
    neck = _assign(engine, a.clinician, second.id, instrument="ndi", due_on="2025-03-06")
    done = _assign(engine, a.clinician, a.episode_id, instrument="nprs")
    own = f.actor(engine, Role.PATIENT, a.clinic_id, a.patient_id)
    _answer(engine, own, a.episode_id, "nprs", [5])
    listed = assignments.patient_assignments(engine, own, a.patient_id, today=TODAY).assignments
    assert [x.id for x in listed] == [first.id, neck.id]
    assert done.id not in {x.id for x in listed}
    assert {x.state for x in listed} == {DueState.OVERDUE}


def test_due_counts_read_a_clinic_in_a_fixed_number_of_queries(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    _assign(engine, a.clinician, a.episode_id, due_on="2025-03-01")  # overdue on 03-20
    _assign(engine, a.clinician, a.episode_id, instrument="nprs", due_on="2025-03-25")  # due
    _assign(engine, a.clinician, a.episode_id, reason="discharge", due_on="2025-04-15")
    _assign(
        engine, a.clinician, a.episode_id, instrument="psfs", reason="follow_up",
        due_on="2025-03-01", every_sessions=1,
    )  # fmt: skip
    f.documented_session(engine, a)  # 2025-03-04: the psfs fell due then, overdue by 03-20
    b = f.chart(engine, name="Clinic B", state="TX", mrn="MRN-B")
    _assign(engine, b.clinician, b.episode_id)
    with transaction(engine) as session:
        counts = assignments.due_counts(session, a.clinic_id, date(2025, 3, 20))
    assert counts == {DueState.UPCOMING: 1, DueState.DUE: 1, DueState.OVERDUE: 2}


def test_assigning_and_answering_are_audited(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id)
    _answer(engine, a.clinician, a.episode_id, "odi", ODI)
    with engine.connect() as conn:
        actions = conn.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.record_type == "assignment", AuditEvent.record_id == str(made.id))
            .group_by(AuditEvent.action)
        ).all()
        stored = conn.scalar(select(Assignment.completed_by).where(Assignment.id == made.id))
    assert dict(actions) == {"create": 1, "update": 1}
    assert stored is not None


def test_a_refused_assessment_answers_no_assignment(engine: Engine) -> None:
    a = f.chart(engine)
    made = _assign(engine, a.clinician, a.episode_id)
    with pytest.raises(InvalidInput):
        _answer(engine, a.clinician, a.episode_id, "odi", ODI, taken_on="2025-02-01")
    assert assignments.get_assignment(engine, a.clinician, made.id, today=TODAY).state is (
        DueState.DUE
    )
