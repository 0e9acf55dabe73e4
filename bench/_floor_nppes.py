"""The NPPES import's floor, as a user would run it: a bare polars streaming pass.

Reads every column the import needs and keeps the rows the import keeps, with the
import's own filter expression, loaded from a JSON file that ``bench_import.py`` writes
from ``pinpoint.directory.nppes`` (the column list and ``transform.keep()`` serialised), so
this process imports polars alone. Prints the number of rows kept.

    python bench/_floor_nppes.py FILE SPEC.json
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import polars as pl


def main() -> None:
    spec = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    keep = pl.Expr.deserialize(io.StringIO(spec["filter"]), format="json")
    frame = (
        pl.scan_csv(sys.argv[1], infer_schema=False)
        .select(spec["columns"])
        .filter(keep)
        .collect(engine="streaming")
    )
    print(frame.height)


if __name__ == "__main__":
    main()
