"""Import of the NPPES NPI Downloadable File into the practitioner directory.

- :mod:`.importer`: :func:`import_nppes`, the whole import in one transaction;
- :mod:`.ahead`: the pass over a first load's file, started before the database is open;
- :mod:`.columns`: the file's header and the columns the import reads;
- :mod:`.read`: the ``.csv`` or ``.zip``, and one streaming pass that keeps relevant rows;
- :mod:`.transform`: validation and the frames written to the directory;
- :mod:`.write`: the first load, or staging and merging into a filled directory;
- :mod:`.progress`: the progress bars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pinpoint.directory.nppes.columns import NEEDED_COLUMNS, NPPES_COLUMNS

if TYPE_CHECKING:
    from pinpoint.directory.nppes.importer import ImportSummary, import_nppes

__all__ = ["NEEDED_COLUMNS", "NPPES_COLUMNS", "ImportSummary", "import_nppes"]


def __getattr__(name: str) -> Any:
    """The importer on first use: :mod:`.ahead` is imported without the database layer."""
    if name in ("ImportSummary", "import_nppes"):
        from pinpoint.directory.nppes import importer

        return getattr(importer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
