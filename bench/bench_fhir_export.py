"""Benchmark: Bulk Data export of a clinic with 2,000 episodes and 20,000 sessions.

Runs ``pinpoint fhir export --clinic NAME --out DIR`` as a whole process (what a user runs),
alternating with a bare baseline process that reads the same rows with SQLAlchemy Core and
writes them as orjson NDJSON lines (no mapping to FHIR). Prints wall time, resources per
second, peak RSS of each, the ratio, and the 1-minute load average. Goal: >= 5,000 resources/s
with flat memory.

    python bench/bench_fhir_export.py [--episodes 2000] [--sessions-per-episode 10] [--rounds 3]
        [--postgres]

Data goes to /tmp/pinpoint-fhir-bench/clinic-EPISODESxSESSIONS.db (or the PostgreSQL schema
``bench_fhir``),
reused when it already holds the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from pinpoint.accounts.models import Clinic
from pinpoint.care.models import (
    AdverseEvent,
    CarePlan,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    Screening,
    SessionMuscle,
)
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade

OUT = Path("/tmp/pinpoint-fhir-bench")
CLINIC = "Bench Clinic (synthetic)"
PG_URL = os.environ.get(
    "PINPOINT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MUSCLES = [
    "lumbar_multifidus",
    "quadratus_lumborum",
    "gluteus_medius",
    "piriformis",
    "upper_trapezius",
    "levator_scapulae",
]
SIDES = ["left", "right", "bilateral"]

BASELINE = r"""
import sys, orjson
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1], connect_args=eval(sys.argv[3]))
out = sys.argv[2]
tables = ["patients", "episodes", "care_plans", "screenings", "consents",
          "needling_sessions", "session_muscles", "adverse_events"]
n = 0
with engine.connect() as conn:
    for t in tables:
        with open(f"{out}/{t}.ndjson", "wb") as f:
            result = conn.execution_options(yield_per=2000).execute(text(f"SELECT * FROM {t}"))
            keys = list(result.keys())
            for row in result:
                f.write(orjson.dumps(dict(zip(keys, row)), default=str))
                f.write(b"\n")
                n += 1
