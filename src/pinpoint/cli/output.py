"""Printing results: JSON for scripts, rich tables for people."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def print_json(value: BaseModel | dict[str, Any] | list[Any]) -> None:
    import orjson

    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False)
