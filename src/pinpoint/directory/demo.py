"""The synthetic demo directory for ``pinpoint serve --demo``: about 50,000 practitioners.

The first start writes a synthetic NPPES file (kept zipped in the data folder), imports it
as synthetic practitioners and gives about a third of them dry needling training; later
starts find the directory filled and return at once.
"""

from __future__ import annotations

import random
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from pinpoint.config import Settings
from pinpoint.directory.demo_file import write_demo_file
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.directory.nppes import import_nppes
from pinpoint.directory.search.cache import invalidate

DEMO_ROWS = 200_000
DEMO_RELEVANT_SHARE = 0.25  # about 49,500 practitioners kept
DEMO_SEED = 2026
TRAINED_SHARE = 0.35
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
    _add_training(engine)
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


def _add_training(engine: Engine) -> None:
    rng = random.Random(DEMO_SEED)  # noqa: S311 - synthetic data, not security
    with engine.begin() as conn:
        npis = list(conn.scalars(select(Practitioner.npi).order_by(Practitioner.npi)))
        rows: list[dict[str, object]] = []
        for npi in npis:
            if rng.random() >= TRAINED_SHARE:
                continue
            for course in rng.sample(_COURSES, rng.choice((1, 1, 2, 3))):
                provider, title, hours, in_person = course
                completed = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
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
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(TrainingCredential), rows[start : start + 5_000])
