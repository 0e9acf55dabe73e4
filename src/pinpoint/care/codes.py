"""The clinical codes the API accepts and returns (../shared/reference/clinical/CODES.md).

Each list is a ``StrEnum`` so that schemas validate against it and OpenAPI documents it.
A code not listed here is refused (422).
"""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    """Body region of an episode of care."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACROILIAC_PELVIC = "sacroiliac_pelvic"
    OTHER = "other"


class EpisodeStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class Finding(StrEnum):
    """A screening finding: an absolute contraindication or a relative one (a precaution)."""

    # Absolute contraindications: no needling without a recorded override reason.
    NEEDLE_PHOBIA = "needle_phobia"
    UNWILLING = "unwilling"
    CANNOT_CONSENT = "cannot_consent"
    ACUTE_MEDICAL_CONDITION = "acute_medical_condition"
    LYMPHEDEMA_AREA = "lymphedema_area"
    LOCAL_INFECTION = "local_infection"
    # Relative contraindications and precautions: listed at every session.
    BLEEDING_RISK = "bleeding_risk"
    IMMUNOCOMPROMISED = "immunocompromised"
    VASCULAR_DISEASE = "vascular_disease"
    DIABETES = "diabetes"
    PREGNANCY = "pregnancy"
    CHILD_OR_FRAIL = "child_or_frail"
    EPILEPSY = "epilepsy"
    PSYCHOLOGICAL = "psychological"
    METAL_OR_LATEX_ALLERGY = "metal_or_latex_allergy"
    MEDICATION_REVIEW = "medication_review"
    THORAX_LUNG_FIELD = "thorax_lung_field"
    IMPLANT_NEAR_SITE = "implant_near_site"
    RECENT_SURGERY_NEAR_SITE = "recent_surgery_near_site"
    MALIGNANCY_NEAR_SITE = "malignancy_near_site"
    PACEMAKER_WITH_ESTIM = "pacemaker_with_estim"


ABSOLUTE_FINDINGS: frozenset[Finding] = frozenset(
    {
        Finding.NEEDLE_PHOBIA,
        Finding.UNWILLING,
        Finding.CANNOT_CONSENT,
        Finding.ACUTE_MEDICAL_CONDITION,
        Finding.LYMPHEDEMA_AREA,
        Finding.LOCAL_INFECTION,
    }
)
RELATIVE_FINDINGS: frozenset[Finding] = frozenset(Finding) - ABSOLUTE_FINDINGS


class ScreeningResult(StrEnum):
    """Ordered from least to most severe."""

    CLEAR = "clear"
    PRECAUTIONS = "precautions"
    CONTRAINDICATED = "contraindicated"


class Muscle(StrEnum):
    # Neck and upper back
    UPPER_TRAPEZIUS = "upper_trapezius"
    MIDDLE_TRAPEZIUS = "middle_trapezius"
    LOWER_TRAPEZIUS = "lower_trapezius"
    LEVATOR_SCAPULAE = "levator_scapulae"
    SPLENIUS_CAPITIS = "splenius_capitis"
    SPLENIUS_CERVICIS = "splenius_cervicis"
    SEMISPINALIS_CAPITIS = "semispinalis_capitis"
    SUBOCCIPITALS = "suboccipitals"
    CERVICAL_MULTIFIDUS = "cervical_multifidus"
    STERNOCLEIDOMASTOID = "sternocleidomastoid"
    SCALENES = "scalenes"
    RHOMBOIDS = "rhomboids"
    INFRASPINATUS = "infraspinatus"
    SUPRASPINATUS = "supraspinatus"
    TERES_MAJOR = "teres_major"
    SERRATUS_POSTERIOR_SUPERIOR = "serratus_posterior_superior"
    # Mid and low back
    THORACIC_ERECTOR_SPINAE = "thoracic_erector_spinae"
    THORACIC_MULTIFIDUS = "thoracic_multifidus"
    LUMBAR_ERECTOR_SPINAE = "lumbar_erector_spinae"
    LUMBAR_MULTIFIDUS = "lumbar_multifidus"
    QUADRATUS_LUMBORUM = "quadratus_lumborum"
    LATISSIMUS_DORSI = "latissimus_dorsi"
    # Hip and pelvis
    GLUTEUS_MAXIMUS = "gluteus_maximus"
    GLUTEUS_MEDIUS = "gluteus_medius"
    GLUTEUS_MINIMUS = "gluteus_minimus"
    PIRIFORMIS = "piriformis"
    ILIOPSOAS = "iliopsoas"
    TENSOR_FASCIAE_LATAE = "tensor_fasciae_latae"
    HAMSTRINGS = "hamstrings"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    MIDLINE = "midline"


class Technique(StrEnum):
    STATIC = "static"
    PISTONING = "pistoning"
    WITH_ESTIM = "with_estim"
    SUPERFICIAL = "superficial"


class CoIntervention(StrEnum):
    """Treatments delivered alongside needling; also the components of a plan."""

    DRY_NEEDLING = "dry_needling"
    THERAPEUTIC_EXERCISE = "therapeutic_exercise"
    MANUAL_THERAPY = "manual_therapy"
    STRETCHING = "stretching"
    STRENGTHENING = "strengthening"
    HEAT = "heat"
    MASSAGE = "massage"
    EDUCATION = "education"
    NEUROMUSCULAR_REEDUCATION = "neuromuscular_reeducation"
    JOINT_MOBILIZATION = "joint_mobilization"
    HOME_PROGRAM = "home_program"


class AdverseEventType(StrEnum):
    BRUISING = "bruising"
    BLEEDING = "bleeding"
    PAIN_DURING = "pain_during"
    PAIN_AFTER = "pain_after"
    SORENESS = "soreness"
    SYMPTOM_AGGRAVATION = "symptom_aggravation"
    DROWSINESS = "drowsiness"
    FATIGUE = "fatigue"
    HEADACHE = "headache"
    NAUSEA = "nausea"
    FEELING_FAINT = "feeling_faint"
    ALTERED_EMOTIONS = "altered_emotions"
    NUMBNESS = "numbness"
    ITCHING = "itching"
    PNEUMOTHORAX = "pneumothorax"
    NERVE_INJURY = "nerve_injury"
    INFECTION = "infection"
    BROKEN_NEEDLE = "broken_needle"
    OTHER = "other"


class Severity(StrEnum):
    """Severity classes (White et al., as adopted for dry needling; REFERENCE.md 6.3)."""

    MILD = "mild"
    SIGNIFICANT = "significant"
    SERIOUS = "serious"


# Severities that count as an "adverse incident" a board may require to be reported.
REPORTABLE_SEVERITIES: frozenset[Severity] = frozenset({Severity.SIGNIFICANT, Severity.SERIOUS})


class Sex(StrEnum):
    """Administrative sex, spelled as FHIR's AdministrativeGender."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"
