"""Query parameters documented in OpenAPI and read by hand.

On the hot search routes FastAPI's per-parameter validation cost more than the search: those
routes document their query with :func:`query_parameter` (``openapi_extra``) and read
``request.query_params`` themselves; the domain checks every value and answers a bad one
with InvalidInput naming it (422).
"""

from __future__ import annotations


def query_parameter(
    name: str,
    kind: str,
    description: str,
    default: object = None,
    *,
    required: bool = False,
    **schema: object,
) -> dict[str, object]:
    """One OpenAPI query parameter (``kind``: its JSON schema type)."""
    body: dict[str, object] = {"type": kind, **schema}
    if default is not None:
        body["default"] = default
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": body,
        "description": description,
    }
