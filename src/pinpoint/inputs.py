"""Rules for text that people type, shared by every domain: one place for each fact.

- Numbers and codes (ids, NPIs, ZIP codes, offsets) are ASCII digits only. Python's
  ``str.isdigit`` and ``int`` also accept superscripts and other scripts' digits
  (``'²'``, ``'١٢٣'``), which would pass a check and then fail, or match, somewhere else.
- Names and free text refuse the Unicode bidirectional controls, which can make a name
  display as something else (U+202E turns ``Anna\\u202eredlE`` into "AnnaElder").
"""

from __future__ import annotations

from pinpoint.errors import InvalidInput

# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), and the implicit
# marks that can reorder neighbouring text (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty string of the digits 0-9 and nothing else."""
    return text.isascii() and text.isdigit()


def parse_whole_number(text: str, field: str, *, low: int = 0, high: int = 2**31 - 1) -> int:
    """A whole number typed as ASCII digits, within ``low``..``high``; else InvalidInput."""
    cleaned = text.strip()
    if not is_ascii_digits(cleaned) or len(cleaned) > len(str(high)):
        raise InvalidInput(f"{field} must be a whole number written with 0-9", field=field)
    value = int(cleaned)
    if not low <= value <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}", field=field)
    return value


def has_bidi_controls(text: str) -> bool:
    return any(char in BIDI_CONTROLS for char in text)


def refuse_bidi_controls(text: str, field: str) -> str:
    """The text unchanged, or InvalidInput naming the field when it hides a bidi control."""
    if has_bidi_controls(text):
        raise InvalidInput(
            f"{field} contains an invisible text-direction character (U+202E and the like), "
            "which can disguise what is written",
            field=field,
        )
    return text
