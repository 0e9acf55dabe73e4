"""The synthetic demo directory for ``pinpoint serve --demo``: about 50,000 practitioners.

The first start writes a synthetic NPPES file (kept zipped in the data folder), imports it
as synthetic practitioners and gives about a third of them dry needling training; of those
whose state's law asks for a filing with the board before needling (Florida's attestation,
Maryland's registration...), most have made it. Later starts find the directory filled and
return at once.
"""

from __future__ import annotations

import random
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from pinpoint.config import Settings
from pinpoint.directory.demo_file import write_demo_file
from pinpoint.directory.models import BoardFiling, Practitioner, TrainingCredential
from pinpoint.directory.nppes import import_nppes
from pinpoint.directory.schemas_filings import FilingKind
from pinpoint.directory.search.cache import invalidate
from pinpoint.errors import InvalidInput
from pinpoint.law.service import law_status
from pinpoint.law.vocabulary import Profession

DEMO_ROWS = 200_000
DEMO_RELEVANT_SHARE = 0.25  # about 49,500 practitioners kept
DEMO_SEED = 2026
TRAINED_SHARE = 0.35
FILED_SHARE = 0.8  # of the trained whose state's law asks for a filing with the board
# The kind of filing a law's wording names, first match; proof of training otherwise.
_KIND_WORDS = (
    ("attestation", FilingKind.ATTESTATION),
    ("acknowledgement", FilingKind.ACKNOWLEDGEMENT),
    ("registration", FilingKind.REGISTRATION),
    ("approval", FilingKind.BOARD_APPROVAL),
)
_COURSES = (
    ("Demo Dry Needling Institute", "Dry Needling Level 1", 27.0, 24.0),
    ("Demo Dry Needling Institute", "Dry Needling Level 2", 27.0, 24.0),
    ("Synthetic Myofascial Academy", "Trigger Point Dry Needling", 54.0, 46.0),
    ("Synthetic Myofascial Academy", "Dry Needling of the Spine", 16.0, 16.0),
    ("Example Needling Online", "Dry Needling Theory (online)", 12.0, 0.0),
)


def demo_file_path(settings: Settings) -> Path:
    return settings.data_dir / "demo" / f"npidata_pfile_demo_{DEMO_ROWS}_{DEMO_SEED}.zip"


def load_demo_directory(engine: Engine, settings: Settings) -> None:
    """Fill an empty directory with the synthetic demo practitioners (idempotent)."""
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Practitioner)):
            return
    archive = demo_file_path(settings)
    if not archive.is_file():
        _write_archive(archive)
    import_nppes(engine, archive, progress=False, synthetic=True)
    _add_training_and_filings(engine)
    invalidate(engine)


def _write_archive(archive: Path) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pinpoint-demo-") as tmp:
        csv_path = Path(tmp) / archive.with_suffix(".csv").name
        write_demo_file(csv_path, DEMO_ROWS, DEMO_SEED, relevant_share=DEMO_RELEVANT_SHARE)
        partial = archive.with_suffix(".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.write(csv_path, csv_path.name)
        partial.replace(archive)


def _add_training_and_filings(engine: Engine) -> None:
    rng = random.Random(DEMO_SEED)  # noqa: S311 - synthetic data, not security
    filing_rng = random.Random(DEMO_SEED + 1)  # noqa: S311 - its own: the courses stay as they were
    today, now = date.today(), datetime.now(UTC)
    with engine.begin() as conn:
        people = conn.execute(
            select(Practitioner.npi, Practitioner.state, Practitioner.profession).order_by(
                Practitioner.npi
            )
        ).all()
        rows: list[dict[str, object]] = []
        filings: list[dict[str, object]] = []
        for npi, state, profession in people:
            if rng.random() >= TRAINED_SHARE:
                continue
            trained_on = today
            for course in rng.sample(_COURSES, rng.choice((1, 1, 2, 3))):
                provider, title, hours, in_person = course
                completed = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
                trained_on = min(trained_on, completed)
                rows.append(
                    {
                        "npi": npi,
                        "provider": provider,
                        "course": title,
                        "hours": hours,
                        "in_person_hours": in_person,
                        "completed_on": completed,
                        "certificate_id": f"DEMO-{npi}-{len(rows)}",
                        "licensed_since": completed - timedelta(days=365 * rng.randrange(1, 15)),
                        "supervised_sessions": rng.choice((None, 0, 50, 200)),
                    }
                )
            kind = _filing_asked(state, profession, today)
            if kind is not None and filing_rng.random() < FILED_SHARE:
                filings.append(
                    {
                        "npi": npi,
                        "state": state,
                        "kind": kind.value,
                        "filed_on": trained_on + timedelta(days=filing_rng.randrange(1, 60)),
                        "reference": f"DEMO-{state}-{npi}",
                        "expires_on": None,
                        "recorded_by": None,
                        "recorded_at": now,
                    }
                )
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(TrainingCredential), rows[start : start + 5_000])
        for start in range(0, len(filings), 5_000):
            conn.execute(insert(BoardFiling), filings[start : start + 5_000])


def _filing_asked(state: str | None, profession: str, on: date) -> FilingKind | None:
    """The kind of filing with the board ``state``'s law asks of ``profession`` before
    needling on ``on``, or None when it asks for none."""
    if not state:
        return None
    try:
        rules = law_status(state, Profession(profession), on).requirements
    except InvalidInput:  # a place outside the law base (the demo file is all US states)
        return None
    if not rules.registration_required:
        return None
    wording = (rules.filing or "").lower()
    return next((k for word, k in _KIND_WORDS if word in wording), FilingKind.PROOF_OF_TRAINING)
