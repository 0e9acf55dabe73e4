"""From a ZIP code to the jurisdiction whose law applies there (offline, ``zipcodes``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pinpoint.errors import InvalidInput
from pinpoint.law.jurisdictions import BY_CODE

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


def state_for_zip(text: str) -> str:
    """The USPS jurisdiction code of a 5-digit ZIP (ZIP+4 is cut to 5), or InvalidInput."""
    match = _ZIP.match(text.strip())
    if match is None:
        raise InvalidInput(
            f"{text.strip()!r} is not a ZIP code: enter 5 digits, for example 80202.", field="zip"
        )
    five = match.group(1)
    import zipcodes  # loads its table on import; only pay for it when asked

    matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching
    found = matching(five)
    if not found:
        raise InvalidInput(f"ZIP code {five} is not a US ZIP code in use.", field="zip")
    state = str(found[0]["state"])
    if state not in BY_CODE:
        raise InvalidInput(
            f"ZIP code {five} is in {state}, which Pinpoint does not cover yet.", field="zip"
        )
    return state
