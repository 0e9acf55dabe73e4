"""What an export contains, generated a batch at a time.

- A clinic (``Group/{clinic}/$export``): its Organization, then every patient's compartment
  (``fhir.record.compartment``). ``_since`` keeps resources whose record changed after it
  (``meta.lastUpdated``: creation, or the latest edit of a patient, episode or plan); the
  Organization is always included, as the IG allows for referenced resources.
- The directory (``$export``): Practitioner, PractitionerRole (with today's verdict and the
  law it rests on) and Location of every practitioner, active or not. ``_since`` keeps
  practitioners whose NPPES record was updated on or after that day (NPPES dates have no
  time; training entered since does not count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from pinpoint.care import transfer
from pinpoint.care.schemas import PatientChart
from pinpoint.db.engine import transaction
from pinpoint.directory.service import iter_practitioners
from pinpoint.fhir import clinical, directory
from pinpoint.fhir.assessments import AssessmentRecord, record_of
from pinpoint.fhir.datatypes import Json, instant
from pinpoint.fhir.record import compartment
from pinpoint.fhir.service import centroid
from pinpoint.outcomes.assessments import episode_assessments, public

Progress = Callable[[int, int | None], None]  # (units done, units in all when known)


def _noop(_done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True)
class ClinicSource:
    scope: transfer.Scope
    unit = "patients"

    def total(self, engine: Engine) -> int:
        return transfer.count_patients(engine, self.scope)

    def resources(
        self,
        engine: Engine,
        types: tuple[str, ...],
        since: datetime | None,
        progress: Progress = _noop,
    ) -> Iterator[Json]:
        wanted = frozenset(types)
        after = instant(since) if since else None
        clinic = self.scope.clinic
        if "Organization" in wanted:
            yield clinical.organization(clinic)
        done = 0
        for batch in transfer.iter_clinic_charts(engine, self.scope):
            assessments = _assessments(engine, batch.charts)
            for chart in batch.charts:
                for resource in compartment(chart, clinic, batch.stamps, assessments):
                    if resource["resourceType"] in wanted and _changed(resource, after):
                        yield resource
            done += len(batch.charts)
            progress(done, None)


def _assessments(engine: Engine, charts: list[PatientChart]) -> dict[int, list[AssessmentRecord]]:
    """The batch's assessments per episode (``pinpoint.outcomes``), read in one query."""
    patient_of = {e.id: c.id for c in charts for e in c.episodes}
    with transaction(engine) as session:
        rows = episode_assessments(session, list(patient_of))
        return {
            episode_id: [record_of(public(row), patient_of[episode_id]) for row in found]
            for episode_id, found in rows.items()
        }


def _changed(resource: Json, after: str | None) -> bool:
    if after is None:
        return True
    stamp = resource.get("meta", {}).get("lastUpdated") or resource.get("recorded")
    return stamp is None or stamp > after  # both are UTC instants in the same form


@dataclass(frozen=True)
class DirectorySource:
    on: date
    unit = "practitioners"

    def total(self, engine: Engine) -> int | None:
        return None

    def resources(
        self,
        engine: Engine,
        types: tuple[str, ...],
        since: datetime | None,
        progress: Progress = _noop,
    ) -> Iterator[Json]:
        wanted = frozenset(types)
        done = 0
        updated = since.date() if since else None
        for batch in iter_practitioners(engine, on=self.on, updated_since=updated):
            for p in batch:
                if "Practitioner" in wanted:
                    yield directory.practitioner(p)
                if "PractitionerRole" in wanted:
                    yield directory.practitioner_role(p, p.eligibility, self.on, p.law)
                if "Location" in wanted and (p.zip or p.city):
                    yield directory.location(p, centroid(p.zip))
            done += len(batch)
            progress(done, None)


Source = ClinicSource | DirectorySource
