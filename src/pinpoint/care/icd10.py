"""ICD-10-CM diagnosis codes, checked against the full code set of ``simple-icd-10-cm``.

Only billable codes are accepted: a code must exist and be a leaf of the classification
(``M54.50``), never a chapter, block or header code (``M54.5`` since FY2022).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from pinpoint.errors import InvalidInput

with warnings.catch_warnings():
    # The package imports pkg_resources, which warns on import; nothing we can change.
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as _cm  # type: ignore[import-untyped]

_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def parse_icd10(code: str, *, field: str = "icd10") -> str:
    """The billable code with its dot (``m5450`` -> ``M54.50``), or InvalidInput naming it."""
    text = str(code).strip().upper()
    if not _SHAPE.match(text) or not _cm.is_valid_item(text):
        raise InvalidInput(f"{code!r} is not an ICD-10-CM code", field=field)
    if not _cm.is_category_or_subcategory(text) or not _cm.is_leaf(text):
        raise InvalidInput(
            f"{code!r} is a header code, not billable: use one of its subcodes", field=field
        )
    dotted: str = _cm.add_dot(text)
    return dotted


def parse_icd10_codes(codes: Iterable[str], *, field: str = "icd10") -> list[str]:
    """Each code validated and dotted, duplicates dropped, order kept."""
    result: list[str] = []
    for code in codes:
        dotted = parse_icd10(code, field=field)
        if dotted not in result:
            result.append(dotted)
    return result


def describe_icd10(code: str) -> str:
    """The classification's description of a valid code."""
    description: str = _cm.get_description(code)
    return description
