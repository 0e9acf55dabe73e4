"""Contexts of the patient portal: what to answer, the patient's progress, their sessions.

Each is built from the same domain calls the JSON API makes (``care.service``,
``outcomes.assignments``, ``outcomes.assessments``), acting as the patient, so the portal
shows exactly what the patient may see: another patient's ids answer 404 in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import service
from pinpoint.care.schemas import EpisodeChart, PatientChart
from pinpoint.outcomes import assessments, assignments
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.crisis import CRISIS, CrisisResources
from pinpoint.outcomes.patient_words import TOPICS, ProgressWords, progress_words
from pinpoint.outcomes.records_schemas import AssessmentPublic, AssignmentPublic
from pinpoint.outcomes.vocabulary import DueState, InstrumentCode
from pinpoint.web.pages.clinic_staff import clinic_info

REGION_WORDS = {
    "cervical": "neck",
    "thoracic": "upper and middle back",
    "lumbar": "low back",
    "sacroiliac_pelvic": "pelvis and lower back",
    "other": "pain",
}
REASON_WORDS = {
    "intake": "at the start of your care",
    "follow_up": "to follow your progress",
    "discharge": "at the end of your care",
    "phq2_positive": "after your last mood questions",
}


def day_words(day: date) -> str:
    """'3 March 2026': dates as people read them."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def episode_words(episode: EpisodeChart) -> str:
    region = REGION_WORDS.get(episode.region, "care")
    return f"Your {region} care from {day_words(episode.started_on)}"


@dataclass(frozen=True)
class ToAnswer:
    """One assigned questionnaire as the patient sees it."""

    assignment: AssignmentPublic
    today: date

    @property
    def name(self) -> str:
        return get_instrument(self.assignment.instrument).name

    @property
    def why(self) -> str:
        return REASON_WORDS.get(self.assignment.reason, "")

    @property
    def when(self) -> str:
        a = self.assignment
        if a.state is DueState.OVERDUE and a.due_from:
            return f"Was due {day_words(a.due_from)}"
        if a.state is DueState.DUE and a.due_from:
            return "Due today" if a.due_from == self.today else f"Due by {day_words(a.due_from)}"
        if a.every_sessions is not None and a.due_from is None:
            left = a.every_sessions - (a.sessions_counted or 0)
            return f"After {left} more session{'s' if left != 1 else ''}"
        return f"Due {day_words(a.due_from or a.due_on)}"

    @property
    def answerable(self) -> bool:
        return self.assignment.state in (DueState.DUE, DueState.OVERDUE)


@dataclass
class EpisodeProgress:
    episode: EpisodeChart
    words: list[ProgressWords]
    first_only: list[str]
    chart_src: str | None

    @property
    def title(self) -> str:
        return episode_words(self.episode)

    @property
    def chart_alt(self) -> str:
        return (
            f"Chart of your scores over time for {self.title.lower()}, sessions marked; "
            "the same progress is written out in words on this page."
        )


@dataclass
class PortalHome:
    patient: PatientChart
    clinic: str
    now: list[ToAnswer]
    later: list[ToAnswer]
    progress: list[EpisodeProgress]

    @property
    def awaiting_review(self) -> int:
        return sum(
            1
            for e in self.patient.episodes
            for s in e.sessions
            for ae in s.adverse_events
            if ae.review_status == "awaiting_review"
        )


def _to_answer(engine: Engine, actor: Actor, patient_id: int, today: date) -> list[ToAnswer]:
    found = assignments.patient_assignments(engine, actor, patient_id, today=today)
    return [ToAnswer(a, today) for a in found.assignments]


def home_page(engine: Engine, actor: Actor, chart_route: str | None, today: date) -> PortalHome:
    patient_id = _own(actor)
    chart = service.get_patient(engine, actor, patient_id)
    listed = _to_answer(engine, actor, patient_id, today)
    return PortalHome(
        chart,
        clinic_info(engine, actor).name,
        [t for t in listed if t.answerable],
        [t for t in listed if not t.answerable],
        progress_of(engine, actor, chart, chart_route),
    )


def _own(actor: Actor) -> int:
    assert actor.patient_id is not None  # the portal routes admit linked patients only
    return actor.patient_id


def progress_of(
    engine: Engine, actor: Actor, chart: PatientChart, chart_route: str | None
) -> list[EpisodeProgress]:
    """Each episode with assessments: the change per instrument in plain words."""
    found = []
    for episode in reversed(chart.episodes):
        listed = assessments.list_assessments(engine, actor, episode.id)
        if not listed.assessments:
            continue
        words = [progress_words(c) for c in listed.changes]
        compared = {w.instrument for w in words}
        once = _first_only(listed.assessments, compared)
        src = chart_route.format(episode_id=episode.id) if chart_route else None
        found.append(EpisodeProgress(episode, words, once, src))
    return found


def _first_only(items: list[AssessmentPublic], compared: set[InstrumentCode]) -> list[str]:
    seen = {a.instrument for a in items if a.score.score is not None} - compared
    return [
        f"{TOPICS[code][0][0].upper()}{TOPICS[code][0][1:]}: one answer so far. Your progress "
        "shows here after the next one."
        for code in InstrumentCode
        if code in seen and code is not InstrumentCode.PHQ2
    ]


@dataclass
class ProgressPage:
    patient: PatientChart
    progress: list[EpisodeProgress]


def progress_page(engine: Engine, actor: Actor, chart_route: str | None) -> ProgressPage:
    chart = service.get_patient(engine, actor, _own(actor))
    return ProgressPage(chart, progress_of(engine, actor, chart, chart_route))


@dataclass
class SessionsPage:
    patient: PatientChart

    @property
    def episodes(self) -> list[tuple[str, EpisodeChart]]:
        return [(episode_words(e), e) for e in reversed(self.patient.episodes) if e.sessions]


def sessions_page(engine: Engine, actor: Actor) -> SessionsPage:
    return SessionsPage(service.get_patient(engine, actor, _own(actor)))


@dataclass
class SentPage:
    """After sending a questionnaire: crisis resources first when item 9 is above 0."""

    assessment: AssessmentPublic
    clinic: str
    next: ToAnswer | None
    words: ProgressWords | None
    crisis: CrisisResources | None = field(default=None)

    @property
    def name(self) -> str:
        return get_instrument(self.assessment.instrument).name


def sent_page(engine: Engine, actor: Actor, assessment_id: int, today: date) -> SentPage:
    done = assessments.get_assessment(engine, actor, assessment_id)
    listed = assessments.list_assessments(engine, actor, done.episode_id)
    words = next(
        (progress_words(c) for c in listed.changes if c.instrument is done.instrument), None
    )
    waiting = [t for t in _to_answer(engine, actor, _own(actor), today) if t.answerable]
    return SentPage(
        done,
        clinic_info(engine, actor).name,
        waiting[0] if waiting else None,
        words,
        CRISIS if done.score.item9_positive else None,
    )
