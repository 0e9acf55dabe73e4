"""HTML forms of the clinic pages: what was typed, and how it becomes a domain input shape.

A :class:`FormState` keeps every submitted value so a refused form comes back as the user
left it. The ``*_input`` functions turn a form into the same pydantic shapes the JSON API
takes (``care.schemas``); a validation failure becomes :class:`InvalidInput` naming the
form field, so routes handle it like any other domain error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pinpoint.care.schemas import (
    AdverseEventCreate,
    ConsentCreate,
    EpisodeCreate,
    PatientCreate,
    PlanCreate,
    ScreeningCreate,
    SessionCreate,
)
from pinpoint.errors import InvalidInput
from pinpoint.inputs import is_ascii_digits

M = TypeVar("M", bound=BaseModel)

MIN_MUSCLE_ROWS = 6
MAX_MUSCLE_ROWS = 40
ADD_ROW = "add_row"
_ICD_SPLIT = re.compile(r"[\s,;]+")

# What a person calls each field, for messages such as "Needler NPI: ...".
FIELD_LABELS = {
    "mrn": "MRN",
    "given_name": "Given name",
    "family_name": "Family name",
    "birth_date": "Date of birth",
    "sex": "Sex",
    "phone": "Phone",
    "email": "Email",
    "region": "Body region",
    "icd10": "ICD-10-CM codes",
    "started_on": "Start date",
    "ended_on": "End date",
    "components": "Plan components",
    "frequency": "Frequency",
    "goals": "Goals",
    "findings": "Findings",
    "override_reason": "Override reason",
    "signed_on": "Signed on",
    "signed_by": "Signed by",
    "form_version": "Form version",
    "performed_on": "Session date",
    "practitioner_npi": "Needler NPI",
    "muscles": "Muscles",
    "technique": "Technique",
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "co_interventions": "Co-interventions",
    "notes": "Notes",
    "type": "Event type",
    "severity": "Severity",
    "onset_on": "Onset",
    "duration": "Duration",
    "action_taken": "Action taken",
    "description": "Description",
}
_FRIENDLY = {
    "practitioner_npi": "an NPI is 10 digits",
    "phone": "use digits and + ( ) . / - x",
    "email": "not an email address",
}


@dataclass
class FormState:
    """A form's submitted values (every value of each name) and what was wrong with it."""

    data: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    error_field: str | None = None

    @classmethod
    def of(cls, items: Iterable[tuple[str, Any]]) -> FormState:
        data: dict[str, list[str]] = {}
        for name, value in items:
            if isinstance(value, str):
                data.setdefault(name, []).append(value)
        return cls(data)

    @classmethod
    def initial(cls, values: Mapping[str, str | list[str]]) -> FormState:
        return cls({k: list(v) if isinstance(v, list) else [v] for k, v in values.items()})

    def value(self, name: str, default: str = "") -> str:
        values = self.data.get(name)
        return values[-1] if values else default

    def values(self, name: str) -> list[str]:
        return self.data.get(name, [])

    def checked(self, name: str, code: str = "on") -> bool:
        return code in self.data.get(name, [])

    def invalid(self, name: str) -> bool:
        return self.error_field == name

    def refuse(self, exc: InvalidInput | Exception, field: str | None = None) -> None:
        self.error = getattr(exc, "message", str(exc))
        self.error_field = getattr(exc, "field", None) or field


def _clean(value: str) -> str | None:
    text = value.strip()
    return text or None


