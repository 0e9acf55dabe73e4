"""Moving a clinic's records out (whole charts, a batch of patients at a time) and in
(records kept by another system, written as history).

Who may: a clinic admin for their own clinic (``scope_for_actor``), or a local command run
by whoever holds the database (``scope_for_clinic``, audited without a user). Every chart
read for an export and every record written by an import adds an audit row.

Imported records are history: they keep the dates, needler and codes they were documented
with, and the checks that guard new documentation (screening and consent before a session,
the needler's eligibility today) are not re-run on them. Their codes are checked exactly as
the API checks them (the ``*Create`` schemas), and the CPT code and screening result are
derived by the same rules (``care.cpt``, ``care.screening``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pinpoint.accounts.models import Clinic
from pinpoint.accounts.schemas import ClinicPublic
from pinpoint.actors import Actor, Role
from pinpoint.audit.service import record
from pinpoint.care import access, bulk_charts, views
from pinpoint.care.cpt import cpt_for_muscles
from pinpoint.care.models import (
    AdverseEvent,
    CarePlan,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    RecordRevision,
    Screening,
)
from pinpoint.care.models import SessionMuscle as MuscleRow
from pinpoint.care.schemas import (
    AdverseEventCreate,
    ConsentCreate,
    EpisodeCreate,
    PatientChart,
    PatientCreate,
    PatientPublic,
    PlanCreate,
    SessionCreate,
)
from pinpoint.care.screening import screen
from pinpoint.db.engine import transaction
from pinpoint.errors import Forbidden, NotFound

Stamps = dict[tuple[str, int], datetime]


@dataclass(frozen=True)
class Scope:
    """The clinic whose records move, and who moves them (None: a local command)."""

    clinic: ClinicPublic
    actor: Actor | None = None


def scope_for_actor(engine: Engine, actor: Actor) -> Scope:
    """The actor's own clinic, for a clinic admin; Forbidden for anyone else."""
    if actor.role is not Role.CLINIC_ADMIN or actor.clinic_id is None:
        raise Forbidden("only clinic admins may export or import a clinic's records")
    with transaction(engine) as session:
        return Scope(ClinicPublic.model_validate(access.clinic_of(session, actor)), actor)


def scope_for_clinic(engine: Engine, name: str) -> Scope:
    """A clinic by name, for a local command; NotFound when there is none."""
    with transaction(engine) as session:
        clinic = session.scalar(select(Clinic).where(Clinic.name == name))
        if clinic is None:
            raise NotFound(f"no clinic named {name!r}", field="clinic")
        return Scope(ClinicPublic.model_validate(clinic))


def _audit(session: Session, scope: Scope, action: str, record_type: str, record_id: int) -> None:
    record(
        session,
        scope.actor,
        action,
        record_type,
        record_id,
        client_ip=None if scope.actor else "local",
        clinic_id=scope.clinic.id,
    )


# ---- out --------------------------------------------------------------------------------


def patient_record(
    engine: Engine, actor: Actor, patient_id: int
) -> tuple[ClinicPublic, PatientChart]:
    """A patient's whole chart and its clinic, if the actor may read it (audited)."""
    with transaction(engine) as session:
        patient = access.load(session, actor, Patient, patient_id)
        clinic = ClinicPublic.model_validate(access.clinic_of(session, actor))
        record(session, actor, "read", "patient", patient.id)
        return clinic, views.patient_chart(session, patient)


@dataclass
class ChartBatch:
    """Some of a clinic's patients with their whole charts, and when each record last changed
    (keys ``(record_type, id)``: patient, episode, care_plan, screening, consent, session,
    adverse_event)."""

    charts: list[PatientChart]
    stamps: Stamps = field(default_factory=dict)


def count_patients(engine: Engine, scope: Scope) -> int:
    with transaction(engine) as session:
        query = select(func.count()).select_from(Patient)
        return session.scalar(query.where(Patient.clinic_id == scope.clinic.id)) or 0


