"""ICD-10-CM: billable leaf codes only, with or without the dot, stored with it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.care.icd10 import parse_icd10, parse_icd10_codes
from pinpoint.errors import InvalidInput


@pytest.mark.parametrize(
    ("given_code", "stored"),
    [
        ("M54.50", "M54.50"),
        ("M5450", "M54.50"),
        ("m54.2", "M54.2"),
        (" M79.18 ", "M79.18"),
        ("M62.830", "M62.830"),
        ("G89.29", "G89.29"),
        ("S134XXA", "S13.4XXA"),
    ],
)
def test_billable_codes_are_accepted_and_stored_with_the_dot(given_code: str, stored: str) -> None:
    assert parse_icd10(given_code) == stored


@pytest.mark.parametrize("header", ["M54.5", "M545", "M79.1", "M54", "M51.36"])
def test_header_codes_are_refused_as_not_billable(header: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_icd10(header)
    assert caught.value.field == "icd10"
    assert header in caught.value.message
    assert "not billable" in caught.value.message


@pytest.mark.parametrize("unknown", ["X99.99", "M54.99", "20560", "", "M50-M54", "13", "M54.50x"])
def test_unknown_codes_are_refused_naming_the_code(unknown: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_icd10(unknown)
    assert caught.value.field == "icd10"
    assert repr(unknown) in caught.value.message


def test_a_list_keeps_order_and_drops_duplicates() -> None:
    assert parse_icd10_codes(["M54.2", "m542", "M54.50"]) == ["M54.2", "M54.50"]


@given(st.text(max_size=12))
def test_any_text_is_either_a_dotted_billable_code_or_invalid_input(text: str) -> None:
    try:
        code = parse_icd10(text)
    except InvalidInput as exc:
        field = exc.field
    else:
        field = "icd10"
        assert parse_icd10(code.replace(".", "")) == code
    assert field == "icd10"