def validate(model: type[M], payload: dict[str, Any]) -> M:
    """The payload as ``model``, or InvalidInput naming the first wrong field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(part) for part in first.get("loc", ())]
        name = loc[0] if loc else None
        label = FIELD_LABELS.get(name or "", name or "form")
        message = (
            _FRIENDLY.get(name or "") if first.get("type") == "string_pattern_mismatch" else None
        )
        text = message or str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        raise InvalidInput(f"{label}: {text}", field=name) from None


def _optional(form: FormState, *names: str) -> dict[str, str | None]:
    return {name: _clean(form.value(name)) for name in names}


def patient_input(form: FormState) -> PatientCreate:
    payload = _optional(form, "mrn", "given_name", "family_name", "birth_date", "sex")
    payload.update(_optional(form, "phone", "email"))
    return validate(PatientCreate, payload)


def episode_input(form: FormState) -> EpisodeCreate:
    codes = [c for c in _ICD_SPLIT.split(form.value("icd10")) if c]
    payload: dict[str, Any] = _optional(form, "region", "started_on", "ended_on")
    payload["icd10"] = codes
    return validate(EpisodeCreate, payload)


def plan_input(form: FormState) -> PlanCreate:
    payload: dict[str, Any] = _optional(form, "frequency", "goals")
    payload["components"] = form.values("components")
    return validate(PlanCreate, payload)


def screening_input(form: FormState) -> ScreeningCreate:
    return validate(
        ScreeningCreate,
        {
            "findings": form.values("findings"),
            "override_reason": _clean(form.value("override_reason")),
        },
    )


def consent_input(form: FormState) -> ConsentCreate:
    return validate(ConsentCreate, _optional(form, "signed_on", "signed_by", "form_version"))


# ---- the session form ---------------------------------------------------------------------


@dataclass(frozen=True)
class MuscleRow:
    """One row of the muscle picker, as shown (index from 0) and as filled in."""

    index: int
    muscle: str = ""
    side: str = "right"
    needles: str = "1"
    twitch: bool = False

    @property
    def number(self) -> int:
        return self.index + 1


def muscle_rows(form: FormState, extra: int = 0) -> list[MuscleRow]:
    """The rows to show: every submitted row, at least six, plus ``extra`` empty ones."""
    submitted = [
        int(name.removeprefix("muscle_"))
        for name in form.data
        if name.startswith("muscle_")
        and is_ascii_digits(name.removeprefix("muscle_"))
        and len(name) < 12
    ]
    count = max([MIN_MUSCLE_ROWS, *[i + 1 for i in submitted if i < MAX_MUSCLE_ROWS]]) + extra
    return [
        MuscleRow(
            index=i,
            muscle=form.value(f"muscle_{i}"),
            side=form.value(f"side_{i}", "right"),
            needles=form.value(f"needles_{i}", "1"),
            twitch=form.checked(f"twitch_{i}"),
        )
        for i in range(min(count, MAX_MUSCLE_ROWS))
    ]


def _muscles(form: FormState) -> list[dict[str, Any]]:
    chosen = [row for row in muscle_rows(form) if row.muscle]
    if not chosen:
        raise InvalidInput("Muscles: choose at least one muscle needled", field="muscles")
    muscles = []
    for row in chosen:
        needles = row.needles.strip()
        if not is_ascii_digits(needles) or len(needles) > 4:
            raise InvalidInput(
                f"Muscles: needles in row {row.number} must be a whole number", field="muscles"
            )
        muscles.append(
            {"muscle": row.muscle, "side": row.side, "needles": int(needles), "twitch": row.twitch}
        )
    return muscles


def session_input(form: FormState) -> SessionCreate:
    payload: dict[str, Any] = _optional(
        form, "performed_on", "practitioner_npi", "technique", "pain_before", "pain_after", "notes"
    )
    payload["muscles"] = _muscles(form)
    payload["co_interventions"] = form.values("co_interventions")
    try:
        return validate(SessionCreate, payload)
    except InvalidInput as exc:
        if exc.field == "muscles":  # e.g. "needles: at most 100", keep the row's story short
            raise InvalidInput(
                f"Muscles: {exc.message.split(': ', 1)[-1]}", field="muscles"
            ) from None
        raise


def adverse_event_input(form: FormState) -> AdverseEventCreate:
    payload: dict[str, Any] = _optional(
        form, "type", "severity", "onset_on", "description", "duration", "action_taken"
    )
    payload["resolved"] = form.checked("resolved")
    return validate(AdverseEventCreate, payload)
