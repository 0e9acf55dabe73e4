"""Reading a first load's file while the database is opened.

Before the first row is read, a command makes its engine, checks the database (the server
answers, the role may write, the schema is current) and imports what that takes: a third
to half a second, a sixth of a first load. When a quick look finds the directory empty,
:func:`start_first_load` starts the pass over the file first, and the import takes it
over (:func:`read.stream_fast`). This module imports no more than that look and the pass
need, so that the pass starts early.
"""

from __future__ import annotations

from pathlib import Path

from pinpoint.db.peek import table_is_empty
from pinpoint.directory.nppes.read import Ahead, read_ahead


def start_first_load(path: Path | str, database_url: str) -> Ahead | None:
    """Start reading ``path`` now if it will be a first load (a ``.csv``, and a directory
    a quick look finds empty); hand the result to :func:`importer.import_nppes`."""
    if table_is_empty(database_url, "practitioners") is not True:
        return None
    return read_ahead(Path(path))
