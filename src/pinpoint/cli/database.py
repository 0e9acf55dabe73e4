"""Opening the configured database for a command: checked, migrated, warnings on stderr."""

from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

_OPENED: weakref.WeakSet[Engine] = weakref.WeakSet()


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {' '.join(message.split())}\n")


def open_engine() -> Engine:
    """The configured database, after ``pinpoint.db.preflight`` found it writable."""
    from pinpoint.config import get_settings
    from pinpoint.db.preflight import open_database

    engine, warnings = open_database(get_settings())
    for message in warnings:
        warn(message)
    _OPENED.add(engine)
    return engine


def close_engines() -> None:
    """Close every database connection the command opened (SQLite folds its write-ahead
    log into the file as its last connection closes)."""
    for engine in list(_OPENED):
        engine.dispose()
