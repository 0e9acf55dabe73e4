"""Checking a list of answers against an instrument before anything is scored.

Answers arrive as JSON values (API) or text (CLI). ``None`` or a blank string is a
missing item. Anything else must be a whole number in the instrument's range, written
with ASCII digits; booleans, fractions, NaN and infinities are refused. Errors name the
item as ``responses[N]``, N being the 1-based item number (the numbering of
``missing_items``), or ``responses`` for the list as a whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NoReturn

from pinpoint.errors import InvalidInput
from pinpoint.outcomes.data_schema import Instrument

Answer = int | None

_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_MAX_DIGITS = 12
_MAX_ACTIVITY = 100


def item_field(number: int) -> str:
    """The error field naming item ``number`` (1-based)."""
    return f"responses[{number}]"


def parse_answers(instrument: Instrument, raw: object) -> tuple[Answer, ...]:
    """The answers as whole numbers (None where missing), or InvalidInput naming the item."""
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise InvalidInput(
            f"responses must be a list of {instrument.item_noun} answers", field="responses"
        )
    _check_count(instrument, len(raw))
    return tuple(_answer(instrument, n, value) for n, value in enumerate(raw, start=1))


def _check_count(instrument: Instrument, count: int) -> None:
    low, high = instrument.min_items, instrument.max_items
    if low <= count <= high:
        return
    want = f"{low}" if low == high else f"{low} to {high}"
    noun = "answer" if want == "1" else "answers"
    raise InvalidInput(
        f"{instrument.version} takes {want} {instrument.item_noun} {noun}, got {count} "
        "(give a blank for a missing one)",
        field="responses",
    )


def _answer(instrument: Instrument, number: int, value: object) -> Answer:
    whole = _whole_number(instrument, number, value)
    if whole is not None and not instrument.item_min <= whole <= instrument.item_max:
        _refuse(instrument, number, f"is out of range, got {_show(value)}")
    return whole


def _whole_number(instrument: Instrument, number: int, value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    whole, problem = _to_int(value)
    if whole is None:
        _refuse(instrument, number, problem)
    return whole


def _to_int(value: object) -> tuple[int | None, str]:
    """The whole number ``value`` stands for, or None and what is wrong with it."""
    if isinstance(value, bool):
        return None, f"must be a number, got {_show(value)}"
    if isinstance(value, int):
        return value, ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value), ""
    text = value.strip() if isinstance(value, str) else ""
    if _WHOLE.fullmatch(text):
        if len(text) > _MAX_DIGITS:
            return None, f"is out of range, got {_show(value)}"
        return int(text), ""
    if isinstance(value, float | str):
        return None, f"must be a whole number, got {_show(value)}"
    return None, f"must be a number, got {type(value).__name__}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _refuse(instrument: Instrument, number: int, problem: str) -> NoReturn:
    low, high = instrument.item_min, instrument.item_max
    raise InvalidInput(
        f"{instrument.item_noun} {number} ({instrument.item(number).name}) {problem}: "
        f"answer a whole number from {low} to {high}, or leave it blank",
        field=item_field(number),
    )


def parse_activities(instrument: Instrument, raw: object, count: int) -> tuple[str, ...] | None:
    """PSFS activity names, one per rating, distinct; None when none were given."""
    if raw is None:
        return None
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise InvalidInput("activities must be a list of names", field="activities")
    if len(raw) != count:
        raise InvalidInput(
            f"give one activity name per rating: {count} ratings, {len(raw)} names",
            field="activities",
        )
    names: list[str] = []
    for n, value in enumerate(raw, start=1):
        name = " ".join(value.split()) if isinstance(value, str) else ""
        if not name or len(name) > _MAX_ACTIVITY:
            raise InvalidInput(
                f"activity {n} needs a name of 1 to {_MAX_ACTIVITY} characters",
                field=f"activities[{n}]",
            )
        if activity_key(name) in {activity_key(x) for x in names}:
            raise InvalidInput(f"activity {n} ({name}) is listed twice", field=f"activities[{n}]")
        names.append(name)
    return tuple(names)


def activity_key(name: str) -> str:
    """How two activity names are matched: case and spacing do not matter."""
    return " ".join(name.split()).casefold()
