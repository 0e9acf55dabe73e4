"""Clinical records: patients, episodes, plans, screenings and consents.

Every function takes the engine and the acting user, checks what the actor may do
(``care.access``), works in one transaction, and writes one audit row for each read or
write of patient data. Sessions and adverse events are in ``care.sessions``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import add_audited, record
from pinpoint.care import access, views
from pinpoint.care.codes import Region
from pinpoint.care.disclosure import disclosure_for
from pinpoint.care.history import apply_edit, revisions
from pinpoint.care.models import CarePlan, Consent, Episode, Patient, Screening
from pinpoint.care.schemas import (
    ConsentCreate,
    ConsentForm,
    ConsentPublic,
    EpisodeChart,
    EpisodeCreate,
    EpisodePublic,
    EpisodeUpdate,
    PatientChart,
    PatientCreate,
    PatientList,
    PatientPublic,
    PatientUpdate,
    PlanCreate,
    PlanPublic,
    Revision,
    ScreeningCreate,
    ScreeningPublic,
)
from pinpoint.care.screening import screen
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.law.service import law_status

MAX_PAGE = 200


# ---- patients ------------------------------------------------------------------------


def _mrn_taken(session: Session, clinic_id: int, mrn: str, but: int | None = None) -> bool:
    query = select(Patient.id).where(Patient.clinic_id == clinic_id, Patient.mrn == mrn)
    if but is not None:
        query = query.where(Patient.id != but)
    return session.scalar(query) is not None


def _mrn_conflict(mrn: str) -> Conflict:
    return Conflict(f"MRN {mrn!r} is already used by a patient of this clinic", field="mrn")


def create_patient(engine: Engine, actor: Actor, data: PatientCreate) -> PatientPublic:
    """A new patient of the actor's clinic (staff only); the MRN is unique per clinic."""
    clinic_id = access.writer_clinic(actor)
    try:
        with transaction(engine, write=True) as session:
            if _mrn_taken(session, clinic_id, data.mrn):
                raise _mrn_conflict(data.mrn)
            patient = Patient(
                clinic_id=clinic_id,
                created_by=actor.user_id,
                version=1,
                **data.model_dump(),
            )
            add_audited(session, actor, "patient", patient)
            return PatientPublic.model_validate(patient)
    except IntegrityError as exc:
        raise _mrn_conflict(data.mrn) from exc


def get_patient(engine: Engine, actor: Actor, patient_id: int) -> PatientChart:
    """The patient's chart: every episode with plan, screenings, consents and sessions."""
    with transaction(engine) as session:
        patient = access.load(session, actor, Patient, patient_id)
        record(session, actor, "read", "patient", patient.id)
        return views.patient_chart(session, patient)


def list_patients(
    engine: Engine, actor: Actor, q: str | None = None, limit: int = 50, offset: int = 0
) -> PatientList:
    """The clinic's patients (staff only), by family then given name; ``q`` searches
    names (case-insensitive, substring) and the MRN (exact)."""
    clinic_id = access.writer_clinic(actor)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    if offset < 0:
        raise InvalidInput("offset must not be negative", field="offset")
    where = [Patient.clinic_id == clinic_id]
    text = (q or "").strip().replace("\x00", "")
    if text:
        pattern = (
            "%" + text.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        )
        full = func.lower(Patient.given_name + " " + Patient.family_name)
        where.append(
            or_(
                func.lower(Patient.family_name).like(pattern, escape="\\"),
                func.lower(Patient.given_name).like(pattern, escape="\\"),
                full.like(pattern, escape="\\"),
                Patient.mrn == text,
            )
        )
    with transaction(engine) as session:
        total = session.scalar(select(func.count()).select_from(Patient).where(*where)) or 0
        rows = session.scalars(
            select(Patient)
            .where(*where)
            .order_by(Patient.family_name, Patient.given_name, Patient.id)
            .limit(limit)
            .offset(offset)
        ).all()
        record(session, actor, "search", "patient", None)
        return PatientList(
            total=total,
            limit=limit,
            offset=offset,
            patients=[PatientPublic.model_validate(p) for p in rows],
        )


def update_patient(
    engine: Engine, actor: Actor, patient_id: int, data: PatientUpdate
) -> PatientPublic:
    """Change some fields of a patient if ``data.version`` is current (else Conflict)."""
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    try:
        with transaction(engine, write=True) as session:
            patient = access.load(session, actor, Patient, patient_id, write=True)
            mrn = changes.get("mrn")
            if mrn and _mrn_taken(session, patient.clinic_id, mrn, but=patient.id):
                raise _mrn_conflict(mrn)
            apply_edit(session, actor, patient, "patient", data.version, changes)
            record(session, actor, "update", "patient", patient.id)
            return PatientPublic.model_validate(patient)
    except IntegrityError as exc:
        raise _mrn_conflict(str(changes.get("mrn"))) from exc


