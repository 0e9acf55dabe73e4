"""The fixed words of the outcomes domain: instrument codes, conditions, scoring rules."""

from __future__ import annotations

from enum import StrEnum


class InstrumentCode(StrEnum):
    """An assessment's ``instrument`` (reference CODES.md, "Instruments")."""

    NPRS = "nprs"
    ODI = "odi"
    NDI = "ndi"
    PHQ2 = "phq2"
    PHQ9 = "phq9"
    PSFS = "psfs"


class Condition(StrEnum):
    """The population an MCID was estimated in; ``any`` when it does not depend on one."""

    LOW_BACK_PAIN = "low_back_pain"
    NECK_PAIN = "neck_pain"
    CERVICAL_RADICULOPATHY = "cervical_radiculopathy"
    ANY = "any"


class Better(StrEnum):
    """Which way a score moves when the patient is doing better."""

    LOWER = "lower"
    HIGHER = "higher"


class Rule(StrEnum):
    """How an instrument turns its answers into a score (see ``scoring.py``)."""

    TOTAL = "total"
    PERCENT_OF_ANSWERED = "percent_of_answered"
    MEAN_SUBSTITUTED_TOTAL = "mean_substituted_total"
    MEAN = "mean"
