"""Clinical codes in words, for pages and printed reports alike."""

from __future__ import annotations

_WORDS = {
    "sacroiliac_pelvic": "Sacroiliac / pelvic",
    "with_estim": "With electrical stimulation",
    "clinic_admin": "Clinic admin",
    "metal_or_latex_allergy": "Metal or latex allergy",
    "pacemaker_with_estim": "Pacemaker (with e-stim)",
    "thorax_lung_field": "Needling over the thorax / lung field",
    "pain_during": "Pain during needling",
    "pain_after": "Pain after needling",
    "follow_up": "Follow-up",
    "phq2_positive": "After a positive PHQ-2",
}


def human(code: object) -> str:
    """A code as words: ``upper_trapezius`` -> ``Upper trapezius``."""
    text = str(code)
    return _WORDS.get(text) or text.replace("_", " ").capitalize()
