"""A questionnaire as a patient answers it: one question a screen, with its choices.

What may be shown follows each instrument's terms (its data file): the published item
wording for the NPRS, PHQ-2 and PHQ-9, and Pinpoint's own wording for the PSFS; the ODI
and NDI are licensed, so only their section names are shown, with the answer positions
0 to 5 and a note that the clinic's licensed form carries the statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.data_schema import Instrument
from pinpoint.outcomes.records_schemas import AssessmentPublic
from pinpoint.outcomes.responses import parse_activities
from pinpoint.outcomes.vocabulary import InstrumentCode

LICENSED_NOTE = (
    "The statements of this questionnaire are licensed, so Pinpoint does not show them. "
    "Use the printed form your clinic gave you: in each section, find the statement that "
    "fits you best today and choose its position, 0 for the first statement down to 5 for "
    "the last. If you do not have the form, ask your clinic for it."
)
_POSITIONS = ("first", "second", "third", "fourth", "fifth", "sixth")
PSFS_ANCHORS = {0: "Unable to do it", 10: "Able to do it as well as before the problem"}


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class Question:
    """One screen: item ``number`` (1-based), what it asks, and the answers offered."""

    number: int
    title: str
    text: str | None
    choices: tuple[Choice, ...]
    may_skip: bool
    stem: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    instrument: InstrumentCode
    name: str
    version: str
    questions: tuple[Question, ...]
    licensed_note: str | None = None
    activities: tuple[str, ...] | None = None

    @property
    def names_activities(self) -> bool:
        """The PSFS before its activities are named: the patient names them first."""
        return self.instrument is InstrumentCode.PSFS and not self.activities


def questionnaire(code: object, activities: Sequence[str] | None = None) -> Questionnaire:
    """The screens of an instrument; the PSFS needs its 3 to 5 ``activities`` (named by
    the patient at intake, the same ones again at follow-up) to have questions."""
    spec = get_instrument(code)
    if spec.code is InstrumentCode.PSFS:
        named = _named(spec, activities) if activities else ()
        questions = tuple(_activity(spec, n, name) for n, name in enumerate(named, start=1))
        return Questionnaire(spec.code, spec.name, spec.version, questions, activities=named)
    licensed = all(item.text is None for item in spec.items)
    return Questionnaire(
        spec.code,
        spec.name,
        spec.version,
        tuple(_item(spec, n, licensed) for n in range(1, len(spec.items) + 1)),
        licensed_note=LICENSED_NOTE if licensed else None,
    )


def _named(spec: Instrument, activities: Sequence[str]) -> tuple[str, ...]:
    """3 to 5 distinct activity names, or InvalidInput naming ``activities``."""
    if not spec.min_items <= len(activities) <= spec.max_items:
        raise InvalidInput(
            f"name {spec.min_items} to {spec.max_items} activities, got {len(activities)}",
            field="activities",
        )
    return parse_activities(spec, list(activities), len(activities)) or ()


def _item(spec: Instrument, number: int, licensed: bool) -> Question:
    item = spec.item(number)
    return Question(
        number=number,
        title=item.name,
        text=item.text,
        choices=_positions(spec) if licensed else _choices(spec, item.anchors),
        may_skip=spec.max_missing > 0,
        stem=spec.stem,
    )


def _activity(spec: Instrument, number: int, name: str) -> Question:
    return Question(
        number=number,
        title=name,
        text=f"How well can you do this today: {name}?",
        choices=_choices(spec, {str(k): v for k, v in PSFS_ANCHORS.items()}),
        may_skip=False,
    )


def _choices(spec: Instrument, anchors: dict[str, str] | None) -> tuple[Choice, ...]:
    """Each value with its published answer words, or its anchor words at the two ends."""
    values = range(spec.item_min, spec.item_max + 1)
    if spec.answers:
        return tuple(Choice(v, spec.answers[str(v)]) for v in values)
    ends = anchors or {}
    return tuple(Choice(v, f"{v}: {ends[str(v)]}" if str(v) in ends else str(v)) for v in values)


def _positions(spec: Instrument) -> tuple[Choice, ...]:
    """0 to 5, each named by its statement's position on the licensed form."""
    last = spec.item_max
    return tuple(
        Choice(v, f"{v}: the {_POSITIONS[v]} statement" + (", the last" if v == last else ""))
        for v in range(spec.item_min, last + 1)
    )


def activities_to_rerate(earlier: Sequence[AssessmentPublic]) -> tuple[str, ...] | None:
    """The activities a follow-up PSFS rates again: those of the episode's first PSFS
    (None when the patient has not named any yet, so they name them now)."""
    for item in earlier:
        if item.instrument is InstrumentCode.PSFS and item.activities:
            return tuple(item.activities)
    return None
