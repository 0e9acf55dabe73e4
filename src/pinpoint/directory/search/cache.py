"""One search index per database, kept fresh by a background check so no search waits.

The index is built from the database on first use (servers build it at startup) and
replaced when the directory changes: a cheap fingerprint (row counts of practitioners,
courses and board filings, the last import run) is compared by a background thread at most
every ``CHECK_INTERVAL_S`` seconds, so a search never waits on the database; writers in
this process call :func:`invalidate` to drop it at once. This module imports no numpy or
scipy until an index is built, so an importer can tell it about a change cheaply.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from pinpoint.directory import geo

if TYPE_CHECKING:
    from pinpoint.directory.search.index import DirectoryIndex

CHECK_INTERVAL_S = 2.0

log = logging.getLogger(__name__)

_FINGERPRINT_SQL = text(
    "SELECT (SELECT COUNT(*) FROM practitioners), (SELECT COUNT(*) FROM training_credentials),"
    " (SELECT COUNT(*) FROM board_filings), (SELECT MAX(id) FROM import_runs)"
)


@dataclass
class _Entry:
    index: DirectoryIndex
    fingerprint: tuple[object, ...]
    checked_at: float
    checking: bool = False


_INDEXES: dict[str, _Entry] = {}
_BUILD_LOCK = threading.Lock()
_KEYS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def engine_key(engine: Engine) -> str:
    """Engines of the same database share one index."""
    found = _KEYS.get(engine)
    if found is None:
        found = _KEYS[engine] = engine.url.render_as_string(hide_password=False)
    return found


def _fingerprint(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        row = conn.execute(_FINGERPRINT_SQL).one()
    return tuple(row)


def _built(engine: Engine, warmed: bool) -> DirectoryIndex:
    from pinpoint.directory.search.build import build_index

    index = build_index(engine)
    if warmed:
        index.warm(date.today())
    return index


def current_index(engine: Engine) -> DirectoryIndex:
    """The index for this database, kept fresh without making searches wait.

    The first call builds the index. After that a search never touches the database: at
    most every ``CHECK_INTERVAL_S`` seconds one background thread compares the cheap
    fingerprint and, if the directory changed, builds the new index and swaps it in while
    searches go on answering from the old one. :func:`invalidate` drops it at once.
    """
    key = engine_key(engine)
    entry = _INDEXES.get(key)
    if entry is None:
        with _BUILD_LOCK:
            entry = _INDEXES.get(key)
            if entry is None:
                fingerprint = _fingerprint(engine)
                entry = _Entry(_built(engine, warmed=False), fingerprint, time.monotonic())
                _INDEXES[key] = entry
        return entry.index
    if not entry.checking and time.monotonic() - entry.checked_at >= CHECK_INTERVAL_S:
        with _BUILD_LOCK:
            start = not entry.checking
            entry.checking = True
        if start:
            threading.Thread(
                target=_refresh, args=(engine, key, entry), name="search-index", daemon=True
            ).start()
    return entry.index


def _refresh(engine: Engine, key: str, entry: _Entry) -> None:
    """Compare the fingerprint; rebuild and swap the index if the directory changed."""
    try:
        fingerprint = _fingerprint(engine)
        if fingerprint != entry.fingerprint:
            fresh = _Entry(_built(engine, warmed=True), fingerprint, time.monotonic())
            with _BUILD_LOCK:
                if _INDEXES.get(key) is entry:  # not invalidated meanwhile
                    _INDEXES[key] = fresh
    except Exception:
        log.warning("search index freshness check failed", exc_info=True)
    finally:
        entry.checked_at = time.monotonic()
        entry.checking = False


def cached_index(engine: Engine) -> DirectoryIndex | None:
    """The index already built for this database, if any (never builds)."""
    entry = _INDEXES.get(engine_key(engine))
    return None if entry is None else entry.index


def warm(engine: Engine) -> DirectoryIndex:
    """The index for this database, built with what a default search needs (for startup),
    and the ZIP table every search looks its centre up in."""
    geo.preload()
    index = current_index(engine)
    index.warm(date.today())
    return index


def invalidate(engine: Engine) -> None:
    """Forget the index of this database (call after writing to the directory). The next
    search builds it again; on PostgreSQL, the next PostGIS search also refreshes the
    view it reads (:func:`postgis.ensure_points`)."""
    with _BUILD_LOCK:
        _INDEXES.pop(engine_key(engine), None)
