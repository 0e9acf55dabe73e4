"""What a patient is told before consenting to dry needling, and what the state adds.

Every consent form carries the standard disclosure. Where the law of the clinic's state
requires the patient's consent to be given in writing (law base:
``requirements.written_consent``), the form says so and adds the state's conditions as
the law base words them (``requirements.notes``). Where the law forbids handing the
needling to anyone else (``requirements.may_delegate`` false), the form says that only
the licensed practitioner will place the needles.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinpoint.law.schemas import LawStatus

STANDARD_DISCLOSURE = (
    "Dry needling places thin, solid, sterile single-use needles into muscle to ease pain "
    "and stiffness. It is part of your physical therapy plan; it is not acupuncture. "
    "Common effects are short-lived: soreness, bruising, a little bleeding, or pain during "
    "or after the session; some people feel tired, faint or emotional. Rare but serious "
    "risks include a collapsed lung (pneumothorax) when needling near the chest, nerve "
    "injury and infection. You may ask questions, decline, or stop at any time, and your "
    "other care will not change."
)


@dataclass(frozen=True)
class Disclosure:
    written_required: bool
    text: str


def _written(law: LawStatus) -> str:
    citation = f" ({law.citation})" if law.citation else ""
    text = (
        f"{law.jurisdiction_name} law{citation} requires your informed consent to dry "
        "needling in writing, on this signed form; you may keep a copy."
    )
    notes = law.requirements.notes
    return f"{text} What the state requires: {notes}" if notes else text


def _not_delegated(law: LawStatus) -> str:
    return (
        f"{law.jurisdiction_name} law does not allow dry needling to be handed to an "
        "assistant or anyone else: only the licensed practitioner who treats you will "
        "place the needles."
    )


def disclosure_for(law: LawStatus) -> Disclosure:
    """The disclosure for a clinic in the state the law answer is about."""
    written = bool(law.requirements.written_consent)
    parts = [STANDARD_DISCLOSURE]
    if written:
        parts.append(_written(law))
    if law.requirements.may_delegate is False:
        parts.append(_not_delegated(law))
    return Disclosure(written, "\n\n".join(parts))