def patient_history(engine: Engine, actor: Actor, patient_id: int) -> list[Revision]:
    """Every edit of a patient record (staff only), oldest first."""
    with transaction(engine) as session:
        patient = access.load(session, actor, Patient, patient_id, staff=True)
        record(session, actor, "read", "patient_history", patient.id)
        return [Revision.model_validate(r) for r in revisions(session, "patient", patient.id)]


# ---- episodes and plans ----------------------------------------------------------------


def _check_dates(started_on: date, ended_on: date | None) -> None:
    if ended_on is not None and ended_on < started_on:
        raise InvalidInput("an episode cannot end before it starts", field="ended_on")


def create_episode(
    engine: Engine, actor: Actor, patient_id: int, data: EpisodeCreate
) -> EpisodePublic:
    _check_dates(data.started_on, data.ended_on)
    with transaction(engine, write=True) as session:
        patient = access.load(session, actor, Patient, patient_id, write=True)
        episode = Episode(
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
            created_by=actor.user_id,
            version=1,
            region=Region(data.region).value,
            icd10=list(data.icd10),
            started_on=data.started_on,
            ended_on=data.ended_on,
            status="closed" if data.ended_on else "active",
        )
        add_audited(session, actor, "episode", episode)
        return EpisodePublic.model_validate(episode)


def get_episode(engine: Engine, actor: Actor, episode_id: int) -> EpisodeChart:
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id)
        record(session, actor, "read", "episode", episode.id)
        return views.episode_charts(session, [episode])[0]


def update_episode(
    engine: Engine, actor: Actor, episode_id: int, data: EpisodeUpdate
) -> EpisodePublic:
    """Change an episode (close it with ``ended_on`` and ``status``) at the current version."""
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True)
        _check_dates(
            changes.get("started_on", episode.started_on),
            changes.get("ended_on", episode.ended_on),
        )
        apply_edit(session, actor, episode, "episode", data.version, changes)
        record(session, actor, "update", "episode", episode.id)
        return EpisodePublic.model_validate(episode)


def create_plan(engine: Engine, actor: Actor, episode_id: int, data: PlanCreate) -> PlanPublic:
    """The episode's multimodal plan; an episode has one (a second answers Conflict)."""
    conflict = Conflict("this episode already has a plan", field="episode_id")
    try:
        with transaction(engine, write=True) as session:
            episode = access.load(session, actor, Episode, episode_id, write=True)
            if session.scalar(select(CarePlan.id).where(CarePlan.episode_id == episode.id)):
                raise conflict
            plan = CarePlan(
                clinic_id=episode.clinic_id,
                episode_id=episode.id,
                created_by=actor.user_id,
                version=1,
                components=[str(c) for c in data.components],
                frequency=data.frequency,
                goals=data.goals,
            )
            add_audited(session, actor, "care_plan", plan)
            return PlanPublic.model_validate(plan)
    except IntegrityError as exc:
        raise conflict from exc


# ---- screening and consent ---------------------------------------------------------------


def record_screening(
    engine: Engine, actor: Actor, episode_id: int, data: ScreeningCreate
) -> ScreeningPublic:
    """A screening; its result follows the most severe finding (``care.screening``)."""
    result, _precautions = screen(data.findings)
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True)
        row = Screening(
            clinic_id=episode.clinic_id,
            episode_id=episode.id,
            created_by=actor.user_id,
            version=1,
            findings=[str(f) for f in data.findings],
            result=result.value,
            override_reason=(data.override_reason or "").strip() or None,
        )
        add_audited(session, actor, "screening", row)
        return views.screening_public(row)


def consent_form(engine: Engine, actor: Actor, episode_id: int) -> ConsentForm:
    """What the consent form must show in the clinic's state today."""
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id, staff=True)
        clinic = access.clinic_of(session, actor)
        disclosure = disclosure_for(law_status(clinic.state))
        record(session, actor, "read", "consent_form", episode.id)
        return ConsentForm(
            state=clinic.state,
            written_required=disclosure.written_required,
            disclosure=disclosure.text,
        )


def record_consent(
    engine: Engine, actor: Actor, episode_id: int, data: ConsentCreate
) -> ConsentPublic:
    """Informed consent, with what the clinic's state law required of it on that day.

    The law consulted is the physical therapist's (the profession the law base covers
    first); ``written_required`` and the disclosure text come from it.
    """
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True)
        clinic = access.clinic_of(session, actor)
        disclosure = disclosure_for(law_status(clinic.state, on=data.signed_on))
        row = Consent(
            clinic_id=episode.clinic_id,
            episode_id=episode.id,
            created_by=actor.user_id,
            version=1,
            signed_on=data.signed_on,
            signed_by=data.signed_by,
            form_version=data.form_version,
            written_required=disclosure.written_required,
            disclosure=disclosure.text,
        )
        add_audited(session, actor, "consent", row)
        return ConsentPublic.model_validate(row)
