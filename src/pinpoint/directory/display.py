"""Directory records as people write them: names, credentials, addresses and phone numbers.

NPPES keeps names and places in capitals (``MAYA``, ``RENEE``, ``CAMPBELL``, ``P.T., DPT``,
``1 MAIN ST``); the directory shows "Maya R. Campbell, PT, DPT" and "1 Main St". Text
already in mixed case was typed that way on purpose and is kept. Pure functions: the
search index, the practitioner page and the clinic records all call these.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # letters and digits of any script, O'Brien
_KEEP_UPPER = frozenset(
    {"II", "III", "IV", "V", "VI", "N", "S", "E", "W", "NE", "NW", "SE", "SW", "PO", "US", "LLC"}
)
_SUFFIXES = {"JR": "Jr.", "SR": "Sr."}
# Degrees written in mixed case; every other credential is written in capitals.
_DEGREES = {
    "PHD": "PhD",
    "EDD": "EdD",
    "DSC": "DSc",
    "SCD": "ScD",
    "MSC": "MSc",
    "BSC": "BSc",
    "MED": "MEd",
    "DRPH": "DrPH",
    "PHARMD": "PharmD",
}
_ORDINAL = re.compile(r"^(\d+)(ST|ND|RD|TH)$")


def _shouted(text: str) -> bool:
    """Written in capitals (the NPPES default), so ours to put in mixed case."""
    return text == text.upper()


def _word(word: str) -> str:
    upper = word.upper()
    if upper in _KEEP_UPPER:
        return upper
    ordinal = _ORDINAL.match(upper)
    if ordinal:
        return ordinal.group(1) + ordinal.group(2).lower()
    if upper.startswith("MC") and len(word) > 2:
        return "Mc" + word[2:].capitalize()
    return "'".join(part.capitalize() for part in word.split("'"))  # O'Brien


def title(text: str | None) -> str | None:
    """A name or place in mixed case (``DEMO-YOUNG`` -> ``Demo-Young``), None when blank."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    if not _shouted(text):
        return text
    return _WORD.sub(lambda m: _word(m.group(0)), text.lower())


def credentials(text: str | None) -> str | None:
    """``P.T., D.P.T.`` -> ``PT, DPT``: each credential once, without periods."""
    if text is None:
        return None
    seen: list[str] = []
    for part in re.split(r"[,;/]|\s+", text.replace(".", "")):
        if not part:
            continue
        shown = _DEGREES.get(part.upper(), part.upper() if _shouted(part) else part)
        if shown not in seen:
            seen.append(shown)
    return ", ".join(seen) or None


def person_name(
    first: str | None,
    middle: str | None,
    last: str,
    suffix: str | None = None,
    credential: str | None = None,
) -> str:
    """``MAYA``, ``RENEE``, ``CAMPBELL``, ``PT, DPT`` -> "Maya R. Campbell, PT, DPT".

    The middle name shows as its initial; a suffix follows the last name (``Jr.``, ``III``).
    """
    parts = [title(first)]
    middle_name = title(middle)
    if middle_name:
        parts.append(middle_name[0].upper() + ".")
    parts.append(title(last))
    if suffix and suffix.strip():
        plain = suffix.strip().rstrip(".").upper()
        parts.append(_SUFFIXES.get(plain, plain if plain in _KEEP_UPPER else title(suffix)))
    name = " ".join(p for p in parts if p)
    shown = credentials(credential)
    return f"{name}, {shown}" if shown else name


def phone(digits: str | None) -> str | None:
    """A US number as people write it, ``3035550100`` -> ``(303) 555-0100``; others as given."""
    if digits is None or not digits.strip():
        return None
    only = re.sub(r"[^0-9]", "", digits)
    if len(only) == 11 and only.startswith("1"):
        only = only[1:]
    if len(only) == 10 and only.isascii():
        return f"({only[:3]}) {only[3:6]}-{only[6:]}"
    return digits.strip()
