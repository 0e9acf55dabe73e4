"""A practitioner's name as the directory shows it, from the NPPES name fields."""

from __future__ import annotations


def display_name(
    first: str | None, middle: str | None, last: str, suffix: str | None = None
) -> str:
    """The name parts that are on record, in reading order."""
    return " ".join(part for part in (first, middle, last, suffix) if part)
