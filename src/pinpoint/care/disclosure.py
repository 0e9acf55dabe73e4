"""What a patient is told before consenting to dry needling, and what the state adds.

Every consent form carries the standard disclosure. Where the clinic's state requires
written consent (law base: ``requirements.written_consent``), the form says so and adds
the state's conditions as the law base words them (``requirements.notes``).
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


def disclosure_for(law: LawStatus) -> Disclosure:
    """The disclosure for a clinic in the state the law answer is about."""
    written = bool(law.requirements.written_consent)
    if not written:
        return Disclosure(False, STANDARD_DISCLOSURE)
    citation = f" ({law.citation})" if law.citation else ""
    state_text = (
        f"{law.jurisdiction_name} law{citation} requires your informed consent to dry "
        "needling in writing, on this signed form; you may keep a copy."
    )
    notes = f" What the state requires: {law.requirements.notes}" if law.requirements.notes else ""
    return Disclosure(True, f"{STANDARD_DISCLOSURE}\n\n{state_text}{notes}")
