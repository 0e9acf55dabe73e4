"""Export jobs in the database: created at kick-off, advanced by the runner, read by polls.

Any web worker can answer for any job (state in the database, files in the data folder).
A job whose runner has not written a heartbeat for ``STALE_AFTER`` is failed ("the worker
running it stopped"): a restart or a crash never leaves a job "in progress" forever.

Who may see a job: for a clinic's Group export, that clinic's admins; for the directory
export, operators. Anyone else is told it does not exist (404).
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from pinpoint.actors import Actor, Role
from pinpoint.db.engine import transaction
from pinpoint.errors import Forbidden, NotFound
from pinpoint.fhir.errors import Busy
from pinpoint.fhir.export.params import ExportRequest
from pinpoint.fhir.models import ExportJob

STALE_AFTER = timedelta(seconds=60)
KEEP_FILES = timedelta(hours=24)
ACTIVE = ("accepted", "running")
GROUP = "group"
DIRECTORY = "directory"


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    clinic_id: int | None
    requested_by: int | None
    status: str
    progress: str
    request_url: str
    types: tuple[str, ...]
    since: datetime | None
    transaction_time: datetime
    finished_at: datetime | None
    output: list[dict[str, Any]]
    error: str | None

    @property
    def expires(self) -> datetime | None:
        return self.finished_at + KEEP_FILES if self.finished_at else None


def now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _view(job: ExportJob) -> JobView:
    return JobView(
        id=job.id,
        kind=job.kind,
        clinic_id=job.clinic_id,
        requested_by=job.requested_by,
        status=job.status,
        progress=job.progress,
        request_url=job.request_url,
        types=tuple(job.types),
        since=_utc(job.since),
        transaction_time=_utc(job.transaction_time) or now(),
        finished_at=_utc(job.finished_at),
        output=list(job.output or []),
        error=job.error,
    )


def folder_of(root: Path, job_id: str) -> Path:
    return root / "fhir-exports" / job_id


def check_kind(actor: Actor | None, kind: str, clinic_id: int | None) -> None:
    """Forbidden unless the actor may export this (None: a local command may)."""
    if actor is None:
        return
    if kind == DIRECTORY and actor.role is not Role.OPERATOR:
        raise Forbidden("only operators may export the directory")
    if kind == GROUP:
        if actor.role is not Role.CLINIC_ADMIN:
            raise Forbidden("only clinic admins may export a clinic's records")
        if actor.clinic_id != clinic_id:
            raise NotFound(f"no Group with id {clinic_id}", field="id")


def create(
    engine: Engine,
    actor: Actor,
    kind: str,
    clinic_id: int | None,
    request_url: str,
    request: ExportRequest,
) -> JobView:
    """A new accepted job; Busy when an export of the same data is still running."""
    check_kind(actor, kind, clinic_id)
    moment = now()
    with transaction(engine) as session:
        _fail_stale(session, moment)
        running = session.scalar(
            select(ExportJob.id).where(
                ExportJob.kind == kind,
                ExportJob.clinic_id == clinic_id if clinic_id else ExportJob.clinic_id.is_(None),
                ExportJob.status.in_(ACTIVE),
            )
        )
        if running:
            raise Busy("an export of the same data is in progress; poll it or cancel it first")
        job = ExportJob(
            id=uuid.uuid4().hex,
            kind=kind,
            clinic_id=clinic_id,
            requested_by=actor.user_id,
            request_url=request_url,
            types=list(request.types),
            since=request.since,
            status="accepted",
            progress="accepted",
            transaction_time=moment,
            heartbeat_at=moment,
            output=[],
        )
        session.add(job)
        session.flush()
        return _view(job)


def _fail_stale(session: Any, moment: datetime) -> None:
    session.execute(
        update(ExportJob)
        .where(ExportJob.status.in_(ACTIVE), ExportJob.heartbeat_at < moment - STALE_AFTER)
        .values(
            status="failed",
            error="the worker running this export stopped before it finished; start a new one",
            finished_at=moment,
        )
    )


def fail_stale(engine: Engine) -> None:
    """Mark jobs whose runner stopped as failed (on start and at every poll)."""
    with transaction(engine) as session:
        _fail_stale(session, now())


def get(engine: Engine, actor: Actor, job_id: str) -> JobView:
    """The job if the actor may see it; NotFound otherwise (also once deleted)."""
    with transaction(engine) as session:
        _fail_stale(session, now())
        job = session.get(ExportJob, job_id[:32])
        if job is None or job.status == "deleted" or not _may_see(actor, job):
            raise NotFound("no such export job (finished and deleted, or never started)")
        return _view(job)


def _may_see(actor: Actor, job: ExportJob) -> bool:
    if job.kind == DIRECTORY:
        return actor.role is Role.OPERATOR
    return actor.role is Role.CLINIC_ADMIN and actor.clinic_id == job.clinic_id


def delete(engine: Engine, actor: Actor, job_id: str, root: Path) -> None:
    """Cancel a job in progress, or delete a finished job's files (Bulk Data DELETE)."""
    view = get(engine, actor, job_id)
    with transaction(engine) as session:
        session.execute(
            update(ExportJob)
            .where(ExportJob.id == view.id)
            .values(status="deleted", finished_at=now(), output=[])
        )
    shutil.rmtree(folder_of(root, view.id), ignore_errors=True)


def purge_expired(engine: Engine, root: Path) -> None:
    """Delete files of jobs finished more than ``KEEP_FILES`` ago."""
    cutoff = now() - KEEP_FILES
    with transaction(engine) as session:
        old = list(
            session.scalars(
                select(ExportJob.id).where(
                    ExportJob.finished_at < cutoff, ExportJob.status != "deleted"
                )
            )
        )
        if old:
            session.execute(
                update(ExportJob).where(ExportJob.id.in_(old)).values(status="deleted", output=[])
            )
    for job_id in old:
        shutil.rmtree(folder_of(root, job_id), ignore_errors=True)


# ---- the runner's side ---------------------------------------------------------------


def claim(engine: Engine, job_id: str) -> JobView | None:
    """Move an accepted job to running; None if it is no longer accepted (cancelled)."""
    with transaction(engine) as session:
        claimed = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "accepted")
            .values(status="running", heartbeat_at=now(), progress="started")
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        job = session.get(ExportJob, job_id)
        return None if job is None else _view(job)


def beat(engine: Engine, job_id: str, progress: str) -> bool:
    """Record progress and a heartbeat; False when the job was cancelled meanwhile."""
    with transaction(engine) as session:
        moved = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "running")
            .values(heartbeat_at=now(), progress=progress[:100])
        )
        return getattr(moved, "rowcount", 0) == 1


def finish(engine: Engine, job_id: str, output: list[dict[str, Any]]) -> bool:
    with transaction(engine) as session:
        done = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "running")
            .values(status="completed", progress="completed", output=output, finished_at=now())
        )
        return getattr(done, "rowcount", 0) == 1


def fail(engine: Engine, job_id: str, message: str) -> None:
    with transaction(engine) as session:
        session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status.in_(ACTIVE))
            .values(status="failed", error=message[:2000], finished_at=now())
        )