print(n)
"""


def seed(engine: Engine, episodes: int, per_episode: int) -> None:
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(NeedlingSession)).scalar_one()
    if have == episodes * per_episode:
        print(f"  reusing {have:,} sessions")
        return
    rng = random.Random(7)
    t = time.perf_counter()
    with engine.begin() as conn:
        clinic_id = conn.execute(
            insert(Clinic).values(name=CLINIC, state="CO", synthetic=True).returning(Clinic.id)
        ).scalar_one()
        base = date(2024, 1, 1)
        for start in range(0, episodes, 500):
            ids = range(start + 1, min(episodes, start + 500) + 1)
            common = {"clinic_id": clinic_id, "version": 1}
            conn.execute(
                insert(Patient),
                [
                    {
                        **common,
                        "id": i,
                        "mrn": f"B-{i:05d}",
                        "given_name": "Synthetic",
                        "family_name": f"Person{i}",
                        "birth_date": date(1960 + i % 40, 1 + i % 12, 1),
                        "sex": ("female", "male")[i % 2],
                        "synthetic": True,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Episode),
                [
                    {
                        **common,
                        "id": i,
                        "patient_id": i,
                        "region": ("lumbar", "cervical")[i % 2],
                        "icd10": ["M54.50"] if i % 2 else ["M54.2", "M62.830"],
                        "started_on": base + timedelta(days=i % 300),
                        "ended_on": None,
                        "status": "active",
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(CarePlan),
                [
                    {
                        **common,
                        "id": i,
                        "episode_id": i,
                        "components": ["dry_needling", "therapeutic_exercise"],
                        "frequency": "twice a week",
                        "goals": "NPRS <= 3",
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Screening),
                [
                    {
                        **common,
                        "id": i,
                        "episode_id": i,
                        "findings": ["bleeding_risk"] if i % 5 == 0 else [],
                        "result": "precautions" if i % 5 == 0 else "clear",
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Consent),
                [
                    {
                        **common,
                        "id": i,
                        "episode_id": i,
                        "signed_on": base + timedelta(days=i % 300),
                        "signed_by": "Synthetic Person",
                        "form_version": "v1",
                        "written_required": False,
                        "disclosure": "Dry needling uses thin needles...",
                    }
                    for i in ids
                ],
            )
            sessions, muscles, events = [], [], []
            for i in ids:
                for k in range(per_episode):
                    sid = (i - 1) * per_episode + k + 1
                    chosen = rng.sample(MUSCLES, rng.randint(1, 4))
                    sessions.append(
                        {
                            **common,
                            "id": sid,
                            "episode_id": i,
                            "performed_on": base + timedelta(days=i % 300 + 3 * k + 1),
                            "practitioner_npi": "1234567893",
                            "technique": "pistoning",
                            "pain_before": rng.randint(3, 9),
                            "pain_after": rng.randint(0, 6),
                            "co_interventions": ["therapeutic_exercise"],
                            "notes": None,
                            "cpt_code": "20560" if len(chosen) <= 2 else "20561",
                            "precautions": [],
                        }
                    )
                    muscles += [
                        {
                            "session_id": sid,
                            "muscle": m,
                            "side": rng.choice(SIDES),
                            "needles": 2,
                            "twitch": True,
                        }
                        for m in chosen
                    ]
                    if rng.random() < 0.2:
                        events.append(
                            {
                                **common,
                                "session_id": sid,
                                "type": "bruising",
                                "severity": "mild",
                                "onset_on": base + timedelta(days=i % 300 + 3 * k + 1),
                                "resolved": True,
                                "reportable": False,
                            }
                        )
            conn.execute(insert(NeedlingSession), sessions)
            conn.execute(insert(SessionMuscle), muscles)
            if events:
                conn.execute(insert(AdverseEvent), events)
    print(
        f"  seeded {episodes:,} episodes, {episodes * per_episode:,} sessions "
        f"in {time.perf_counter() - t:.1f} s"
    )


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB of that child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    done = subprocess.run(args, env={**os.environ, **env}, capture_output=True, check=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: report the max seen.
    return wall, max(peak, before) / 1024, done.stdout.decode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=2000)
    ap.add_argument("--sessions-per-episode", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--postgres", action="store_true")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if a.postgres:
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS bench_fhir"))
        url = f"{PG_URL}?options=-csearch_path%3Dbench_fhir,public"
        connect = repr({"options": "-csearch_path=bench_fhir,public"})
        bare_url = PG_URL
    else:
        url = f"sqlite:///{OUT / f'clinic-{a.episodes}x{a.sessions_per_episode}.db'}"
        connect, bare_url = "{}", url
    engine = make_engine(url)
    upgrade(engine)
    seed(engine, a.episodes, a.sessions_per_episode)
    engine.dispose()
    env = {"PINPOINT_DATABASE_URL": url, "PINPOINT_DATA_DIR": str(OUT / "data")}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results: dict[str, list[tuple[float, float, int]]] = {"pinpoint": [], "bare": []}
    for _ in range(a.rounds):
        folder = Path(tempfile.mkdtemp(dir=OUT))
        wall, rss, out = run(
            [
                sys.executable,
                "-m",
                "pinpoint",
                "fhir",
                "export",
                "--clinic",
                CLINIC,
                "--out",
                str(folder / "fhir"),
                "--json",
            ],
            env,
        )
        count = sum(f["count"] for f in json.loads(out)["files"])
        results["pinpoint"].append((wall, rss, count))
        (folder / "bare").mkdir()
        wall, rss, out = run(
            [sys.executable, "-c", BASELINE, bare_url, str(folder / "bare"), connect], {}
        )
        results["bare"].append((wall, rss, int(out.strip())))
        shutil.rmtree(folder)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for name, rows in results.items():
        walls = sorted(r[0] for r in rows)
        median = walls[len(walls) // 2]
        count = rows[0][2]
        unit = "resources" if name == "pinpoint" else "rows"
        print(
            f"{name:>9}: median {median:.2f} s for {count:,} {unit} = {count / median:,.0f}/s; "
            f"runs {', '.join(f'{w:.2f}' for w in walls)} s"
        )
    p = sorted(r[0] for r in results["pinpoint"])[a.rounds // 2]
    b = sorted(r[0] for r in results["bare"])[a.rounds // 2]
    print(f"ratio (bare time / pinpoint time): {b / p:.2f}")
    print(
        "peak RSS of any child process: "
        f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
