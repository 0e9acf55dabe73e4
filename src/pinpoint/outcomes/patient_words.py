"""A patient's progress in plain words, for the patient.

"Your pain has dropped 3 points since you started, from 7 to 4 out of 10. A drop of 2
points, or of 30 % of where you started, is a meaningful change for most people with low
back pain." The MCID is worded as guidance from studies of many people, never as a
verdict; a worsening beyond it asks the patient to tell their clinician.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.display import shown
from pinpoint.outcomes.schemas import Change
from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode

# (what the score is about, whether the words are plural)
TOPICS: dict[InstrumentCode, tuple[str, bool]] = {
    InstrumentCode.NPRS: ("your pain", False),
    InstrumentCode.ODI: ("your back pain disability score (Oswestry)", False),
    InstrumentCode.NDI: ("your neck pain disability score (Neck Disability Index)", False),
    InstrumentCode.PHQ9: ("your mood score (PHQ-9)", False),
    InstrumentCode.PSFS: ("your ratings of the activities you chose", True),
    InstrumentCode.PHQ2: ("your mood screening score (PHQ-2)", False),
}
GUIDE = (
    "That figure comes from studies of many people: it is a guide, not a verdict about you. "
    "Talk it over with your clinician."
)


@dataclass(frozen=True)
class ProgressWords:
    instrument: InstrumentCode
    headline: str
    meaningful: str
    reading: str
    guide: str = GUIDE

    @property
    def sentences(self) -> list[str]:
        return [self.headline, self.meaningful, self.reading, self.guide]


def progress_words(change: Change) -> ProgressWords:
    """The change from the first assessment to the latest, told to the patient."""
    spec = get_instrument(change.instrument)
    topic, plural = TOPICS[change.instrument]
    better_drop = spec.better is Better.LOWER
    return ProgressWords(
        change.instrument,
        _headline(change, topic[0].upper() + topic[1:], plural),
        _meaningful(change, "drop" if better_drop else "rise"),
        _reading(change),
    )


def _span(change: Change, *values: float) -> str:
    """'7 to 4 out of 10', '48 % to 26 %': the values on the change's scale."""
    if change.scale in ("percent", "percentage points"):
        return " to ".join(f"{shown(v)} %" for v in values)
    top = 50 if change.scale == "raw" else get_instrument(change.instrument).score_max
    return " to ".join(shown(v) for v in values) + f" out of {top}"


def _points(value: float) -> str:
    return f"{shown(value)} point" + ("" if shown(value) == "1" else "s")


def _headline(change: Change, topic: str, plural: bool) -> str:
    have = "have" if plural else "has"
    average = " on average" if change.instrument is InstrumentCode.PSFS else ""
    if change.direction == "unchanged":
        be, it = ("are", "they") if plural else ("is", "it")
        was = "were" if plural else "was"
        return f"{topic} {be} where {it} {was} when you started: {_span(change, change.before)}."
    verb = "dropped" if change.change < 0 else "risen"
    return (
        f"{topic} {have} {verb} {_points(abs(change.change))}{average} since you started, "
        f"from {_span(change, change.before, change.after)}."
    )


def _meaningful(change: Change, way: str) -> str:
    mcid = change.mcid
    threshold = f"A {way} of {_points(mcid.points)}"
    if mcid.percent is not None:
        threshold += f", or of {shown(mcid.percent)} % of where you started,"
    who = "most people"
    if mcid.condition is not Condition.ANY:
        who += " with " + mcid.condition.value.replace("_", " ")
    return f"{threshold} is a meaningful change for {who}."


def _reading(change: Change) -> str:
    if change.meets_mcid:
        return "Your change so far is at least that large."
    if change.worsened_beyond_mcid:
        return (
            "Your score has moved the other way by at least that much: please tell your clinician."
        )
    return "Your change so far is smaller than that; a smaller change can still matter to you."
