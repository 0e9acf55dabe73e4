"""NUCC taxonomy codes that make a provider relevant to dry needling, and their profession.

Physical therapists are every ``2251*`` code and chiropractors every ``111N*`` code; athletic
trainers, acupuncturists and the physician specialties are exact codes from the reference
list (physical medicine and rehabilitation, pain medicine, neuromusculoskeletal medicine,
spine surgery).
"""

from __future__ import annotations

from pinpoint.law.vocabulary import Profession

PREFIX_PROFESSIONS: dict[str, Profession] = {
    "2251": Profession.PHYSICAL_THERAPIST,
    "111N": Profession.CHIROPRACTOR,
}

ATHLETIC_TRAINER_CODES = frozenset({"2255A2300X"})
ACUPUNCTURIST_CODES = frozenset({"171100000X"})
PHYSICIAN_CODES = frozenset(
    {
        "208100000X",  # Physical Medicine & Rehabilitation
        "2081H0002X",
        "2081N0008X",
        "2081P0004X",
        "2081P0010X",
        "2081P0301X",
        "2081P2900X",
        "2081S0010X",
        "208VP0000X",  # Pain Medicine
        "208VP0014X",
        "207LP2900X",  # Anesthesiology, Pain Medicine
        "2084P2900X",  # Psychiatry & Neurology, Pain Medicine
        "204D00000X",  # Neuromusculoskeletal Medicine & OMM
        "204C00000X",  # Neuromusculoskeletal Medicine, Sports Medicine
        "207XS0117X",  # Orthopaedic Surgery of the Spine
    }
)

EXACT_PROFESSIONS: dict[str, Profession] = {
    **dict.fromkeys(ATHLETIC_TRAINER_CODES, Profession.ATHLETIC_TRAINER),
    **dict.fromkeys(ACUPUNCTURIST_CODES, Profession.ACUPUNCTURIST),
    **dict.fromkeys(PHYSICIAN_CODES, Profession.PHYSICIAN),
}

TAXONOMY_CODE_LENGTH = 10


def profession_for_taxonomy(code: str) -> Profession | None:
    """The profession a taxonomy code stands for, or None when it is not relevant."""
    code = code.strip().upper()
    if len(code) != TAXONOMY_CODE_LENGTH:
        return None
    exact = EXACT_PROFESSIONS.get(code)
    if exact is not None:
        return exact
    return PREFIX_PROFESSIONS.get(code[:4])


def is_relevant_taxonomy(code: str) -> bool:
    return profession_for_taxonomy(code) is not None
