"""Contexts of the portal's two forms: a questionnaire, one question a screen, and a side
effect after a session, in words a patient uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import adverse_events, sessions
from pinpoint.care.schemas import AdverseEventCreate, AdverseEventPublic, SessionPublic
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.outcomes import assessments, assignments
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.crisis import CRISIS, CrisisResources
from pinpoint.outcomes.questions import activities_to_rerate
from pinpoint.outcomes.records_schemas import AssessmentCreate, AssignmentPublic
from pinpoint.outcomes.vocabulary import DueState
from pinpoint.web.pages import portal_answers
from pinpoint.web.pages.clinic_forms import FormState, validate
from pinpoint.web.pages.portal_answers import Sheet

# ---- questionnaires --------------------------------------------------------------------------


@dataclass
class QuestionPage:
    assignment: AssignmentPublic
    sheet: Sheet

    @property
    def name(self) -> str:
        return get_instrument(self.assignment.instrument).name

    @property
    def where(self) -> str:
        """'Question 3 of 9', or what the naming and checking screens are."""
        sheet = self.sheet
        if sheet.naming:
            return "First, name your activities"
        if sheet.reviewing:
            return f"All {sheet.total} questions answered"
        return f"Question {sheet.step} of {sheet.total}"

    @property
    def crisis(self) -> CrisisResources | None:
        return CRISIS if self.sheet.item9_positive else None

    @property
    def error_target(self) -> str | None:
        """The control the error summary links to: the question's first answer."""
        question = self.sheet.question
        if self.sheet.error_field is None:
            return None
        if question is None:
            return self.sheet.error_field
        return f"a{question.number}-{question.choices[0].value}"


def open_assignment(engine: Engine, actor: Actor, assignment_id: int) -> AssignmentPublic:
    """The patient's assignment if it can still be answered; Conflict if not (404 for
    another patient's)."""
    found = assignments.get_assignment(engine, actor, assignment_id)
    if found.state is DueState.DONE:
        raise Conflict("You have already answered this questionnaire. Thank you.")
    if found.state is DueState.CANCELLED:
        raise Conflict("Your clinic withdrew this questionnaire: there is nothing to answer.")
    return found


def activities_of(
    engine: Engine, actor: Actor, assignment: AssignmentPublic
) -> tuple[str, ...] | None:
    """The PSFS activities to rate again (None: the patient names them now)."""
    if assignment.instrument != "psfs":
        return None
    earlier = assessments.list_assessments(engine, actor, assignment.episode_id)
    return activities_to_rerate(earlier.assessments)


def question_page(
    engine: Engine, actor: Actor, assignment_id: int, form: FormState | None, go: str
) -> QuestionPage:
    """The screen to show: the first one, or where ``go`` leads from the posted one."""
    assignment = open_assignment(engine, actor, assignment_id)
    activities = activities_of(engine, actor, assignment)
    if form is None:
        return QuestionPage(assignment, portal_answers.start(assignment.instrument, activities))
    sheet = portal_answers.read(form, assignment.instrument, activities)
    return QuestionPage(assignment, portal_answers.move(sheet, go, assignment.instrument))


def send(engine: Engine, actor: Actor, page: QuestionPage, today: date) -> int:
    """Record the answers as the assignment's assessment; the new assessment's id."""
    sheet = page.sheet
    data = AssessmentCreate.model_validate(
        {
            "instrument": page.assignment.instrument,
            "responses": sheet.responses(),
            "taken_on": today.isoformat(),
            "activities": list(sheet.form.activities) if sheet.form.activities else None,
        }
    )
    made = assessments.record_assessment(
        engine, actor, page.assignment.episode_id, data, assignment_id=page.assignment.id
    )
    return made.id


# ---- side effects ----------------------------------------------------------------------------

# What a patient can tell apart, in their words; the clinician may reclassify at review.
SIDE_EFFECTS: tuple[tuple[str, str], ...] = (
    ("soreness", "Soreness or aching where the needles went in"),
    ("bruising", "Bruising"),
    ("bleeding", "Bleeding that went on after the session"),
    ("pain_after", "Pain after the session"),
    ("symptom_aggravation", "My usual pain got worse"),
    ("fatigue", "Tiredness"),
    ("drowsiness", "Drowsiness"),
    ("headache", "Headache"),
    ("nausea", "Feeling sick (nausea)"),
    ("feeling_faint", "Feeling faint or dizzy"),
    ("altered_emotions", "Feeling emotional or tearful"),
    ("numbness", "Numbness or tingling"),
    ("itching", "Itching"),
    ("infection", "Redness, heat or swelling where a needle went in"),
    ("other", "Something else (please describe it)"),
)
# The reference's severity classes, told by what the side effect did to the patient.
SEVERITIES: tuple[tuple[str, str], ...] = (
    ("mild", "Mild: it bothered me a little and went away, or is going away, by itself"),
    ("significant", "It stopped me doing my usual things, or I needed to see a doctor or nurse"),
    ("serious", "I had to go to hospital"),
)


@dataclass
class SideEffectPage:
    session: SessionPublic
    form: FormState
    today: date
    types: tuple[tuple[str, str], ...] = SIDE_EFFECTS
    severities: tuple[tuple[str, str], ...] = SEVERITIES


def side_effect_page(
    engine: Engine, actor: Actor, session_id: int, today: date, form: FormState | None = None
) -> SideEffectPage:
    needling = sessions.get_session(engine, actor, session_id)
    initial = FormState.initial({"onset_on": today.isoformat()})
    return SideEffectPage(needling, form or initial, today)


def side_effect_input(form: FormState) -> AdverseEventCreate:
    if form.value("type") == "other" and not form.value("description").strip():
        raise InvalidInput("Tell us in a few words what happened.", field="description")
    payload: dict[str, Any] = {
        name: form.value(name).strip() or None
        for name in ("type", "severity", "onset_on", "description", "duration")
    }
    payload["resolved"] = form.checked("resolved")
    return validate(AdverseEventCreate, payload)


@dataclass
class ReportPage:
    event: AdverseEventPublic
    session: SessionPublic

    @property
    def type_words(self) -> str:
        return dict(SIDE_EFFECTS).get(self.event.type, self.event.type.replace("_", " "))


def report_page(engine: Engine, actor: Actor, event_id: int) -> ReportPage:
    event = adverse_events.get_adverse_event(engine, actor, event_id)
    return ReportPage(event, sessions.get_session(engine, actor, event.session_id))
