"""Assessments moved in from another system (a FHIR import): written as history.

Scored by the same rule as a new assessment (``score_responses``); no safety alert is raised
for an imported PHQ-9 (the answers are old: the clinic that took them handled them then).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from pinpoint.outcomes.models import Assessment
from pinpoint.outcomes.scoring import score_responses


def add_imported_assessment(
    session: Session,
    *,
    clinic_id: int,
    episode_id: int,
    instrument: str,
    responses: Sequence[int | None],
    activities: Sequence[str] | None,
    taken_on: date,
    created_by: int | None,
) -> int:
    """Score and add one assessment to the caller's transaction; its id (InvalidInput for
    answers the instrument refuses, naming the item)."""
    result = score_responses(instrument, list(responses), list(activities) if activities else None)
    row = Assessment(
        clinic_id=clinic_id,
        episode_id=episode_id,
        instrument=result.instrument.value,
        instrument_version=result.version,
        taken_on=taken_on,
        responses=list(responses),
        activities=result.activities,
        score=result.score,
        band=result.band,
        result=result.model_dump(mode="json"),
        source="clinic",
        created_by=created_by,
        version=1,
    )
    session.add(row)
    session.flush()
    return row.id
