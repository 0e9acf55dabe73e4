"""Contexts of the forms about a patient, an episode or a session.

Each builder reads through ``pinpoint.care`` (access checks and audit rows included), so
a form never shows what the API would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import access, service, sessions
from pinpoint.care.codes import (
    AdverseEventType,
    CoIntervention,
    Finding,
    Muscle,
    Region,
    Severity,
    Side,
    Technique,
)
from pinpoint.care.schemas import ConsentForm, PatientChart, SessionPublic
from pinpoint.web.pages.clinic_chart import EpisodeView
from pinpoint.web.pages.clinic_forms import MAX_MUSCLE_ROWS, FormState, MuscleRow, muscle_rows
from pinpoint.web.pages.clinic_staff import ClinicInfo, clinic_info
from pinpoint.web.pages.clinic_words import FINDING_GROUPS, MUSCLE_GROUPS

CONSENT_FORM_VERSION = "pinpoint-dn-consent-1"


@dataclass
class EpisodeFormPage:
    patient: PatientChart
    form: FormState
    regions: tuple[Region, ...] = tuple(Region)


def episode_form_page(
    engine: Engine, actor: Actor, patient_id: int, form: FormState | None = None
) -> EpisodeFormPage:
    access.writer_clinic(actor)
    patient = service.get_patient(engine, actor, patient_id)
    initial = FormState.initial({"started_on": date.today().isoformat()})
    return EpisodeFormPage(patient, form or initial)


@dataclass
class EpisodeTaskPage:
    """A form about one episode: plan, screening, consent or a session."""

    patient: PatientChart
    episode: EpisodeView
    form: FormState
    consent: ConsentForm | None = None
    clinic: ClinicInfo | None = None
    rows: list[MuscleRow] = field(default_factory=list)
    components: tuple[CoIntervention, ...] = tuple(CoIntervention)
    finding_groups: tuple[tuple[str, str, tuple[Finding, ...]], ...] = FINDING_GROUPS
    muscle_groups: tuple[tuple[str, tuple[Muscle, ...]], ...] = MUSCLE_GROUPS
    sides: tuple[Side, ...] = tuple(Side)
    techniques: tuple[Technique, ...] = tuple(Technique)


def episode_task_page(
    engine: Engine, actor: Actor, episode_id: int, form: FormState | None = None
) -> EpisodeTaskPage:
    access.writer_clinic(actor)
    episode = service.get_episode(engine, actor, episode_id)
    patient = service.get_patient(engine, actor, episode.patient_id)
    return EpisodeTaskPage(patient, EpisodeView(episode), form or FormState())


def consent_page(
    engine: Engine, actor: Actor, episode_id: int, form: FormState | None = None
) -> EpisodeTaskPage:
    page = episode_task_page(engine, actor, episode_id, form)
    page.consent = service.consent_form(engine, actor, episode_id)
    if form is None:
        page.form = FormState.initial(
            {
                "signed_on": date.today().isoformat(),
                "signed_by": f"{page.patient.given_name} {page.patient.family_name}",
                "form_version": CONSENT_FORM_VERSION,
            }
        )
    return page


@dataclass
class MuscleRowPage:
    """One more row of the muscle picker (htmx), and the index of the row after it."""

    row: MuscleRow
    muscle_groups: tuple[tuple[str, tuple[Muscle, ...]], ...] = MUSCLE_GROUPS
    sides: tuple[Side, ...] = tuple(Side)

    @property
    def next_index(self) -> int | None:
        following = self.row.index + 1
        return following if following < MAX_MUSCLE_ROWS else None


def session_page(
    engine: Engine, actor: Actor, episode_id: int, form: FormState | None = None, extra: int = 0
) -> EpisodeTaskPage:
    page = episode_task_page(engine, actor, episode_id, form)
    page.clinic = clinic_info(engine, actor)
    if form is None:
        default_npi = page.clinic.own_npi or (
            page.clinic.needlers[0].npi if len(page.clinic.needlers) == 1 else ""
        )
        page.form = FormState.initial(
            {
                "performed_on": date.today().isoformat(),
                "practitioner_npi": default_npi,
                "technique": Technique.PISTONING.value,
                "pain_before": "5",
                "pain_after": "5",
            }
        )
    page.rows = muscle_rows(page.form, extra)
    return page


@dataclass
class AdverseEventPage:
    patient: PatientChart
    session: SessionPublic
    form: FormState
    types: tuple[AdverseEventType, ...] = tuple(AdverseEventType)
    severities: tuple[Severity, ...] = tuple(Severity)


def adverse_event_page(
    engine: Engine, actor: Actor, session_id: int, form: FormState | None = None
) -> AdverseEventPage:
    access.writer_clinic(actor)
    needling = sessions.get_session(engine, actor, session_id)
    episode = service.get_episode(engine, actor, needling.episode_id)
    patient = service.get_patient(engine, actor, episode.patient_id)
    initial = FormState.initial({"onset_on": date.today().isoformat(), "severity": "mild"})
    return AdverseEventPage(patient, needling, form or initial)
