"""How the clinic pages word codes, and how their pickers group them."""

from __future__ import annotations

from pinpoint.care.codes import ABSOLUTE_FINDINGS, Finding, Muscle

_WORDS = {
    "sacroiliac_pelvic": "Sacroiliac / pelvic",
    "with_estim": "With electrical stimulation",
    "clinic_admin": "Clinic admin",
    "metal_or_latex_allergy": "Metal or latex allergy",
    "pacemaker_with_estim": "Pacemaker (with e-stim)",
    "thorax_lung_field": "Needling over the thorax / lung field",
    "pain_during": "Pain during needling",
    "pain_after": "Pain after needling",
}
SIDE_SHORT = {"left": "L", "right": "R", "bilateral": "both sides", "midline": "midline"}


def human(code: object) -> str:
    """A code as words: ``upper_trapezius`` -> ``Upper trapezius``."""
    text = str(code)
    return _WORDS.get(text) or text.replace("_", " ").capitalize()


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