def iter_clinic_charts(
    engine: Engine, scope: Scope, *, batch_size: int = 100
) -> Iterator[ChartBatch]:
    """Every patient of the clinic with their chart, in id order, ``batch_size`` patients at
    a time, each batch read in one short transaction (memory stays flat)."""
    after = 0
    while True:
        with transaction(engine) as session:
            patients = list(
                session.scalars(
                    select(Patient.id)
                    .where(Patient.clinic_id == scope.clinic.id, Patient.id > after)
                    .order_by(Patient.id)
                    .limit(batch_size)
                )
            )
            if not patients:
                return
            batch = _charts(session, patients)
            for patient_id in patients:
                _audit(session, scope, "export", "patient", patient_id)
        yield batch
        after = patients[-1]


def _charts(session: Session, patients: Sequence[int]) -> ChartBatch:
    charts = bulk_charts.charts(session, patients)
    episodes = [e.id for c in charts for e in c.episodes]
    return ChartBatch(charts, _stamps(session, list(patients), episodes))


_STAMPED: tuple[tuple[str, Any, Any], ...] = (
    ("care_plan", CarePlan, CarePlan.episode_id),
    ("screening", Screening, Screening.episode_id),
    ("consent", Consent, Consent.episode_id),
    ("session", NeedlingSession, NeedlingSession.episode_id),
)


def _stamps(session: Session, patient_ids: list[int], episode_ids: list[int]) -> Stamps:
    stamps: Stamps = {}
    for row_id, at in session.execute(
        select(Patient.id, Patient.created_at).where(Patient.id.in_(patient_ids))
    ):
        stamps["patient", row_id] = _utc(at)
    if episode_ids:
        for row_id, at in session.execute(
            select(Episode.id, Episode.created_at).where(Episode.id.in_(episode_ids))
        ):
            stamps["episode", row_id] = _utc(at)
        for name, model, episode_col in _STAMPED:
            for row_id, at in session.execute(
                select(model.id, model.created_at).where(episode_col.in_(episode_ids))
            ):
                stamps[name, row_id] = _utc(at)
        sessions = [k[1] for k in stamps if k[0] == "session"]
        if sessions:
            for row_id, at in session.execute(
                select(AdverseEvent.id, AdverseEvent.created_at).where(
                    AdverseEvent.session_id.in_(sessions)
                )
            ):
                stamps["adverse_event", row_id] = _utc(at)
    _apply_revisions(session, stamps)
    return stamps


def _apply_revisions(session: Session, stamps: Stamps) -> None:
    """An edited patient, episode or plan was last changed at its latest revision."""
    for kind in ("patient", "episode", "care_plan"):
        ids = [k[1] for k in stamps if k[0] == kind]
        if not ids:
            continue
        rows = session.execute(
            select(RecordRevision.record_id, func.max(RecordRevision.changed_at))
            .where(RecordRevision.record_type == kind, RecordRevision.record_id.in_(ids))
            .group_by(RecordRevision.record_id)
        )
        for row_id, at in rows:
            stamps[kind, row_id] = max(stamps[kind, row_id], _utc(at))


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ---- in ----------------------------------------------------------------------------------


