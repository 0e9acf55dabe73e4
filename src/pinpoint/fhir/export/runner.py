"""Running an export: streaming a source's resources into NDJSON files.

``write_export`` is the whole job, used by the CLI (``pinpoint fhir export``) and by the web
API. For the API, ``start`` runs it in a daemon thread of the worker that accepted the
kick-off; the job's state is in the database and its files in the data folder, so any worker
answers polls and downloads. The thread writes a heartbeat at least every
``BEAT_SECONDS``; a job whose heartbeat stops (the worker was restarted or died) is failed
by the next poll or start (``jobs.STALE_AFTER``), never left "in progress".
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from pinpoint.actors import Actor, Role
from pinpoint.care import transfer
from pinpoint.fhir.export import jobs
from pinpoint.fhir.export.ndjson import NdjsonFolder, OutputFile
from pinpoint.fhir.export.streams import ClinicSource, DirectorySource, Source

log = logging.getLogger(__name__)
BEAT_SECONDS = 2.0

# (units done, units in all when known, resources written) -> False to stop.
Report = Callable[[int, int | None, int], bool]


class Cancelled(Exception):
    """The job was cancelled (DELETE) while it ran."""


def write_export(
    engine: Engine,
    source: Source,
    folder: Path,
    types: tuple[str, ...],
    since: datetime | None,
    report: Report | None = None,
) -> list[OutputFile]:
    """Write ``source``'s resources of ``types`` into ``folder``/{Type}.ndjson."""
    total = source.total(engine)
    with NdjsonFolder(folder) as out:

        def progress(done: int, _total: int | None) -> None:
            if report is not None and report(done, total, out.written) is False:
                raise Cancelled

        for resource in source.resources(engine, types, since, progress):
            out.write(resource)
        files = out.close()
    if report is not None:
        report(-1, total, sum(f.count for f in files))
    return files


def source_of(engine: Engine, job: jobs.JobView) -> Source:
    if job.kind == jobs.DIRECTORY:
        return DirectorySource(on=job.transaction_time.date())
    requester = Actor(
        user_id=job.requested_by or 0, role=Role.CLINIC_ADMIN, clinic_id=job.clinic_id
    )
    return ClinicSource(transfer.scope_for_actor(engine, requester))


def run_job(engine: Engine, root: Path, job_id: str) -> None:
    """Run an accepted job to completion, failure or cancellation."""
    job = jobs.claim(engine, job_id)
    if job is None:
        return
    folder = jobs.folder_of(root, job_id)
    last = [time.monotonic()]

    def report(done: int, total: int | None, written: int) -> bool:
        moment = time.monotonic()
        if done >= 0 and moment - last[0] < BEAT_SECONDS:
            return True
        last[0] = moment
        source_unit = "patients" if job.kind == jobs.GROUP else "practitioners"
        of = f" of {total}" if total is not None else ""
        pct = f"{100 * done // total}% " if total else ""
        text = f"{pct}{max(done, 0)}{of} {source_unit}, {written} resources"
        return jobs.beat(engine, job_id, text)

    try:
        files = write_export(engine, source_of(engine, job), folder, job.types, job.since, report)
    except Cancelled:
        shutil.rmtree(folder, ignore_errors=True)
        return
    except Exception as exc:  # the job must end in a state a poll can report
        # The type only: a database error's text could carry patient data.
        log.error("FHIR export %s failed: %s", job_id, type(exc).__name__)
        jobs.fail(engine, job_id, f"the export failed ({type(exc).__name__}); start a new one")
        shutil.rmtree(folder, ignore_errors=True)
        return
    output = [{"type": f.type, "file": f.name, "count": f.count} for f in files]
    if not jobs.finish(engine, job_id, output):
        shutil.rmtree(folder, ignore_errors=True)


def start(engine: Engine, root: Path, job_id: str) -> threading.Thread:
    thread = threading.Thread(
        target=run_job, args=(engine, root, job_id), name=f"fhir-export-{job_id}", daemon=True
    )
    thread.start()
    return thread
