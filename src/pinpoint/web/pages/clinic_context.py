"""Typed contexts of the clinic pages, each built from the care calls the JSON API uses.

Routes call a builder here and render what it returns; templates only format it. Every
read goes through ``pinpoint.care`` (access checks and audit rows included), so a page
never shows what the API would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select

from pinpoint.accounts.models import User
from pinpoint.actors import Actor, Role
from pinpoint.care import access, service, sessions
from pinpoint.care.codes import (
    ABSOLUTE_FINDINGS,
    AdverseEventType,
    CoIntervention,
    Finding,
    Muscle,
    Region,
    Severity,
    Sex,
    Side,
    Technique,
)
from pinpoint.care.schemas import (
    ConsentForm,
    EpisodeChart,
    PatientChart,
    PatientList,
    ScreeningPublic,
    SessionPublic,
)
from pinpoint.db.engine import transaction
from pinpoint.directory.models import Practitioner
from pinpoint.web.pages.clinic_forms import MAX_MUSCLE_ROWS, FormState, MuscleRow, muscle_rows

PAGE_SIZE = 50
CONSENT_FORM_VERSION = "pinpoint-dn-consent-1"

_WORDS = {
    "sacroiliac_pelvic": "Sacroiliac / pelvic",
    "with_estim": "With electrical stimulation",
    "clinic_admin": "Clinic admin",
    "metal_or_latex_allergy": "Metal or latex allergy",
    "pacemaker_with_estim": "Pacemaker (with e-stim)",
    "thorax_lung_field": "Needling over the thorax / lung field",
    "pain_during": "Pain during needling",
    "pain_after": "Pain after needling",
}
SIDE_SHORT = {"left": "L", "right": "R", "bilateral": "both sides", "midline": "midline"}


def human(code: object) -> str:
    """A code as words: ``upper_trapezius`` -> ``Upper trapezius``."""
    text = str(code)
    return _WORDS.get(text) or text.replace("_", " ").capitalize()


def _group(first: Muscle, last: Muscle) -> tuple[Muscle, ...]:
    members = list(Muscle)
    return tuple(members[members.index(first) : members.index(last) + 1])


MUSCLE_GROUPS: tuple[tuple[str, tuple[Muscle, ...]], ...] = (
    ("Neck and upper back", _group(Muscle.UPPER_TRAPEZIUS, Muscle.SERRATUS_POSTERIOR_SUPERIOR)),
    ("Mid and low back", _group(Muscle.THORACIC_ERECTOR_SPINAE, Muscle.LATISSIMUS_DORSI)),
    ("Hip and pelvis", _group(Muscle.GLUTEUS_MAXIMUS, Muscle.HAMSTRINGS)),
)
FINDING_GROUPS: tuple[tuple[str, str, tuple[Finding, ...]], ...] = (
    (
        "absolute",
        "Absolute contraindications (no needling without an override reason)",
        tuple(f for f in Finding if f in ABSOLUTE_FINDINGS),
    ),
    (
        "relative",
        "Relative contraindications and precautions (shown at every session)",
        tuple(f for f in Finding if f not in ABSOLUTE_FINDINGS),
    ),
)


# ---- the clinic and its needlers ---------------------------------------------------------


@dataclass(frozen=True)
class NpiChoice:
    npi: str
    label: str


@dataclass(frozen=True)
class ClinicInfo:
    """The actor's clinic, and the NPIs of its staff (the needler choices)."""

    name: str
    state: str
    needlers: tuple[NpiChoice, ...] = ()
    own_npi: str | None = None


def clinic_info(engine: Engine, actor: Actor) -> ClinicInfo:
    """The clinic of a staff or patient user; Forbidden for operators."""
    with transaction(engine) as session:
        clinic = access.clinic_of(session, actor)
        rows = session.execute(
            select(User.id, User.npi, User.email, Practitioner.first_name, Practitioner.last_name)
            .outerjoin(Practitioner, Practitioner.npi == User.npi)
            .where(
                User.clinic_id == clinic.id,
                User.npi.is_not(None),
                User.active.is_(True),
                User.role.in_([Role.CLINICIAN.value, Role.CLINIC_ADMIN.value]),
            )
            .order_by(User.email)
        ).all()
        needlers = []
        own = None
        for user_id, npi, email, first, last in rows:
            if not npi:
                continue
            name = " ".join(p for p in (first, last) if p) or email
            needlers.append(NpiChoice(npi, f"{npi} · {name}"))
            if user_id == actor.user_id:
                own = npi
        return ClinicInfo(clinic.name, clinic.state, tuple(needlers), own)


# ---- the staff home: patient list, search, new patient ----------------------------------


@dataclass
class HomePage:
    clinic: ClinicInfo
    q: str
    results: PatientList
    form: FormState = field(default_factory=FormState)
    sexes: tuple[Sex, ...] = tuple(Sex)


def home_page(engine: Engine, actor: Actor, q: str = "", form: FormState | None = None) -> HomePage:
    results = service.list_patients(engine, actor, q=q or None, limit=PAGE_SIZE)
    return HomePage(clinic_info(engine, actor), q, results, form or FormState())


# ---- the chart ------------------------------------------------------------------------------


@dataclass
class EpisodeView:
    """One episode as the chart shows it: the latest screening decides what applies."""

    episode: EpisodeChart

    @property
    def screening(self) -> ScreeningPublic | None:
        return self.episode.screenings[-1] if self.episode.screenings else None

    @property
    def consented(self) -> bool:
        return bool(self.episode.consents)

    @property
    def needling_blocked(self) -> str | None:
        """Why a session would be refused now (the rule the session write enforces)."""
        refusal = self.episode.needling_refusal
        return refusal[:1].upper() + refusal[1:] + "." if refusal else None


@dataclass
class ChartPage:
    chart: PatientChart
    read_only: bool
    clinic: ClinicInfo

    @property
    def episodes(self) -> list[EpisodeView]:
        return [EpisodeView(e) for e in reversed(self.chart.episodes)]


def chart_page(engine: Engine, actor: Actor, patient_id: int) -> ChartPage:
    chart = service.get_patient(engine, actor, patient_id)
    return ChartPage(chart, read_only=not actor.is_staff, clinic=clinic_info(engine, actor))


# ---- forms under a patient or an episode --------------------------------------------------


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


# ---- adverse events -------------------------------------------------------------------------


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
