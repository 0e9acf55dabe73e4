"""Rich progress bars on stderr for the NPPES import: extracting the zip, then the pass."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Advance = Callable[[int, int], None]
"""``advance(bytes_done, rows_done)``."""


def _noop(_position: int, _rows: int) -> None:
    return None


@contextmanager
def progress_bar(title: str, total: int, enabled: bool, *, rows: bool = True) -> Iterator[Advance]:
    """A bar of bytes (size, speed, ETA) and, for the pass, rows and rows per second."""
    if not enabled:
        yield _noop
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns: list[Any] = [TextColumn(title), BarColumn(), DownloadColumn(), TransferSpeedColumn()]
    if rows:
        columns.append(TextColumn("{task.fields[rows]:,} rows ({task.fields[rate]:,.0f}/s)"))
    columns.append(TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(title, total=total, rows=0, rate=0.0)
        start = time.perf_counter()

        def advance(position: int, done_rows: int) -> None:
            rate = done_rows / max(time.perf_counter() - start, 1e-9)
            bar.update(task, completed=position, rows=done_rows, rate=rate)

        yield advance
