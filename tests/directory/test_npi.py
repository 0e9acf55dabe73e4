"""The NPI check digit (Luhn over the 80840 prefix), exhaustively and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.directory.npi import is_valid_npi, make_npi, npi_check_digit

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
