"""The import: every unit (an NDJSON file, or a Bundle) all or nothing, in dependency order.

Order: Patient, EpisodeOfCare, CarePlan, Observation (screenings), Consent, Procedure,
AdverseEvent. Condition, Goal and the NPRS Observations are read with the resource that
owns them (an episode's diagnoses, a plan's goals, a session's pain scores); Organization
and Provenance are derived on export and not stored; other resources are skipped, and
said so.

Re-importing the same data changes nothing: a patient is matched by its MRN, every other
record by the resource it came from (``fhir_imported_records``: type, ``meta.source``, id).
A matched record is never overwritten (edits go through the API, with their history).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from pinpoint.care import transfer
from pinpoint.care.cpt import cpt_for_muscles
from pinpoint.care.screening import screen
from pinpoint.errors import PinpointError
from pinpoint.fhir.datatypes import Json
from pinpoint.fhir.imports import convert
from pinpoint.fhir.imports.convert import Issue, Rejected, reject
from pinpoint.fhir.imports.load import Item, Unit, load
from pinpoint.fhir.models import ImportedRecord
from pinpoint.fhir.procedures import PAIN_TIMING
from pinpoint.fhir.validation import ResourceErrors, parse_resource
from pinpoint.outcomes.transfer import add_imported_assessment

ORDER = (
    "Organization",
    "Patient",
    "Condition",
    "Goal",
    "EpisodeOfCare",
    "CarePlan",
    "Observation",
    "Consent",
    "Procedure",
    "AdverseEvent",
    "QuestionnaireResponse",
    "Provenance",
)
DERIVED = frozenset({"Organization", "Condition", "Goal", "Provenance"})
_RANK = {kind: i for i, kind in enumerate(ORDER)}


@dataclass
class UnitReport:
    name: str
    resources: int = 0
    created: int = 0
    existing: int = 0
    derived: int = 0
    skipped: list[Issue] = field(default_factory=list)
    rejected: list[Issue] = field(default_factory=list)
    committed: bool = False


@dataclass
class ImportReport:
    clinic: str
    units: list[UnitReport]

    @property
    def ok(self) -> bool:
        return all(u.committed for u in self.units)

    @property
    def created(self) -> int:
        return sum(u.created for u in self.units if u.committed)


Key = tuple[str, str, str]  # (resource type, meta.source, id)


def _key(resource: Json, kind: str | None = None, rid: str | None = None) -> Key:
    source = str((resource.get("meta") or {}).get("source") or "")[:200]
    return (kind or resource["resourceType"], source, str(rid or resource.get("id", ""))[:64])


@dataclass
class _Index:
    """Resources read with their owners: conditions, goals, pain scores by Procedure id."""

    conditions: dict[str, Json] = field(default_factory=dict)
    goals: dict[str, Json] = field(default_factory=dict)
    pains: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, item: Item) -> None:
        r = item.resource
        if r["resourceType"] == "Condition":
            self.conditions[str(r.get("id"))] = r
        elif r["resourceType"] == "Goal":
            self.goals[str(r.get("id"))] = r
        elif r["resourceType"] == "Observation" and convert.is_pain(r):
            timing = convert.ext_value(r, PAIN_TIMING, "valueCode")
            for part in r.get("partOf", []):
                ref = str(part.get("reference", ""))
                if "Procedure/" in ref and timing and isinstance(r.get("valueInteger"), int):
                    self.pains[ref.rsplit("Procedure/", 1)[1]][timing] = r["valueInteger"]


class _Importer:
    def __init__(self, writer: transfer.ClinicWriter, index: _Index, refs: dict[Key, int]):
        self.w = writer
        self.index = index
        self.refs = refs
        self.new: dict[Key, int] = {}

    def ref(self, resource: Json, kind: str, rid: str, path: str) -> int:
        key = _key(resource, kind, rid)
        found = self.new.get(key) or self.refs.get(key) or self._remembered(key)
        if found is None:
            raise reject(path, f"refers to {kind}/{rid}, which is not imported")
        return found

    def _remembered(self, key: Key) -> int | None:
        row = self.w.session.scalar(
            select(ImportedRecord.record_id).where(
                ImportedRecord.clinic_id == self.w.clinic_id,
                ImportedRecord.resource_type == key[0],
                ImportedRecord.source == key[1],
                ImportedRecord.source_id == key[2],
            )
        )
        if row is not None:
            self.refs[key] = row
        return row

    def remember(self, resource: Json, record_type: str, record_id: int) -> None:
        key = _key(resource)
        self.new[key] = record_id
        self.w.session.add(
            ImportedRecord(
                clinic_id=self.w.clinic_id,
                resource_type=key[0],
                source=key[1],
                source_id=key[2],
                record_type=record_type,
                record_id=record_id,
            )
        )

    def known(self, resource: Json) -> bool:
        key = _key(resource)
        return key in self.new or self._remembered(key) is not None

    def one(self, item: Item, report: UnitReport) -> None:
        r, path = item.resource, item.path
        kind = r["resourceType"]
        if kind in DERIVED or (
            kind == "Observation" and (convert.is_pain(r) or convert.is_score(r))
        ):
            report.derived += 1
            return
        handler = _HANDLERS.get(kind)
        if handler is None or (kind == "Observation" and not convert.is_screening(r)):
            report.skipped.append(Issue(path, f"{kind} of this kind is not stored by Pinpoint"))
            return
        if self.known(r):
            report.existing += 1
            return
        if handler(self, r, path, report):
            report.created += 1
        else:
            report.existing += 1

    def patient(self, r: Json, path: str, report: UnitReport) -> bool:
        data, synthetic = convert.patient(r, path)
        existing = self.w.patient_by_mrn(data.mrn)
        if existing is not None:
            self.remember(r, "patient", existing.id)
            return False
        self.remember(r, "patient", self.w.add_patient(data, synthetic=synthetic))
        return True

    def episode(self, r: Json, path: str, report: UnitReport) -> bool:
        patient_id = self.ref(
            r,
            "Patient",
            convert.ref_id(r.get("patient"), "Patient", f"{path}.patient"),
            f"{path}.patient",
        )
        data, closed = convert.episode(r, path, self.index.conditions)
        self.remember(r, "episode", self.w.add_episode(patient_id, data, closed=closed))
        return True

    def _episode_of(self, r: Json, path: str) -> int:
        return self.ref(r, "EpisodeOfCare", convert.episode_ref(r, path), f"{path}.extension")

    def plan(self, r: Json, path: str, report: UnitReport) -> bool:
        episode_id = self._episode_of(r, path)
        data = convert.plan(r, path, self.index.goals)
        if self.w.has_plan(episode_id):
            raise reject(path, "the episode already has a care plan")
        self.remember(r, "care_plan", self.w.add_plan(episode_id, data))
        return True

    def screening(self, r: Json, path: str, report: UnitReport) -> bool:
        episode_id = self._episode_of(r, path)
        findings, override, stated = convert.screening(r, path)
        try:
            result, _precautions = screen(findings)
        except PinpointError as exc:
            raise reject(f"{path}.component", exc.message) from None
        if stated is not None and stated != result.value:
            raise reject(
                f"{path}.valueCodeableConcept",
                f"result {stated!r} does not follow from the findings ({result.value!r})",
            )
        self.remember(r, "screening", self.w.add_screening(episode_id, findings, override))
        return True

    def consent(self, r: Json, path: str, report: UnitReport) -> bool:
        episode_id = self._episode_of(r, path)
        data, written, disclosure = convert.consent(r, path)
        row = self.w.add_consent(episode_id, data, written_required=written, disclosure=disclosure)
        self.remember(r, "consent", row)
        return True

    def session(self, r: Json, path: str, report: UnitReport) -> bool:
        episode_id = self._episode_of(r, path)
        pains = self.index.pains.get(str(r.get("id")), {})
        data, stated, precautions = convert.session(r, path, pains)
        derived = cpt_for_muscles(data.muscles)
        if stated != derived:
            raise reject(
                f"{path}.code",
                f"CPT {stated} does not match the muscles needled ({derived}: 1-2 muscles "
                "20560, 3 or more 20561)",
            )
        self.remember(r, "session", self.w.add_session(episode_id, data, precautions))
        return True

    def assessment(self, r: Json, path: str, report: UnitReport) -> bool:
        episode_id = self._episode_of(r, path)
        instrument, responses, activities, taken_on = convert.assessment(r, path)
        try:
            row = add_imported_assessment(
                self.w.session,
                clinic_id=self.w.clinic_id,
                episode_id=episode_id,
                instrument=instrument,
                responses=responses,
                activities=activities,
                taken_on=taken_on,
                created_by=self.w.user_id,
            )
        except PinpointError as exc:
            raise reject(f"{path}.item", exc.message) from None
        self.w.audit("import", "assessment", row)
        self.remember(r, "assessment", row)
        return True

    def adverse_event(self, r: Json, path: str, report: UnitReport) -> bool:
        session_id = self.ref(
            r, "Procedure", convert.session_of_event(r, path), f"{path}.suspectEntity[0].instance"
        )
        data, reportable, deadline = convert.adverse_event(r, path)
        row = self.w.add_adverse_event(
            session_id, data, reportable=reportable, deadline_days=deadline
        )
        self.remember(r, "adverse_event", row)
        return True


_HANDLERS: dict[str, Any] = {
    "Patient": _Importer.patient,
    "EpisodeOfCare": _Importer.episode,
    "CarePlan": _Importer.plan,
    "Observation": _Importer.screening,
    "Consent": _Importer.consent,
    "Procedure": _Importer.session,
    "AdverseEvent": _Importer.adverse_event,
    "QuestionnaireResponse": _Importer.assessment,
}


class _Rollback(Exception):
    pass


def _rank(unit: Unit) -> int:
    kinds = [_RANK.get(i.resource["resourceType"], len(ORDER)) for i in unit.items]
    return min(kinds, default=len(ORDER))


def import_path(engine: Engine, scope: transfer.Scope, path: Path) -> ImportReport:
    """Import an NDJSON folder (each file all or nothing) or a Bundle (all or nothing)."""
    units = sorted(load(path), key=_rank)
    index = _Index()
    for unit in units:
        for item in unit.items:
            index.add(item)
    refs: dict[Key, int] = {}
    reports = [_import_unit(engine, scope, unit, index, refs) for unit in units]
    return ImportReport(scope.clinic.name, reports)


def _import_unit(
    engine: Engine, scope: transfer.Scope, unit: Unit, index: _Index, refs: dict[Key, int]
) -> UnitReport:
    report = UnitReport(unit.name, resources=len(unit.items), rejected=list(unit.issues))
    items = sorted(unit.items, key=lambda i: _RANK.get(i.resource["resourceType"], len(ORDER)))
    try:
        with transfer.import_into(engine, scope) as writer:
            importer = _Importer(writer, index, refs)
            for item in items:
                try:
                    parse_resource(item.resource, item.path)
                    importer.one(item, report)
                except ResourceErrors as exc:
                    report.rejected += [Issue(p, m) for p, m in exc.issues]
                except Rejected as exc:
                    report.rejected += exc.issues
                except PinpointError as exc:
                    report.rejected.append(Issue(item.path, exc.message))
            if report.rejected:
                raise _Rollback
    except _Rollback:
        report.created = report.existing = 0
        return report
    refs.update(importer.new)
    report.committed = True
    return report
