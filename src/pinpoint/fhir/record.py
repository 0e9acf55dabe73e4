"""Everything in one patient's compartment, in a stable order (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pinpoint.accounts.schemas import ClinicPublic
from pinpoint.care.schemas import PatientChart
from pinpoint.fhir import clinical, procedures
from pinpoint.fhir.assessments import AssessmentRecord, assessment_resources
from pinpoint.fhir.clinical import Stamps
from pinpoint.fhir.datatypes import Json


def compartment(
    chart: PatientChart,
    clinic: ClinicPublic,
    stamps: Stamps | None = None,
    assessments: Mapping[int, Sequence[AssessmentRecord]] | None = None,
) -> Iterator[Json]:
    """The Patient, then per episode: EpisodeOfCare, Conditions, CarePlan and Goal,
    screenings, consents, per session its Procedure, pain Observations, adverse events and
    Provenance, then each assessment's QuestionnaireResponse and score Observation."""
    yield clinical.patient(chart, clinic, stamps)
    for e in chart.episodes:
        yield clinical.episode_of_care(e, clinic, stamps)
        yield from clinical.conditions(e, stamps)
        if e.plan is not None:
            yield clinical.care_plan(e.plan, e, stamps)
            found = clinical.goal(e.plan, e, stamps)
            if found is not None:
                yield found
        for row in e.screenings:
            yield clinical.screening(row, e, stamps)
        for consent in e.consents:
            yield clinical.consent(consent, e, clinic, stamps)
        for session in e.sessions:
            yield procedures.procedure(session, e, clinic, stamps)
            yield from procedures.pain_observations(session, e, stamps)
            for event in session.adverse_events:
                yield procedures.adverse_event(event, session, e, stamps)
            yield procedures.provenance(session, e, clinic, stamps)
        for assessment in (assessments or {}).get(e.id, ()):
            yield from assessment_resources(assessment)
