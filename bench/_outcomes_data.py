"""A synthetic clinic with many courses of care, written in bulk for the outcomes benchmarks.

``seed_clinic(engine, episodes=2000, sessions=20000)``: one clinic in CO, one clinician,
a patient per episode, 60 % of the episodes closed. Sessions are spread over the episodes
(pain before and after every one, CPT 20560/20561), about one in ten with a mild adverse
event and a few significant ones; every episode has an intake NPRS, ODI or NDI (by region)
and PSFS, closed ones a discharge set too; a few PHQ-9s, one raising an open alert; some
questionnaires assigned and not answered; some patient-reported side effects awaiting
review. Scores are worked out by ``score_responses``, as the API would store them. Rows go
in with bulk INSERTs (no audit rows, no per-row checks): this builds the data a dashboard
reads, fast, not a test of the write paths.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Engine, insert

from pinpoint.accounts.models import Clinic, User
from pinpoint.care.models import AdverseEvent, Episode, NeedlingSession, Patient
from pinpoint.db.engine import transaction
from pinpoint.outcomes import score_responses
from pinpoint.outcomes.models import Alert, Assessment, Assignment

START = date(2024, 1, 8)
ACTIVITIES = ["Sitting at work", "Lifting a child", "Walking 30 minutes"]


@dataclass(frozen=True)
class Seeded:
    clinic_id: int
    user_id: int
    busiest_episode: int


@cache
def _scored(instrument: str, answers: tuple[int, ...]) -> dict[str, Any]:
    activities = ACTIVITIES if instrument == "psfs" else None
    return score_responses(instrument, list(answers), activities).model_dump(mode="json")


def _assessment(rng: random.Random, clinic: int, episode: int, instrument: str, on: date,
                severity: float) -> dict[str, Any]:  # fmt: skip
    """An assessment whose answers follow ``severity`` (1 = worst, 0 = none)."""
    if instrument == "nprs":
        answers: tuple[int, ...] = (max(0, min(10, round(10 * severity + rng.gauss(0, 1)))),)
    elif instrument == "psfs":
        answers = tuple(
            max(0, min(10, round(10 * (1 - severity) + rng.gauss(0, 1.5)))) for _ in ACTIVITIES
        )
    elif instrument == "phq9":
        answers = tuple(max(0, min(3, round(2 * severity + rng.gauss(0, 0.6)))) for _ in range(8))
        answers += (0,)
    else:
        answers = tuple(max(0, min(5, round(4 * severity + rng.gauss(0, 0.8)))) for _ in range(10))
    result = _scored(instrument, answers)
    return {
        "clinic_id": clinic,
        "episode_id": episode,
        "instrument": instrument,
        "instrument_version": result["version"],
        "taken_on": on,
        "responses": list(answers),
        "activities": ACTIVITIES if instrument == "psfs" else None,
        "score": result["score"],
        "band": result["band"],
        "result": result,
        "source": "clinic",
        "version": 1,
    }


def seed_clinic(engine: Engine, episodes: int = 2000, sessions: int = 20000,
                seed: int = 1) -> Seeded:  # fmt: skip
    """Write the clinic; returns its id, the clinician's user id and the busiest episode."""
    rng = random.Random(seed)
    with transaction(engine) as db:
        clinic = Clinic(name=f"Bench Clinic {seed}", state="CO", synthetic=True)
        db.add(clinic)
        db.flush()
        user = User(
            email=f"bench-{seed}@example.org",
            password_hash="x",
            role="clinician",
            clinic_id=clinic.id,
            active=True,
        )
        db.add(user)
        db.flush()
        cid = clinic.id
        patients = [
            {
                "clinic_id": cid,
                "mrn": f"B{seed}-{i:06d}",
                "given_name": "Bench",
                "family_name": f"P{i}",
                "birth_date": date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                "sex": "female",
                "synthetic": True,
                "version": 1,
            }
            for i in range(episodes)
        ]
        patient_ids = list(db.scalars(insert(Patient).returning(Patient.id), patients))
        per_episode = [sessions // episodes + (1 if i < sessions % episodes else 0)
                       for i in range(episodes)]  # fmt: skip
        episode_rows = []
        for i, patient_id in enumerate(patient_ids):
            start = START + timedelta(days=rng.randrange(600))
            closed = i % 5 < 3
            end = start + timedelta(days=7 * per_episode[i] // 2 + 14)
            region = "cervical" if i % 3 == 0 else "lumbar"
            episode_rows.append(
                {
                    "clinic_id": cid,
                    "patient_id": patient_id,
                    "region": region,
                    "icd10": ["M54.2"] if region == "cervical" else ["M54.50"],
                    "started_on": start,
                    "ended_on": end if closed else None,
                    "status": "closed" if closed else "active",
                    "version": 1,
                }
            )
        episode_ids = list(db.scalars(insert(Episode).returning(Episode.id), episode_rows))
        session_rows, assessment_rows, effects = [], [], []
        for i, (episode_id, row) in enumerate(zip(episode_ids, episode_rows, strict=True)):
            response = rng.uniform(0.1, 0.8)  # how much of the pain goes by discharge
            first = rng.uniform(0.5, 0.9)
            count = per_episode[i]
            for k in range(count):
                level = first * (1 - response * k / max(1, count - 1))
                before = max(0, min(10, round(10 * level + rng.gauss(0, 0.7))))
                session_rows.append(
                    {
                        "clinic_id": cid,
                        "episode_id": episode_id,
                        "performed_on": row["started_on"] + timedelta(days=3 + 3 * k),
                        "practitioner_npi": "1234567893",
                        "technique": "pistoning",
                        "pain_before": before,
                        "pain_after": max(0, before - rng.randrange(4)),
                        "co_interventions": ["therapeutic_exercise"],
                        "notes": None,
                        "cpt_code": "20561" if k % 3 == 0 else "20560",
                        "precautions": [],
                        "version": 1,
                    }
                )
            function = "ndi" if row["region"] == "cervical" else "odi"
            for instrument in ("nprs", function, "psfs"):
                assessment_rows.append(
                    _assessment(rng, cid, episode_id, instrument, row["started_on"], first)
                )
                if row["status"] == "closed":
                    assessment_rows.append(
                        _assessment(
                            rng,
                            cid,
                            episode_id,
                            instrument,
                            row["ended_on"],
                            first * (1 - response),
                        )
                    )
            if i % 10 == 0:
                assessment_rows.append(
                    _assessment(rng, cid, episode_id, "phq9", row["started_on"], first)
                )
        session_ids = list(
            db.scalars(insert(NeedlingSession).returning(NeedlingSession.id), session_rows)
        )
        for j, session_id in enumerate(session_ids):
            on = session_rows[j]["performed_on"]
            if rng.random() < 0.1 or j % 997 == 0:
                serious = j % 997 == 0
                effects.append(
                    {
                        "clinic_id": cid,
                        "session_id": session_id,
                        "type": "bruising" if not serious else "symptom_aggravation",
                        "severity": "significant" if serious else "mild",
                        "onset_on": on,
                        "resolved": True,
                        "reportable": False,
                        "version": 1,
                        "reported_by": "patient" if j % 50 == 0 else "clinic",
                        "review_status": "awaiting_review" if j % 500 == 0 else "reviewed",
                    }
                )
        db.execute(insert(AdverseEvent), effects)
        assessment_ids = list(
            db.scalars(insert(Assessment).returning(Assessment.id), assessment_rows)
        )
        db.execute(
            insert(Alert),
            [
                {
                    "clinic_id": cid,
                    "patient_id": patient_ids[k],
                    "episode_id": episode_ids[k],
                    "assessment_id": assessment_ids[0],
                    "kind": "phq9_item9",
                    "raised_at": datetime(2025, 6, 1, tzinfo=UTC),
                    "open": True,
                }
                for k in range(5)
            ],
        )
        db.execute(
            insert(Assignment),
            [
                {
                    "clinic_id": cid,
                    "episode_id": episode_ids[k],
                    "instrument": "odi",
                    "reason": "follow_up",
                    "due_on": date.today() + timedelta(days=k % 20 - 10),
                    "cancelled": False,
                }
                for k in range(0, episodes, 7)
            ],
        )
        busiest = max(range(episodes), key=lambda k: (per_episode[k], -k))
        return Seeded(cid, user.id, episode_ids[busiest])
