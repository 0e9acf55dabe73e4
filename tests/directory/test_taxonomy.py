"""Which NUCC taxonomy codes are relevant, and the profession each stands for."""

from __future__ import annotations

import pytest

from pinpoint.directory.taxonomy import is_relevant_taxonomy, profession_for_taxonomy
from pinpoint.law.vocabulary import Profession


@pytest.mark.parametrize(
    ("code", "profession"),
    [
        ("225100000X", Profession.PHYSICAL_THERAPIST),
        ("2251X0800X", Profession.PHYSICAL_THERAPIST),
        ("111N00000X", Profession.CHIROPRACTOR),
        ("111NS0005X", Profession.CHIROPRACTOR),
        ("2255A2300X", Profession.ATHLETIC_TRAINER),
        ("171100000X", Profession.ACUPUNCTURIST),
        ("208100000X", Profession.PHYSICIAN),
        ("2081P2900X", Profession.PHYSICIAN),
        ("208VP0014X", Profession.PHYSICIAN),
        ("204D00000X", Profession.PHYSICIAN),
        (" 225100000x ", Profession.PHYSICAL_THERAPIST),
    ],
)
def test_relevant_codes_map_to_their_profession(code: str, profession: Profession) -> None:
    assert profession_for_taxonomy(code) is profession


@pytest.mark.parametrize(
    "code", ["225200000X", "225X00000X", "207Q00000X", "261QP2000X", "2251", "", "2255A2301X"]
)
def test_other_codes_are_not_relevant(code: str) -> None:
    assert not is_relevant_taxonomy(code)