class ClinicWriter:
    """Writes imported records into one clinic inside one transaction (``import_into``)."""

    def __init__(self, session: Session, scope: Scope) -> None:
        self.session = session
        self.scope = scope
        self._user = scope.actor.user_id if scope.actor else None

    @property
    def clinic_id(self) -> int:
        return self.scope.clinic.id

    @property
    def user_id(self) -> int | None:
        return self._user

    def audit(self, action: str, record_type: str, record_id: int) -> None:
        """Audit a record another domain wrote in this transaction (an assessment)."""
        _audit(self.session, self.scope, action, record_type, record_id)

    def _add(self, record_type: str, row: Any) -> int:
        self.session.add(row)
        self.session.flush()
        _audit(self.session, self.scope, "import", record_type, row.id)
        row_id: int = row.id
        return row_id

    def patient_by_mrn(self, mrn: str) -> PatientPublic | None:
        row = self.session.scalar(
            select(Patient).where(Patient.clinic_id == self.clinic_id, Patient.mrn == mrn)
        )
        return None if row is None else PatientPublic.model_validate(row)

    def exists(self, model: type[Any], record_id: int) -> bool:
        """Whether a record of this clinic still exists (a remembered import may be gone)."""
        row = self.session.get(model, record_id)
        return row is not None and row.clinic_id == self.clinic_id

    def add_patient(self, data: PatientCreate, *, synthetic: bool = False) -> int:
        row = Patient(
            clinic_id=self.clinic_id,
            created_by=self._user,
            version=1,
            synthetic=synthetic,
            **data.model_dump(),
        )
        return self._add("patient", row)

    def add_episode(self, patient_id: int, data: EpisodeCreate, *, closed: bool) -> int:
        row = Episode(
            clinic_id=self.clinic_id,
            patient_id=patient_id,
            created_by=self._user,
            version=1,
            region=str(data.region),
            icd10=list(data.icd10),
            started_on=data.started_on,
            ended_on=data.ended_on,
            status="closed" if closed else "active",
        )
        return self._add("episode", row)

    def has_plan(self, episode_id: int) -> bool:
        query = select(CarePlan.id).where(CarePlan.episode_id == episode_id)
        return self.session.scalar(query) is not None

    def add_plan(self, episode_id: int, data: PlanCreate) -> int:
        row = CarePlan(
            clinic_id=self.clinic_id,
            episode_id=episode_id,
            created_by=self._user,
            version=1,
            components=[str(c) for c in data.components],
            frequency=data.frequency,
            goals=data.goals,
        )
        return self._add("care_plan", row)

    def add_screening(
        self, episode_id: int, findings: Sequence[str], override_reason: str | None
    ) -> int:
        result, _precautions = screen(findings)
        row = Screening(
            clinic_id=self.clinic_id,
            episode_id=episode_id,
            created_by=self._user,
            version=1,
            findings=[str(f) for f in findings],
            result=result.value,
            override_reason=override_reason,
        )
        return self._add("screening", row)

    def add_consent(
        self,
        episode_id: int,
        data: ConsentCreate,
        *,
        written_required: bool,
        disclosure: str | None,
    ) -> int:
        row = Consent(
            clinic_id=self.clinic_id,
            episode_id=episode_id,
            created_by=self._user,
            version=1,
            signed_on=data.signed_on,
            signed_by=data.signed_by,
            form_version=data.form_version,
            written_required=written_required,
            disclosure=disclosure,
        )
        return self._add("consent", row)

    def add_session(self, episode_id: int, data: SessionCreate, precautions: Sequence[str]) -> int:
        row = NeedlingSession(
            clinic_id=self.clinic_id,
            episode_id=episode_id,
            created_by=self._user,
            version=1,
            performed_on=data.performed_on,
            practitioner_npi=data.practitioner_npi,
            technique=str(data.technique),
            pain_before=data.pain_before,
            pain_after=data.pain_after,
            co_interventions=[str(c) for c in data.co_interventions],
            notes=data.notes,
            cpt_code=cpt_for_muscles(data.muscles),
            precautions=[str(p) for p in precautions],
            muscles=[
                MuscleRow(
                    muscle=str(m.muscle), side=str(m.side), needles=m.needles, twitch=m.twitch
                )
                for m in data.muscles
            ],
        )
        return self._add("session", row)

    def add_adverse_event(
        self,
        session_id: int,
        data: AdverseEventCreate,
        *,
        reportable: bool,
        deadline_days: int | None,
    ) -> int:
        row = AdverseEvent(
            clinic_id=self.clinic_id,
            session_id=session_id,
            created_by=self._user,
            version=1,
            type=str(data.type),
            severity=str(data.severity),
            onset_on=data.onset_on,
            duration=data.duration,
            action_taken=data.action_taken,
            description=data.description,
            resolved=data.resolved,
            reportable=reportable,
            report_deadline_days=deadline_days,
        )
        return self._add("adverse_event", row)


@contextmanager
def import_into(engine: Engine, scope: Scope) -> Iterator[ClinicWriter]:
    """One transaction writing into the scope's clinic: all of it commits, or none."""
    with transaction(engine, write=True) as session:
        yield ClinicWriter(session, scope)


RECORD_MODELS: dict[str, type[Any]] = {
    "patient": Patient,
    "episode": Episode,
    "care_plan": CarePlan,
    "screening": Screening,
    "consent": Consent,
    "session": NeedlingSession,
    "adverse_event": AdverseEvent,
}
