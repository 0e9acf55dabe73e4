"""NPI check digit: the ISO Luhn check over the NPI with its ``80840`` card-issuer prefix.

CMS computes the tenth digit of every NPI as a Luhn check digit as if the number were
prefixed with ``80840``; without the prefix that is the same as adding 24 to the Luhn sum.
"""

from __future__ import annotations

NPI_PREFIX = "80840"
_PREFIX_SUM = 24  # the Luhn contribution of "80840" ahead of a 9-digit base


def _luhn_sum(base: str) -> int:
    """Luhn sum of a digit string whose check digit will be appended to its right."""
    total = 0
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:  # rightmost base digit is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def npi_check_digit(base: str) -> int:
    """The check digit for a 9-digit NPI base (CMS example: ``123456789`` -> 3)."""
    if len(base) != 9 or not base.isascii() or not base.isdigit():
        raise ValueError(f"an NPI base is 9 digits, got {base!r}")
    return (10 - (_luhn_sum(base) + _PREFIX_SUM) % 10) % 10


def make_npi(base: str) -> str:
    """The full 10-digit NPI for a 9-digit base."""
    return f"{base}{npi_check_digit(base)}"


def is_valid_npi(npi: str) -> bool:
    """True for 10 ASCII digits whose last digit is the NPI check digit."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    return npi_check_digit(npi[:9]) == int(npi[9])
