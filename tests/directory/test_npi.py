"""The NPI check digit (Luhn over the 80840 prefix), exhaustively and by property."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.directory.npi import (
    is_valid_npi,
    is_valid_npi_expr,
    make_npi,
    npi_check_digit,
    parse_npi,
)
from pinpoint.errors import InvalidInput

bases = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _luhn_valid(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_cms_worked_example_has_check_digit_3() -> None:
    assert npi_check_digit("123456789") == 3
    assert make_npi("123456789") == "1234567893"


@pytest.mark.parametrize("npi", ["1234567893", "1558598797", "1497758122", "1952381162"])
def test_known_npis_are_valid(npi: str) -> None:
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["", "123456789", "12345678931", "123456789X", "\uff11234567893"])
def test_malformed_npis_are_invalid(npi: str) -> None:
    assert not is_valid_npi(npi)


@given(bases)
def test_made_npis_are_valid(base: str) -> None:
    assert is_valid_npi(make_npi(base))


@given(bases)
def test_check_digit_equals_plain_luhn_with_the_80840_prefix(base: str) -> None:
    npi = make_npi(base)
    assert _luhn_valid("80840" + npi)


@given(bases, st.integers(min_value=1, max_value=9))
def test_any_other_check_digit_is_invalid(base: str, shift: int) -> None:
    npi = make_npi(base)
    wrong = npi[:9] + str((int(npi[9]) + shift) % 10)
    assert not is_valid_npi(wrong)


@given(bases, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_a_single_changed_digit_is_caught(base: str, position: int, shift: int) -> None:
    npi = make_npi(base)
    changed = npi[:position] + str((int(npi[position]) + shift) % 10) + npi[position + 1 :]
    assert not is_valid_npi(changed)


def test_a_base_must_be_nine_digits() -> None:
    with pytest.raises(ValueError):
        npi_check_digit("12345678")


# Digits Python's str.isdigit() and int() accept that are not ASCII: Arabic-Indic,
# Devanagari, full-width, superscripts.
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
other_digits = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())


def _expr_valid(values: list[str | None]) -> list[bool]:
    frame = pl.DataFrame({"npi": values}, schema={"npi": pl.String})
    return frame.select(is_valid_npi_expr(pl.col("npi")))["npi"].to_list()


@given(bases)
def test_a_valid_npi_in_arabic_indic_digits_is_not_an_npi(base: str) -> None:
    npi = make_npi(base).translate(ARABIC_INDIC)
    assert not is_valid_npi(npi)
    assert _expr_valid([npi]) == [False]
    with pytest.raises(InvalidInput) as caught:
        parse_npi(npi)
    assert caught.value.field == "npi"


@given(bases, st.integers(min_value=0, max_value=9), other_digits)
def test_any_non_ascii_digit_makes_input_invalid_not_a_crash(
    base: str, position: int, digit: str
) -> None:
    npi = make_npi(base)
    odd = npi[:position] + digit + npi[position + 1 :]
    assert not is_valid_npi(odd)
    assert _expr_valid([odd]) == [False]
    with pytest.raises(InvalidInput, match="10 digits 0-9"):
        parse_npi(odd)


@given(st.lists(st.one_of(bases.map(make_npi), st.text(max_size=11), st.none()), max_size=30))
def test_the_vectorised_check_agrees_with_the_scalar_one(values: list[str | None]) -> None:
    expected = [v is not None and is_valid_npi(v) for v in values]
    assert _expr_valid(values) == expected


def test_parse_npi_strips_spaces_and_names_a_wrong_check_digit() -> None:
    assert parse_npi(" 1234567893 ") == "1234567893"
    with pytest.raises(InvalidInput, match="wrong check digit"):
        parse_npi("1234567890")
