"""Published adverse event rates after dry needling (``data/adverse_event_rates.toml``)."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pinpoint.errors import DataError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublishedCount(_Strict):
    severity: str = Field(pattern="^(mild|significant|serious)$")
    events: int = Field(ge=0)
    stated: str = Field(description="What the authors say, in our words.")


class Study(_Strict):
    key: str
    short: str
    citation: str
    population: str
    sessions: int = Field(gt=0)
    checked_on: date
    seen_in: str
    rates: list[PublishedCount]


class _File(_Strict):
    studies: list[Study] = Field(min_length=1)


@cache
def studies() -> tuple[Study, ...]:
    """Every study the dashboard compares with, as shipped."""
    path = resources.files("pinpoint.outcomes") / "data" / "adverse_event_rates.toml"
    try:
        return tuple(_File.model_validate(tomllib.loads(path.read_text("utf-8"))).studies)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DataError(f"outcomes data file adverse_event_rates.toml is invalid: {exc}") from exc
