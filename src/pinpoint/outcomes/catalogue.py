"""The shipped instruments and MCIDs, loaded once from the data files and looked up by code."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from pinpoint.errors import DataError, InvalidInput
from pinpoint.outcomes.data_schema import Instrument, McidData, McidFile
from pinpoint.outcomes.vocabulary import Condition, InstrumentCode

DATA_DIR = resources.files("pinpoint.outcomes") / "data"


def _read(name: str) -> dict[str, Any]:
    path = DATA_DIR.joinpath(*name.split("/"))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"outcomes data file {name} is invalid: {exc}") from exc


@cache
def instruments() -> dict[InstrumentCode, Instrument]:
    """Every instrument, by code; the data files must match ``InstrumentCode`` exactly."""
    found: dict[InstrumentCode, Instrument] = {}
    for code in InstrumentCode:
        name = f"instruments/{code.value}.toml"
        try:
            instrument = Instrument.model_validate(_read(name))
        except ValidationError as exc:
            raise DataError(f"outcomes data file {name} is invalid: {exc}") from exc
        if instrument.code is not code:
            raise DataError(f"outcomes data file {name} describes {instrument.code}")
        found[code] = instrument
    return found


@cache
def mcids() -> tuple[McidData, ...]:
    """Every MCID, with at most one default per instrument."""
    try:
        rows = McidFile.model_validate(_read("mcids.toml")).mcids
    except ValidationError as exc:
        raise DataError(f"outcomes data file mcids.toml is invalid: {exc}") from exc
    defaults = [m.instrument for m in rows if m.default]
    if len(defaults) != len(set(defaults)):
        raise DataError("mcids.toml names two defaults for one instrument")
    return tuple(rows)


def instrument_code(value: object) -> InstrumentCode:
    """The instrument a caller named (any case), or InvalidInput naming the choices."""
    text = value.strip().lower() if isinstance(value, str) else ""
    try:
        return InstrumentCode(text)
    except ValueError:
        choices = ", ".join(c.value for c in InstrumentCode)
        raise InvalidInput(
            f"unknown instrument {value!r}: use one of {choices}", field="instrument"
        ) from None


def get_instrument(value: object) -> Instrument:
    """The instrument named by ``value`` (``"odi"``, ``"PHQ9"``...)."""
    return instruments()[instrument_code(value)]


def mcid_for(code: InstrumentCode, condition: Condition | None = None) -> McidData:
    """The MCID for an instrument in a condition (the instrument's default when None)."""
    rows = [m for m in mcids() if m.instrument is code]
    if condition is None:
        chosen = [m for m in rows if m.default]
    else:
        chosen = [m for m in rows if m.condition in (condition, Condition.ANY)]
        chosen.sort(key=lambda m: m.condition is Condition.ANY)
    if not chosen:
        known = ", ".join(m.condition.value for m in rows) or "none"
        raise InvalidInput(
            f"no published MCID for {code.value} in {condition or 'any condition'} "
            f"(known: {known})",
            field="condition",
        )
    return chosen[0]
