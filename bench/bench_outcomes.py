"""Outcomes: the clinic dashboard, one progress chart (SVG) and the PDF report, with baselines.

For each backend (a SQLite file in a temporary data folder; a new PostgreSQL schema at
127.0.0.1, dropped afterwards): seed one clinic with ``--episodes`` episodes and
``--sessions`` sessions (``_outcomes_data.seed_clinic``: 60 % closed, intake and discharge
questionnaires, adverse events, alerts, assigned questionnaires), then time, alternating each
measurement with its baseline in the same run, medians of ``--rounds``:

1. in the server process (server time):
   - the dashboard, ``clinic_dashboard()``, against its bare SQL: the very statements the
     dashboard sends (captured with their parameters), replayed on a raw DBAPI cursor with
     every row fetched and nothing else done; the number of statements is printed;
   - one chart SVG (``episode_progress`` + ``progress_svg``) for the episode with the most
     sessions, against a bare matplotlib figure (``Figure``, one line of the same pain values,
     ``savefig`` to SVG);
   - the PDF report (``progress_report``), against a bare ReportLab page (one paragraph and
     a table of the same sessions);
2. over HTTP as a browser or client does, against ``pinpoint serve`` (one worker) on
   127.0.0.1 (ports from ``--port``): ``GET /api/v1/dashboard``, the chart SVG and the report
   PDF with a bearer token, each alternating with ``GET /api/v1/law/CO`` on the same server
   (the floor of a request).

The 1-minute load average is printed before and after: a figure taken above ~1.0 on this
2-core machine is provisional.

Usage: python bench/bench_outcomes.py [--rounds 15] [--backend sqlite|postgres|both]
       [--episodes 2000] [--sessions 20000] [--port 8800] [--no-http]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, select

sys.path.insert(0, str(Path(__file__).parent))
from _outcomes_data import seed_clinic
from _serve import python, server
from bench_clinic_writes import postgres_database, sqlite_database
from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.actors import Actor, Role
from pinpoint.care.models import NeedlingSession
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.outcomes.charts import progress_svg
from pinpoint.outcomes.dashboard import clinic_dashboard
from pinpoint.outcomes.progress import episode_progress
from pinpoint.outcomes.report import progress_report

PASSWORD = "bench-Password-1234!"
GOALS_MS = {"dashboard": 300.0, "chart": 150.0, "report": 1000.0}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


# ---- databases ----------------------------------------------------------------------------


# ---- timing -------------------------------------------------------------------------------


def alternate(
    rounds: int, measured: Callable[[], object], baseline: Callable[[], object]
) -> tuple[list[float], list[float], list[float]]:
    """Wall milliseconds of each call, the two alternating (one untimed warm-up call each),
    and the CPU milliseconds of this process for each measured call."""
    measured()
    baseline()
    ours: list[float] = []
    base: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        start, used = time.perf_counter(), time.process_time()
        measured()
        ours.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        start = time.perf_counter()
        baseline()
        base.append((time.perf_counter() - start) * 1000)
    return ours, base, cpu


def report_line(
    label: str, timed: tuple[list[float], list[float], list[float]], goal: float | None
) -> str:
    ours, base, cpu = timed
    mine, floor = statistics.median(ours), statistics.median(base)
    verdict = "" if goal is None else ("  goal met" if mine < goal else "  GOAL MISSED")
    p90 = sorted(ours)[max(0, int(len(ours) * 0.9) - 1)]
    return (
        f"  {label:<34} median {mine:8.1f} ms (p90 {p90:7.1f}, cpu {statistics.median(cpu):7.1f})"
        f"   baseline {floor:7.1f} ms   ratio {mine / floor:5.1f}x{verdict}"
    )


# ---- baselines ----------------------------------------------------------------------------


def captured_statements(engine: Engine, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) that ``call`` sends."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def bare_sql(engine: Engine, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    """Replay the reads on one raw DBAPI connection, fetching every row (writes skipped)."""
    reads = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]

    def run() -> None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in reads:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            cursor.close()
            raw.rollback()
        finally:
            raw.close()

    return run


def bare_matplotlib(values: list[tuple[float, float]]) -> Callable[[], bytes]:
    def draw() -> bytes:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(8, 3))
        axes = figure.subplots()
        axes.plot([x for x, _ in values], [y for _, y in values])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg")
        return buffer.getvalue()

    return draw


def bare_reportlab(rows: list[list[str]]) -> Callable[[], bytes]:
    def build() -> bytes:
        from reportlab.lib.pagesizes import LETTER
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=LETTER)
        style = getSampleStyleSheet()["Normal"]
        document.build([Paragraph("Sessions", style), Table(rows)])
        return buffer.getvalue()

    return build


# ---- one backend --------------------------------------------------------------------------


def run_backend(name: str, url: str, env: dict[str, str], args: argparse.Namespace) -> None:
    print(f"\n== {name}: {args.episodes:,} episodes, {args.sessions:,} sessions ({load()})")
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    seeded = seed_clinic(engine, episodes=args.episodes, sessions=args.sessions)
    print(f"  seeded in {time.perf_counter() - start:.1f} s")
    # A server process does not hold the seeding's objects: set them aside, so the garbage
    # collector does not walk them again and again during the timed calls.
    gc.collect()
    gc.freeze()
    actor = Actor(seeded.user_id, Role.CLINICIAN, seeded.clinic_id)
    episode = seeded.busiest_episode

    statements = captured_statements(engine, lambda: clinic_dashboard(engine, actor))
    reads = sum(1 for s, _ in statements if s.lstrip().upper().startswith("SELECT"))
    print(f"  dashboard statements: {len(statements)} ({reads} reads, the rest its audit row)")
    timed = alternate(
        args.rounds, lambda: clinic_dashboard(engine, actor), bare_sql(engine, statements)
    )
    print(report_line("dashboard (in process)", timed, GOALS_MS["dashboard"]))

    progress = episode_progress(engine, actor, episode)
    points = [(float(p.on.toordinal()), p.value) for p in progress.pain.points]
    timed = alternate(
        args.rounds,
        lambda: progress_svg(episode_progress(engine, actor, episode)),
        bare_matplotlib(points),
    )
    label = f"chart SVG, {len(progress.sessions)} sessions"
    print(report_line(label, timed, GOALS_MS["chart"]))

    with engine.connect() as conn:
        rows = [
            [str(v) for v in row]
            for row in conn.execute(
                select(
                    NeedlingSession.performed_on,
                    NeedlingSession.cpt_code,
                    NeedlingSession.pain_before,
                    NeedlingSession.pain_after,
                ).where(NeedlingSession.episode_id == episode)
            )
        ]
    timed = alternate(
        max(5, args.rounds // 2),
        lambda: progress_report(engine, actor, episode),
        bare_reportlab(rows),
    )
    print(report_line("PDF report", timed, GOALS_MS["report"]))
    if not args.no_http:
        run_http(engine, url, env, episode, args)
    engine.dispose()
    gc.unfreeze()


def run_http(
    engine: Engine, url: str, env: dict[str, str], episode: int, args: argparse.Namespace
) -> None:
    create_user(engine, "bench-http@example.org", "clinician", PASSWORD, "Bench Clinic 1")
    token = issue_token(engine, authenticate(engine, "bench-http@example.org", PASSWORD)).token
    port = args.port
    command = [python(), "-m", "pinpoint", "serve", "--port", str(port), "--workers", "1"]
    server_env = {**env, "PINPOINT_DATABASE_URL": url}
    with server(command, port, "/api/v1/law/CO", env=server_env):
        base_url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:

            def get(path: str) -> Callable[[], None]:
                def call() -> None:
                    answer = client.get(path)
                    answer.raise_for_status()

                return call

            floor = get("/api/v1/law/CO")
            for label, path, goal in [
                ("HTTP GET /api/v1/dashboard", "/api/v1/dashboard", GOALS_MS["dashboard"]),
                (
                    "HTTP GET chart SVG",
                    f"/charts/episodes/{episode}/progress.svg",
                    GOALS_MS["chart"],
                ),
                (
                    "HTTP GET report PDF",
                    f"/api/v1/episodes/{episode}/report.pdf",
                    GOALS_MS["report"],
                ),
            ]:
                timed = alternate(args.rounds, get(path), floor)
                print(report_line(label, timed, goal) + "  (baseline: GET /api/v1/law/CO)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=20000)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    print(f"bench_outcomes: {args.rounds} rounds, {load()}")
    if args.backend in ("sqlite", "both"):
        with sqlite_database() as (url, env):
            run_backend("SQLite", url, env, args)
    if args.backend in ("postgres", "both"):
        with postgres_database() as (url, env):
            run_backend("PostgreSQL", url, env, args)
    print(f"\ndone ({load()})")


if __name__ == "__main__":
    main()
