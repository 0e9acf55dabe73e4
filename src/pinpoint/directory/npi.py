"""The NPI and its check digit: the one place Pinpoint knows how an NPI is checked.

CMS computes the tenth digit of every NPI as an ISO Luhn check digit over the nine-digit
base prefixed with ``80840`` (the card-issuer prefix for US health identifiers). The rule
is written once, as :func:`_luhn_weight`; :func:`npi_check_digit` applies it to one NPI
and :func:`check_digit_of_number` to a whole column (an import, a synthetic file) through
lookup tables built from the same function, so the two cannot drift apart.

Only ASCII digits are digits here: ``str.isdigit`` and ``int`` also accept a superscript
two or the Arabic-Indic digits (U+0660 to U+0669), which are not NPIs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pinpoint.errors import InvalidInput

if TYPE_CHECKING:
    import polars as pl

NPI_PREFIX = "80840"
_ASCII_DIGITS = frozenset("0123456789")
BASE_LENGTH = 9


def is_ascii_digits(text: str, length: int) -> bool:
    """True when ``text`` is exactly ``length`` characters, each one of ``0``-``9``."""
    return len(text) == length and _ASCII_DIGITS.issuperset(text)


def _luhn_weight(position_from_right: int, digit: int) -> int:
    """What one digit adds to the Luhn sum; position 0 is the digit left of the check digit.

    Every other digit from there on is doubled, and a doubled digit above 9 counts as the
    sum of its two digits (that is, minus 9).
    """
    if position_from_right % 2 == 0:
        digit *= 2
        return digit - 9 if digit > 9 else digit
    return digit


# The Luhn contribution of the "80840" prefix ahead of any 9-digit base (24).
_PREFIX_SUM = sum(_luhn_weight(BASE_LENGTH + i, int(d)) for i, d in enumerate(reversed(NPI_PREFIX)))


def npi_check_digit(base: str) -> int:
    """The check digit for a 9-digit NPI base (CMS example: ``123456789`` -> 3)."""
    if not is_ascii_digits(base, BASE_LENGTH):
        raise ValueError(f"an NPI base is 9 ASCII digits, got {base!r}")
    total = _PREFIX_SUM + sum(
        _luhn_weight(position, int(char)) for position, char in enumerate(reversed(base))
    )
    return (10 - total % 10) % 10


def make_npi(base: str) -> str:
    """The full 10-digit NPI for a 9-digit base."""
    return f"{base}{npi_check_digit(base)}"


def is_valid_npi(npi: str) -> bool:
    """True for 10 ASCII digits whose last digit is the NPI check digit."""
    return is_ascii_digits(npi, BASE_LENGTH + 1) and npi_check_digit(npi[:9]) == int(npi[9])


def parse_npi(text: str, *, field: str = "npi") -> str:
    """A valid NPI from user input (spaces around it ignored), or InvalidInput naming the field."""
    value = str(text).strip()
    if not is_ascii_digits(value, BASE_LENGTH + 1):
        raise InvalidInput(f"an NPI is 10 digits 0-9, got {text!r}", field=field)
    if not is_valid_npi(value):
        raise InvalidInput(f"NPI {value} has a wrong check digit", field=field)
    return value


def npi_check_digit_expr(base: pl.Expr) -> pl.Expr:
    """:func:`npi_check_digit` of a column of 9-digit bases, vectorised (null if malformed)."""
    import polars as pl

    shaped = base.str.contains(f"^[0-9]{{{BASE_LENGTH}}}$")
    return check_digit_of_number(pl.when(shaped).then(base.str.to_integer(strict=False)))


def check_digit_of_number(base: pl.Expr) -> pl.Expr:
    """The check digit of each 9-digit base given as a number (null stays null).

    Each digit is looked up in a table of :func:`_luhn_weight` (so the rule is the same as
    :func:`npi_check_digit`'s): whole-number arithmetic over the column, where slicing the
    text digit by digit cost ten times as much.
    """
    import polars as pl

    total: pl.Expr = pl.lit(_PREFIX_SUM, dtype=pl.Int64)
    for position, table in enumerate(_weight_tables()):
        total = total + pl.lit(table).gather((base // 10**position) % 10)
    return (10 - total % 10) % 10


def npi_number_expr(npi: pl.Expr) -> pl.Expr:
    """Each NPI as a number when it is 10 ASCII digits, else null (a column to compute
    once and hand to :func:`is_valid_npi_number`)."""
    import polars as pl

    shaped = npi.str.contains(f"^[0-9]{{{BASE_LENGTH + 1}}}$")
    return pl.when(shaped).then(npi.str.to_integer(strict=False))


def is_valid_npi_number(number: pl.Expr) -> pl.Expr:
    """Whether each NPI number (:func:`npi_number_expr`) ends in its check digit; false
    for null."""
    return (number % 10 == check_digit_of_number(number // 10)).fill_null(False)


def is_valid_npi_expr(npi: pl.Expr) -> pl.Expr:
    """:func:`is_valid_npi` of a column, vectorised: false (never null) unless 10 ASCII
    digits ending in the right check digit."""
    return is_valid_npi_number(npi_number_expr(npi))


@cache
def _weight_tables() -> tuple[pl.Series, ...]:
    """Per position from the right (0: left of the check digit), what each digit adds."""
    import polars as pl

    return tuple(
        pl.Series([_luhn_weight(position, d) for d in range(10)], dtype=pl.Int64)
        for position in range(BASE_LENGTH)
    )
