"""The shipped instrument data: sources with dates, published bands, licensing terms."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from pinpoint.outcomes import InstrumentCode, get_instrument, instruments
from pinpoint.outcomes.catalogue import mcids

ALL = list(InstrumentCode)


def test_every_instrument_code_has_a_valid_data_file() -> None:
    assert set(instruments()) == set(InstrumentCode)


@pytest.mark.parametrize("code", ALL)
def test_every_instrument_records_what_was_checked_and_when(code: InstrumentCode) -> None:
    spec = get_instrument(code)
    assert spec.checks
    for check in spec.checks:
        assert check.source
        assert check.confidence
        assert date(2026, 1, 1) <= check.checked_on <= date.today()


@pytest.mark.parametrize("code", ALL)
def test_published_bands_tile_the_whole_range_without_overlap(code: InstrumentCode) -> None:
    bands = get_instrument(code).bands
    for lower, upper in pairwise(bands):
        assert lower.high + 1 == upper.low
    if bands:
        assert bands[0].low == 0
        assert bands[-1].high == get_instrument(code).score_max


@pytest.mark.parametrize("code", [InstrumentCode.ODI, InstrumentCode.NDI])
def test_licensed_instruments_ship_section_names_only(code: InstrumentCode) -> None:
    spec = get_instrument(code)
    assert all(item.text is None for item in spec.items)
    assert spec.answers is None
    assert "licensed" in spec.licence


@pytest.mark.parametrize("code", [InstrumentCode.PHQ2, InstrumentCode.PHQ9])
def test_public_domain_phq_items_carry_their_wording(code: InstrumentCode) -> None:
    spec = get_instrument(code)
    assert all(item.text for item in spec.items)
    assert spec.answers == {
        "0": "Not at all",
        "1": "Several days",
        "2": "More than half the days",
        "3": "Nearly every day",
    }


def test_phq9_item_9_is_the_self_harm_item() -> None:
    spec = get_instrument("phq9")
    assert spec.safety_item == 9
    assert "hurting yourself" in (spec.item(9).text or "")


def test_phq2_items_are_the_first_two_phq9_items() -> None:
    assert get_instrument("phq2").items == get_instrument("phq9").items[:2]


@pytest.mark.parametrize(
    ("code", "panel", "total", "verified"),
    [
        ("odi", "97908-8", "97909-6", True),
        ("ndi", "82226-2", "82237-9", True),
        ("nprs", None, "72514-3", True),
        ("phq9", "44249-1", "44261-6", False),
        ("phq2", "55757-9", "55758-7", False),
    ],
)
def test_loinc_codes_from_the_reference_say_whether_verified(
    code: str, panel: str | None, total: str, verified: bool
) -> None:
    loinc = get_instrument(code).loinc
    assert loinc is not None
    assert (loinc.panel, loinc.total, loinc.verified) == (panel, total, verified)


def test_psfs_has_no_loinc_code() -> None:
    assert get_instrument("psfs").loinc is None


def test_ndi_item_loinc_codes_follow_the_sections() -> None:
    loinc = get_instrument("ndi").loinc
    assert loinc is not None
    assert loinc.items[0] == "82227-0"
    assert loinc.items[-1] == "82236-1"
    assert len(loinc.items) == 10


def test_every_mcid_cites_its_source_and_date() -> None:
    for mcid in mcids():
        assert mcid.citation
        assert mcid.checked_on <= date.today()


def test_the_instrument_version_travels_with_every_result() -> None:
    versions = {code: get_instrument(code).version for code in ALL}
    assert versions[InstrumentCode.ODI] == "ODI 2.1a"
    assert len(set(versions.values())) == len(ALL)
