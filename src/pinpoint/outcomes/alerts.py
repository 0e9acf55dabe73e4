"""Safety alerts: a PHQ-9 whose item 9 is above 0 raises one at once.

The alert is written in the same transaction as the assessment that raised it (so one
never exists without the other), is audited, and stays open until a clinician records
what was done. The patient is shown crisis resources at once (``display.CRISIS_LINE``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, case, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import add_audited, record
from pinpoint.care import access
from pinpoint.care.models import Episode
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.outcomes.models import Alert, Assessment
from pinpoint.outcomes.records_schemas import AlertList, AlertPublic, AlertResolve
from pinpoint.outcomes.schemas import ScoreResult

PHQ9_ITEM9 = "phq9_item9"
ALERT_STATUSES = ("open", "resolved", "all")

access.declare(Alert, "alert", parent="episode_id", parent_model=Episode)


def raise_for(
    session: Session, actor: Actor, episode: Episode, assessment: Assessment, result: ScoreResult
) -> Alert | None:
    """The alert an assessment raises (in the caller's transaction), or None."""
    if not result.item9_positive:
        return None
    alert = Alert(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode_id=episode.id,
        assessment_id=assessment.id,
        kind=PHQ9_ITEM9,
        raised_at=datetime.now(UTC),
        open=True,
    )
    add_audited(session, actor, "alert", alert)
    return alert


def list_alerts(engine: Engine, actor: Actor, status: str = "all") -> AlertList:
    """The clinic's alerts, open ones first, newest first within each (staff only)."""
    clinic_id = access.writer_clinic(actor)
    if status not in ALERT_STATUSES:
        raise InvalidInput(f"status is one of {', '.join(ALERT_STATUSES)}", field="status")
    query = select(Alert).where(Alert.clinic_id == clinic_id)
    if status != "all":
        query = query.where(Alert.open.is_(status == "open"))
    query = query.order_by(case((Alert.open.is_(True), 0), else_=1), Alert.raised_at.desc())
    with transaction(engine) as session:
        rows = session.scalars(query.limit(500)).all()
        record(session, actor, "search", "alert", None)
        return AlertList(alerts=[AlertPublic.model_validate(r) for r in rows])


def resolve_alert(engine: Engine, actor: Actor, alert_id: int, data: AlertResolve) -> AlertPublic:
    """Record what a clinician did about an alert; it closes. Resolving twice is Conflict."""
    with transaction(engine, write=True) as session:
        alert = access.load(session, actor, Alert, alert_id, write=True)
        if not alert.open:
            raise Conflict("this alert was already resolved", field="id")
        alert.open = False
        alert.resolved_at = datetime.now(UTC)
        alert.resolved_by = actor.user_id
        alert.action = data.action.strip()
        session.flush()
        record(session, actor, "update", "alert", alert.id)
        return AlertPublic.model_validate(alert)


def open_alerts_of(session: Session, episode_ids: list[int]) -> dict[int, list[Alert]]:
    """Open alerts per episode (for charts and dashboards)."""
    found: dict[int, list[Alert]] = {}
    if not episode_ids:
        return found
    rows = session.scalars(
        select(Alert).where(Alert.episode_id.in_(episode_ids), Alert.open.is_(True))
    )
    for row in rows:
        found.setdefault(row.episode_id, []).append(row)
    return found
