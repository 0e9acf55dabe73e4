"""4 clinicians writing needling sessions at once, on SQLite and on PostgreSQL.

For each backend: migrate a fresh database (a SQLite file in a temporary data folder; a
new schema in the PostgreSQL server at 127.0.0.1, dropped afterwards), seed one clinic
in CO with 4 clinicians (each with their own eligible NPI: a physical therapist with
60 h of training, 45 h in person), 4 patients each with an episode, a clear screening
and a consent. Then start ``pinpoint serve --workers 2`` on 127.0.0.1 and run 4
concurrent clients (one thread and one httpx.Client per clinician) that POST
``/api/v1/episodes/{id}/sessions`` with 1-4 distinct muscles for a fixed time (and at
most ``--max-requests`` each). Afterwards the rows in ``needling_sessions`` and
``session_muscles`` are counted straight in the database and compared with the 201
answers: lost writes = acknowledged ids missing from the table, errors = non-201
answers + exceptions. The baseline in the same run: the same 4 clients on
``GET /api/v1/law/CO`` (public, read-only: the floor of request overhead).

Usage: python bench/bench_clinic_writes.py [--seconds 60] [--baseline-seconds 10]
       [--backend sqlite|postgres|both]   (``--seconds 5`` for a smoke run)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).parent))
from _serve import free_port, python, server
from pinpoint.accounts.service import authenticate, create_clinic, create_user
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service
from pinpoint.care.codes import Muscle, Side, Technique
from pinpoint.care.models import NeedlingSession, SessionMuscle
from pinpoint.care.schemas import ConsentCreate, EpisodeCreate, PatientCreate, ScreeningCreate
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.directory.npi import make_npi
from pinpoint.directory.search.cache import invalidate

POSTGRES_URL = os.environ.get(
    "PINPOINT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CLINICIANS = 4
PASSWORD = "bench-Password-1234!"
SESSION_DAY = date(2025, 3, 4)
MUSCLES = [m.value for m in Muscle]
SIDES = [s.value for s in Side]
TECHNIQUES = [t.value for t in Technique]
REQUEST_TIMEOUT = 30.0


# ---- databases ----------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[tuple[str, dict[str, str]]]:
    with tempfile.TemporaryDirectory(prefix="pinpoint-bench-writes-") as data:
        yield f"sqlite:///{Path(data) / 'pinpoint.db'}", {"PINPOINT_DATA_DIR": data}


def postgres_unavailable() -> str | None:
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{POSTGRES_URL} unreachable: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@contextmanager
def postgres_database() -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh schema for this run, dropped afterwards whatever happens."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in POSTGRES_URL else "?"
    try:
        with tempfile.TemporaryDirectory(prefix="pinpoint-bench-writes-") as data:
            yield (
                f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{schema},public",
                {"PINPOINT_DATA_DIR": data},
            )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---- seeding ------------------------------------------------------------------------


@dataclass
class Clinician:
    email: str
    npi: str
    episode_id: int


def seed(engine: Engine) -> list[Clinician]:
    """One CO clinic, 4 clinicians with their own eligible NPI, 4 ready episodes."""
    clinic = create_clinic(engine, "Bench Clinic", "CO")
    npis = [make_npi(f"{900_000_001 + i:09d}") for i in range(CLINICIANS)]
    with engine.begin() as conn:
        conn.execute(
            insert(Practitioner),
            [
                {
                    "npi": npi,
                    "last_name": f"Benchperson{i}",
                    "first_name": "Sam",
                    "credential": "PT",
                    "profession": "physical_therapist",
                    "taxonomy": "225100000X",
                    "city": "Denver",
                    "state": "CO",
                    "zip5": "80202",
                    "country": "US",
                    "enumerated_on": date(2010, 1, 1),
                    "active": True,
                    "synthetic": True,
                }
                for i, npi in enumerate(npis)
            ],
        )
        conn.execute(
            insert(TrainingCredential),
            [
                {
                    "npi": npi,
                    "provider": "Bench Needling Institute",
                    "course": "Dry Needling Level 1",
                    "hours": 60.0,
                    "in_person_hours": 45.0,
                    "completed_on": date(2020, 1, 1),
                    "certificate_id": f"BENCH-{i}",
                    "licensed_since": date(2010, 1, 1),
                }
                for i, npi in enumerate(npis)
            ],
        )
    invalidate(engine)

    clinicians = []
    for i, npi in enumerate(npis):
        email = f"clinician{i}@bench.example.org"
        create_user(engine, email, "clinician", PASSWORD, clinic_name=clinic.name, npi=npi)
        actor = authenticate(engine, email, PASSWORD, "127.0.0.1")
        patient = service.create_patient(
            engine,
            actor,
            PatientCreate.model_validate(
                {
                    "mrn": f"BENCH-{i}",
                    "given_name": "Synthetic",
                    "family_name": f"Patient{i}",
                    "birth_date": "1980-01-02",
                    "sex": "female",
                }
            ),
        )
        episode = service.create_episode(
            engine,
            actor,
            patient.id,
            EpisodeCreate.model_validate(
                {"region": "lumbar", "icd10": ["M54.50"], "started_on": "2025-03-01"}
            ),
        )
        service.record_screening(engine, actor, episode.id, ScreeningCreate(findings=[]))
        service.record_consent(
            engine,
            actor,
            episode.id,
            ConsentCreate(
                signed_on=date(2025, 3, 1), signed_by=f"Synthetic Patient{i}", form_version="v1"
            ),
        )
        clinicians.append(Clinician(email, npi, episode.id))
    return clinicians


# ---- load ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What one client saw: latencies of 2xx answers, statuses, exceptions, created ids."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # first few error bodies
    created: dict[int, int] = field(default_factory=dict)  # session id -> muscles sent
    wrong_cpt: int = 0

    def merge(self, other: Tally) -> None:
        self.latencies_ms += other.latencies_ms
        self.statuses.update(other.statuses)
        self.exceptions.update(other.exceptions)
        self.samples += other.samples[: max(0, 5 - len(self.samples))]
        self.created.update(other.created)
        self.wrong_cpt += other.wrong_cpt


Request = Callable[[httpx.Client, random.Random], tuple[httpx.Response, int]]


def session_body(npi: str, rng: random.Random) -> dict[str, object]:
    muscles = rng.sample(MUSCLES, rng.randint(1, 4))
    return {
        "performed_on": SESSION_DAY.isoformat(),
        "practitioner_npi": npi,
        "muscles": [
            {
                "muscle": m,
                "side": rng.choice(SIDES),
                "needles": rng.randint(1, 6),
                "twitch": rng.random() < 0.5,
            }
            for m in muscles
        ],
        "technique": rng.choice(TECHNIQUES),
        "pain_before": rng.randint(3, 9),
        "pain_after": rng.randint(0, 5),
        "co_interventions": ["therapeutic_exercise"],
        "notes": "Tolerated well. (load test)",
    }


def run_clients(
    base: str,
    tokens: list[str | None],
    make_request: Callable[[int], Request],
    seconds: float,
    max_requests: int,
    expect: int,
) -> tuple[Tally, float]:
    """One thread per client until the deadline or ``max_requests`` each; merged tally."""
    tallies = [Tally() for _ in tokens]
    start_line = threading.Barrier(len(tokens) + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        tally, request = tallies[index], make_request(index)
        rng = random.Random(index)
        headers = {"Authorization": f"Bearer {tokens[index]}"} if tokens[index] else {}
        with httpx.Client(base_url=base, headers=headers, timeout=REQUEST_TIMEOUT) as http:
            start_line.wait()
            for _ in range(max_requests):
                if time.monotonic() >= deadline[0]:
                    break
                began = time.perf_counter()
                try:
                    response, sent = request(http, rng)
                except httpx.HTTPError as exc:
                    tally.exceptions[type(exc).__name__] += 1
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                tally.statuses[response.status_code] += 1
                if response.status_code != expect:
                    if len(tally.samples) < 5:
                        tally.samples.append(f"{response.status_code} {response.text[:300]}")
                    continue
                tally.latencies_ms.append(elapsed)
                if sent:  # a session write: remember its id and check its CPT code
                    body = response.json()
                    tally.created[int(body["id"])] = sent
                    distinct = len({m["muscle"] for m in body["muscles"]})
                    if body["cpt_code"] != ("20560" if distinct <= 2 else "20561"):
                        tally.wrong_cpt += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    elapsed = time.monotonic() - began
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a client thread did not stop")
    merged = Tally()
    for tally in tallies:
        merged.merge(tally)
    return merged, elapsed


def writer(clinicians: list[Clinician]) -> Callable[[int], Request]:
    def make(index: int) -> Request:
        who = clinicians[index]
        path = f"/api/v1/episodes/{who.episode_id}/sessions"

        def request(http: httpx.Client, rng: random.Random) -> tuple[httpx.Response, int]:
            body = session_body(who.npi, rng)
            return http.post(path, json=body), len(body["muscles"])  # type: ignore[arg-type]

        return request

    return make


def reader(_index: int) -> Request:
    def request(http: httpx.Client, _rng: random.Random) -> tuple[httpx.Response, int]:
        return http.get("/api/v1/law/CO"), 0

    return request


def token_for(base: str, email: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/auth/token",
        data={"username": email, "password": PASSWORD},
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


# ---- report -------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    lost: int | None = None
    unacknowledged: int | None = None
    detail: list[str] = field(default_factory=list)

    def line(self) -> str:
        lost = "" if self.lost is None else f"{self.lost:>6}"
        return (
            f"| {self.label:<30} | {self.requests:>8,} | {self.per_second:>8,.1f} "
            f"| {self.p50_ms:>8.2f} | {self.p99_ms:>8.2f} | {self.errors:>6} | {lost:>6} |"
        )


def summarize(label: str, tally: Tally, elapsed: float) -> Result:
    ok = len(tally.latencies_ms)
    errors = sum(n for s, n in tally.statuses.items() if s not in (200, 201))
    errors += sum(tally.exceptions.values()) + tally.wrong_cpt
    quantiles = statistics.quantiles(tally.latencies_ms, n=100) if ok >= 2 else [0.0] * 99
    detail = [f"  {label}: statuses {dict(tally.statuses)}"]
    if tally.exceptions:
        detail.append(f"  {label}: exceptions {dict(tally.exceptions)}")
    if tally.wrong_cpt:
        detail.append(f"  {label}: {tally.wrong_cpt} answers with the wrong CPT code")
    detail += [f"  {label}: e.g. {sample}" for sample in tally.samples]
    return Result(label, ok, ok / elapsed, quantiles[49], quantiles[98], errors, detail=detail)


def count_rows(engine: Engine, created: dict[int, int]) -> tuple[int, int, int, int, int]:
    """Rows stored: sessions, muscles, acknowledged-but-missing, unacknowledged, audited."""
    with engine.connect() as conn:
        sessions = conn.scalar(select(func.count()).select_from(NeedlingSession)) or 0
        muscles = conn.scalar(select(func.count()).select_from(SessionMuscle)) or 0
        stored_ids = set(conn.scalars(select(NeedlingSession.id)))
        audited = (
            conn.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "create", AuditEvent.record_type == "session")
            )
            or 0
        )
    missing = len(set(created) - stored_ids)
    return sessions, muscles, missing, len(stored_ids - set(created)), audited


def bench_backend(
    name: str, url: str, env: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        clinicians = seed(engine)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [python(), "-m", "pinpoint", "serve", "--port", str(port), "--workers", "2"]
        server_env = {**env, "PINPOINT_DATABASE_URL": url, "PINPOINT_LOG_LEVEL": "warning"}
        with server(cmd, port, "/api/v1/law/CO", server_env):
            tokens: list[str | None] = [token_for(base, c.email) for c in clinicians]
            anonymous: list[str | None] = [None] * CLINICIANS
            # warm both workers (imports, caches, pools); writes made here are counted too
            warm_reads, _ = run_clients(base, anonymous, reader, 1.0, 50, 200)
            warm_writes, _ = run_clients(base, tokens, writer(clinicians), 1.0, 5, 201)
            baseline, base_elapsed = run_clients(
                base, anonymous, reader, args.baseline_seconds, args.max_requests, 200
            )
            writes, write_elapsed = run_clients(
                base, tokens, writer(clinicians), args.seconds, args.max_requests, 201
            )
        warm_errors = summarize("warm-up", warm_reads, 1).errors
        warm_errors += summarize("warm-up", warm_writes, 1).errors
        created = {**warm_writes.created, **writes.created}
        sessions, muscles, missing, extra, audited = count_rows(engine, created)
    finally:
        engine.dispose()

    read = summarize(f"{name}: GET /api/v1/law/CO", baseline, base_elapsed)
    write = summarize(f"{name}: POST .../sessions", writes, write_elapsed)
    write.lost = missing
    write.errors += warm_errors
    muscles_sent = sum(created.values())
    write.detail += [
        f"  {name}: {len(created)} sessions acknowledged (201, incl. "
        f"{len(warm_writes.created)} warm-up) -> {sessions} rows in needling_sessions, "
        f"{muscles_sent} muscles sent -> {muscles} rows in session_muscles, "
        f"{audited} audit 'create session' events",
        f"  {name}: acknowledged but not stored {missing}; stored but not acknowledged {extra}; "
        f"muscle rows missing {muscles_sent - muscles}",
        f"  {name}: writes/s over reads/s {write.per_second / read.per_second:.3f}, "
        f"p50 write/read {write.p50_ms / read.p50_ms:.1f}x, "
        f"p99 write/read {write.p99_ms / read.p99_ms:.1f}x",
    ]
    if warm_errors:
        write.detail.append(f"  {name}: {warm_errors} errors during warm-up")
    if muscles != muscles_sent or audited != sessions:
        write.errors += abs(muscles_sent - muscles) + abs(sessions - audited)
    return [read, write]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="write phase per backend")
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument(
        "--max-requests", type=int, default=50_000, help="hard cap per client and phase"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 < args.baseline_seconds <= 600:
        parser.error("--seconds and --baseline-seconds must be in (0, 600]")

    results: list[Result] = []
    notes: list[str] = []
    if args.backend in ("sqlite", "both"):
        with sqlite_database() as (url, env):
            results += bench_backend("SQLite", url, env, args)
    if args.backend in ("postgres", "both"):
        reason = postgres_unavailable()
        if reason:
            notes.append(f"PostgreSQL skipped: {reason}")
        else:
            with postgres_database() as (url, env):
                results += bench_backend("PostgreSQL", url, env, args)

    print(
        f"{CLINICIANS} concurrent clients (httpx, one connection each), 2 uvicorn workers, "
        f"127.0.0.1; writes {args.seconds:g} s, baseline reads {args.baseline_seconds:g} s; "
        "1-4 muscles per session"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} at the end of the run")
    print(
        f"| {'endpoint':<30} | {'requests':>8} | {'req/s':>8} | {'p50 ms':>8} "
        f"| {'p99 ms':>8} | {'errors':>6} | {'lost':>6} |"
    )
    print(f"|{'-' * 32}|{'-' * 10}:|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|{'-' * 7}:|{'-' * 7}:|")
    for result in results:
        print(result.line())
    for result in results:
        for line in result.detail:
            print(line)
    for note in notes:
        print(note)
    if any(r.errors or r.lost for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
