"""How the clinic pages word codes, and how their pickers group them."""

from __future__ import annotations

from pinpoint.care.codes import ABSOLUTE_FINDINGS, Finding, Muscle
from pinpoint.care.words import human

__all__ = ["FINDING_GROUPS", "MUSCLE_GROUPS", "SIDE_SHORT", "human"]

SIDE_SHORT = {"left": "L", "right": "R", "bilateral": "both sides", "midline": "midline"}


def _group(first: Muscle, last: Muscle) -> tuple[Muscle, ...]:
    members = list(Muscle)
    return tuple(members[members.index(first) : members.index(last) + 1])


MUSCLE_GROUPS: tuple[tuple[str, tuple[Muscle, ...]], ...] = (
    ("Neck and upper back", _group(Muscle.UPPER_TRAPEZIUS, Muscle.SERRATUS_POSTERIOR_SUPERIOR)),
    ("Mid and low back", _group(Muscle.THORACIC_ERECTOR_SPINAE, Muscle.LATISSIMUS_DORSI)),
    ("Hip and pelvis", _group(Muscle.GLUTEUS_MAXIMUS, Muscle.HAMSTRINGS)),
)
FINDING_GROUPS: tuple[tuple[str, str, tuple[Finding, ...]], ...] = (
    (
        "absolute",
        "Absolute contraindications (no needling without an override reason)",
        tuple(f for f in Finding if f in ABSOLUTE_FINDINGS),
    ),
    (
        "relative",
        "Relative contraindications and precautions (shown at every session)",
        tuple(f for f in Finding if f not in ABSOLUTE_FINDINGS),
    ),
)
