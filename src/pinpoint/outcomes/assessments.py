"""Stored assessments: score by the published rule, keep the answers, raise alerts.

Every write decides and writes in one transaction that holds the episode's lock
(``care.access``): the assessment, its score, its audit row and any safety alert land
together or not at all. Patients may answer questionnaires about their own episodes
(the portal); staff may enter and correct them. Corrections keep history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor, Role
from pinpoint.audit.service import add_audited, record
from pinpoint.care import access
from pinpoint.care.codes import Region
from pinpoint.care.history import apply_edit, revisions
from pinpoint.care.models import Episode
from pinpoint.care.schemas import Revision
from pinpoint.db.engine import transaction
from pinpoint.errors import InvalidInput
from pinpoint.outcomes import alerts, assignments
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.change import first_to_latest
from pinpoint.outcomes.display import CRISIS_LINE
from pinpoint.outcomes.models import Alert, Assessment
from pinpoint.outcomes.records_schemas import (
    AlertPublic,
    AssessmentCreate,
    AssessmentList,
    AssessmentPublic,
    AssessmentUpdate,
)
from pinpoint.outcomes.responses import parse_answers
from pinpoint.outcomes.schemas import Change, ScoreResult
from pinpoint.outcomes.scoring import score_responses
from pinpoint.outcomes.vocabulary import Condition, InstrumentCode

access.declare(Assessment, "assessment", parent="episode_id", parent_model=Episode)

# The MCID population an episode's region points to (None: the instrument's default).
CONDITION_OF_REGION: dict[str, Condition] = {
    Region.LUMBAR: Condition.LOW_BACK_PAIN,
    Region.SACROILIAC_PELVIC: Condition.LOW_BACK_PAIN,
    Region.CERVICAL: Condition.NECK_PAIN,
}


def _rescored(row: Assessment, data: AssessmentUpdate) -> ScoreResult:
    """The score of a corrected assessment: new answers (and activities) or the stored ones."""
    if data.responses is None:
        return score_responses(row.instrument, row.responses, data.activities or row.activities)
    return score_responses(row.instrument, data.responses, data.activities)


def public(row: Assessment, alert: Alert | None = None) -> AssessmentPublic:
    result = ScoreResult.model_validate(row.result)
    return AssessmentPublic(
        id=row.id,
        episode_id=row.episode_id,
        instrument=InstrumentCode(row.instrument),
        taken_on=row.taken_on,
        score=result,
        responses=list(row.responses),
        activities=row.activities,
        source="patient" if row.source == "patient" else "clinic",
        version=row.version,
        created_at=row.created_at,
        alert=AlertPublic.model_validate(alert) if alert is not None else None,
        crisis_resources=CRISIS_LINE if result.item9_positive else None,
        suggested=[InstrumentCode.PHQ9] if result.prompts_phq9 else [],
    )


def _stored_answers(instrument: str, responses: Sequence[Any]) -> list[int | None]:
    """The answers as the rule read them (whole numbers, None where missing)."""
    return list(parse_answers(get_instrument(instrument), responses))


def record_assessment(
    engine: Engine,
    actor: Actor,
    episode_id: int,
    data: AssessmentCreate,
    *,
    assignment_id: int | None = None,
) -> AssessmentPublic:
    """Score and store an assessment; a PHQ-9 with item 9 above 0 raises an alert. It
    answers ``assignment_id`` (Conflict unless open for this episode and instrument) or
    else the instrument's open assignment that fell due first, and a positive PHQ-2
    assigns a PHQ-9 (``assignments.on_assessment``), all in one transaction."""
    result = score_responses(data.instrument, data.responses, data.activities)
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True, patient_writes=True)
        if data.taken_on < episode.started_on:
            raise InvalidInput("an assessment cannot predate its episode", field="taken_on")
        row = Assessment(
            clinic_id=episode.clinic_id,
            episode_id=episode.id,
            instrument=result.instrument.value,
            instrument_version=result.version,
            taken_on=data.taken_on,
            responses=_stored_answers(result.instrument, data.responses),
            activities=result.activities,
            score=result.score,
            band=result.band,
            result=result.model_dump(mode="json"),
            source="patient" if actor.role is Role.PATIENT else "clinic",
            created_by=actor.user_id,
            version=1,
        )
        add_audited(session, actor, "assessment", row)
        alert = alerts.raise_for(session, actor, episode, row, result)
        assignments.on_assessment(session, actor, episode, row, result, assignment_id=assignment_id)
        session.refresh(row)
        return public(row, alert)


def get_assessment(engine: Engine, actor: Actor, assessment_id: int) -> AssessmentPublic:
    with transaction(engine) as session:
        row = access.load(session, actor, Assessment, assessment_id)
        record(session, actor, "read", "assessment", row.id)
        return public(row, _alert_of(session, row.id))


def list_assessments(engine: Engine, actor: Actor, episode_id: int) -> AssessmentList:
    """An episode's assessments by date, and each instrument's change from first to last."""
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id)
        rows = episode_assessments(session, [episode.id]).get(episode.id, [])
        record(session, actor, "read", "assessments", episode.id)
        items = [public(r) for r in rows]
        condition = CONDITION_OF_REGION.get(episode.region)
        return AssessmentList(assessments=items, changes=changes(items, condition))


def episode_assessments(session: Session, episode_ids: list[int]) -> dict[int, list[Assessment]]:
    """Assessments per episode, oldest first (by date, then entry)."""
    found: dict[int, list[Assessment]] = {}
    if not episode_ids:
        return found
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.episode_id.in_(episode_ids))
        .order_by(Assessment.taken_on, Assessment.id)
    )
    for row in rows:
        found.setdefault(row.episode_id, []).append(row)
    return found


def changes(items: Sequence[AssessmentPublic], condition: Condition | None) -> list[Change]:
    """First scored to latest scored, per instrument that has a published MCID."""
    out: list[Change] = []
    for code in InstrumentCode:
        change = first_to_latest([a.score for a in items if a.instrument is code], condition)
        if change is not None:
            out.append(change)
    return out


def update_assessment(
    engine: Engine, actor: Actor, assessment_id: int, data: AssessmentUpdate
) -> AssessmentPublic:
    """Correct answers or date at the current version (staff); the score is redone."""
    with transaction(engine, write=True) as session:
        row = access.load(session, actor, Assessment, assessment_id, write=True)
        result = _rescored(row, data)
        changes_: dict[str, Any] = {}
        if data.taken_on is not None:
            changes_["taken_on"] = data.taken_on
        if data.responses is not None:
            changes_["responses"] = _stored_answers(result.instrument, data.responses)
        changes_.update(
            activities=result.activities,
            score=result.score,
            band=result.band,
            result=result.model_dump(mode="json"),
            instrument_version=result.version,
        )
        apply_edit(session, actor, row, "assessment", data.version, changes_)
        record(session, actor, "update", "assessment", row.id)
        episode = session.get(Episode, row.episode_id)
        alert = _alert_of(session, row.id)
        if alert is None and episode is not None:
            alert = alerts.raise_for(session, actor, episode, row, result)
        return public(row, alert)


def assessment_history(engine: Engine, actor: Actor, assessment_id: int) -> list[Revision]:
    with transaction(engine) as session:
        row = access.load(session, actor, Assessment, assessment_id, staff=True)
        record(session, actor, "read", "assessment_history", row.id)
        return [Revision.model_validate(r) for r in revisions(session, "assessment", row.id)]


def _alert_of(session: Session, assessment_id: int) -> Alert | None:
    return session.scalar(select(Alert).where(Alert.assessment_id == assessment_id).limit(1))
