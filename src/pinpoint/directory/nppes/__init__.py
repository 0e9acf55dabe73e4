"""Import of the NPPES NPI Downloadable File into the practitioner directory.

- :mod:`.importer`: :func:`import_nppes`, the whole import in one transaction;
- :mod:`.columns`: the file's header and the columns the import reads;
- :mod:`.read`: the ``.csv`` or ``.zip``, and one streaming pass that keeps relevant rows;
- :mod:`.transform`: validation and the frames written to the directory;
- :mod:`.write`: the first load, or staging and merging into a filled directory;
- :mod:`.progress`: the progress bars.
"""

from pinpoint.directory.nppes.columns import NEEDED_COLUMNS, NPPES_COLUMNS
from pinpoint.directory.nppes.importer import ImportSummary, import_nppes

__all__ = ["NEEDED_COLUMNS", "NPPES_COLUMNS", "ImportSummary", "import_nppes"]
