"""``pinpoint fhir export`` / ``import``: a clinic moves its records, and back again.

Export a clinic, import it into an empty database, export again: the same resources, apart
from server-assigned ids and timestamps. Importing the same data again changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from pinpoint.care.models import AdverseEvent, NeedlingSession, Patient, Screening, SessionMuscle
from pinpoint.cli import run
from pinpoint.config import Settings
from tests.accounts import factories as accounts
from tests.fhir.conftest import EmptyDatabase, World
from tests.fhir.validation import check_ndjson

TIMESTAMPS = ("meta", "recorded", "issued")


def cli(
    monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path, *args: str
) -> tuple[int, Any, str]:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", url)
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(data_dir))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run([*args, "--json"])
    return code, json.loads(out.getvalue()) if out.getvalue().strip() else None, err.getvalue()


def read_folder(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {f.stem: check_ndjson(f.read_text()) for f in sorted(folder.glob("*.ndjson"))}


def normalized(files: dict[str, list[dict[str, Any]]]) -> str:
    """The export with every server-assigned id replaced by its type and position, and
    timestamps dropped."""
    names: dict[str, str] = {}
    for kind, resources in files.items():
        for i, r in enumerate(resources):
            names[f"{kind}/{r['id']}"] = f"{kind}/#{i}"

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            found = {k: walk(v) for k, v in value.items() if k not in TIMESTAMPS}
            if "resourceType" in value and "id" in value:
                found["id"] = names[f"{value['resourceType']}/{value['id']}"]
            return found
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z]+/[A-Za-z0-9.\-]+", value):
            return names.get(value, value)
        return value

    return json.dumps({k: walk(v) for k, v in files.items()}, sort_keys=True, indent=1)


def without_needler_names(files: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The export with the display dropped from every reference to a Practitioner."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            named = str(value.get("reference", "")).startswith("Practitioner/")
            return {k: walk(v) for k, v in value.items() if not (named and k == "display")}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {kind: walk(resources) for kind, resources in files.items()}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Patient, Screening, NeedlingSession, SessionMuscle, AdverseEvent)
        }


def test_export_import_export_is_identical_and_import_is_idempotent(
    world: World,
    db_settings: Settings,
    empty_db: EmptyDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_url = db_settings.resolved_database_url()
    target_url = empty_db.url
    empty_engine = empty_db.engine
    first, second = tmp_path / "first", tmp_path / "second"
    code, out, err = cli(
        monkeypatch,
        source_url,
        tmp_path,
        "fhir",
        "export",
        "--clinic",
        "Clinic A",
        "--out",
        str(first),
    )
    assert code == 0, err
    assert {f["type"] for f in out["files"]} >= {"Patient", "Procedure", "Observation"}
    exported = read_folder(first)
    assert [p["identifier"][0]["value"] for p in exported["Patient"]] == ["MRN-A1"]

    accounts.clinic(empty_engine, "Clinic A", "CO")
    code, report, err = cli(
        monkeypatch, target_url, tmp_path, "fhir", "import", str(first), "--clinic", "Clinic A"
    )
    assert code == 0, (err, report)
    assert report["ok"] is True
    assert report["created"] > 0
    after_first = counts(empty_engine)
    assert after_first == {
        "patients": 1,
        "screenings": 1,
        "needling_sessions": 2,
        "session_muscles": 5,
        "adverse_events": 2,
    }

    code, _, err = cli(
        monkeypatch,
        target_url,
        tmp_path,
        "fhir",
        "export",
        "--clinic",
        "Clinic A",
        "--out",
        str(second),
    )
    assert code == 0, err
    exported_again = read_folder(second)
    # The needler's name is the directory's, not the record's: the new database's directory
    # has not listed this NPI, so its export names the needler by NPI alone.
    assert "Sam Testperson" in json.dumps(exported["Procedure"])
    assert "Sam Testperson" not in json.dumps(exported_again["Procedure"])
    assert normalized(exported_again) == normalized(without_needler_names(exported))

    code, again, err = cli(
        monkeypatch, target_url, tmp_path, "fhir", "import", str(first), "--clinic", "Clinic A"
    )
    assert code == 0, err
    assert again["created"] == 0
    assert counts(empty_engine) == after_first


def _export_a(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    code, _, err = cli(
        monkeypatch,
        settings.resolved_database_url(),
        tmp_path,
        "fhir",
        "export",
        "--clinic",
        "Clinic A",
        "--out",
        str(folder),
    )
    assert code == 0, err
    return folder


def _import(
    monkeypatch: pytest.MonkeyPatch, db: EmptyDatabase, tmp_path: Path, folder: Path
) -> Any:
    accounts.clinic(db.engine, "Clinic A", "CO")
    target = db.url
    code, report, err = cli(
        monkeypatch, target, tmp_path, "fhir", "import", str(folder), "--clinic", "Clinic A"
    )
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    return {u["name"]: u for u in report["units"]}


def test_a_bad_file_is_rejected_whole_with_fhir_paths(
    world: World,
    db_settings: Settings,
    empty_db: EmptyDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = _export_a(monkeypatch, db_settings, tmp_path)
    patients = folder / "Patient.ndjson"
    good = json.loads(patients.read_text().splitlines()[0])
    bad = dict(
        good,
        id="other",
        birthDate="1980-02-30",
        identifier=[dict(good["identifier"][0], value="MRN-2")],
    )
    patients.write_text("\n".join(json.dumps(r) for r in (good, bad)) + "\n")
    by_file = _import(monkeypatch, empty_db, tmp_path, folder)
    assert by_file["Patient.ndjson"]["committed"] is False
    assert [i["path"] for i in by_file["Patient.ndjson"]["rejected"]] == ["Patient[1].birthDate"]
    # What depends on the rejected file is refused too, naming the reference.
    episodes = by_file["EpisodeOfCare.ndjson"]
    assert episodes["committed"] is False
    assert [i["path"] for i in episodes["rejected"]] == ["EpisodeOfCare[0].patient"]
    assert counts(empty_db.engine)["patients"] == 0
    assert counts(empty_db.engine)["needling_sessions"] == 0


def test_a_procedure_whose_cpt_does_not_match_its_muscles_is_refused(
    world: World,
    db_settings: Settings,
    empty_db: EmptyDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = _export_a(monkeypatch, db_settings, tmp_path)
    procedures = folder / "Procedure.ndjson"
    lines = procedures.read_text().splitlines()
    wrong = json.loads(lines[1])
    wrong["code"]["coding"][0]["code"] = "20560"  # three muscles were needled
    procedures.write_text("\n".join([lines[0], json.dumps(wrong)]) + "\n")
    by_file = _import(monkeypatch, empty_db, tmp_path, folder)
    assert by_file["Patient.ndjson"]["committed"] is True
    assert by_file["Procedure.ndjson"]["committed"] is False
    assert [i["path"] for i in by_file["Procedure.ndjson"]["rejected"]] == ["Procedure[1].code"]
    assert counts(empty_db.engine)["patients"] == 1
    assert counts(empty_db.engine)["needling_sessions"] == 0


def test_import_of_a_bundle_from_everything(
    world: World,
    client: Any,
    empty_db: EmptyDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = client.get(
        f"/fhir/R4/Patient/{world.patient_id}/$everything",
        headers=world.bearer("clin-a@example.org"),
    )
    bundle_file = tmp_path / "everything.json"
    bundle_file.write_text(answer.text)
    empty_engine = empty_db.engine
    accounts.clinic(empty_engine, "Clinic Z", "CO")
    target = empty_db.url
    code, report, err = cli(
        monkeypatch, target, tmp_path, "fhir", "import", str(bundle_file), "--clinic", "Clinic Z"
    )
    assert code == 0, (err, report)
    assert counts(empty_engine)["needling_sessions"] == 2
    code, again, _ = cli(
        monkeypatch, target, tmp_path, "fhir", "import", str(bundle_file), "--clinic", "Clinic Z"
    )
    assert code == 0
    assert again["created"] == 0


def test_cli_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, db_settings: Settings, tmp_path: Path, engine: Engine
) -> None:
    url = db_settings.resolved_database_url()
    code, _, err = cli(monkeypatch, url, tmp_path, "fhir", "export", "--out", str(tmp_path / "x"))
    assert code == 2
    assert "--clinic" in err
    code, _, err = cli(
        monkeypatch,
        url,
        tmp_path,
        "fhir",
        "export",
        "--clinic",
        "Nope",
        "--out",
        str(tmp_path / "y"),
    )
    assert code == 2
    assert "no clinic named 'Nope'" in err
    code, _, err = cli(
        monkeypatch,
        url,
        tmp_path,
        "fhir",
        "export",
        "--directory",
        "--type",
        "Patient",
        "--out",
        str(tmp_path / "z"),
    )
    assert code == 2
    assert "_type" in err
    code, _, err = cli(
        monkeypatch, url, tmp_path, "fhir", "import", str(tmp_path / "missing"), "--clinic", "Nope"
    )
    assert code == 2


def test_bulk_charts_equal_the_api_charts(world: World, engine: Engine) -> None:
    from pinpoint.care import bulk_charts, views
    from pinpoint.care.models import AdverseEvent
    from pinpoint.care.models import Patient as PatientRow
    from pinpoint.db.engine import transaction

    with engine.begin() as conn:  # one report by a patient awaiting review, one reviewed
        events = list(conn.scalars(select(AdverseEvent.id).order_by(AdverseEvent.id)))
        conn.execute(
            update(AdverseEvent)
            .where(AdverseEvent.id == events[0])
            .values(reported_by="patient", review_status="awaiting_review")
        )
        conn.execute(
            update(AdverseEvent)
            .where(AdverseEvent.id == events[1])
            .values(reported_by="patient", reviewed_at=datetime(2025, 3, 13, 9, 30, tzinfo=UTC))
        )
    with transaction(engine) as session:
        ids = list(session.scalars(select(PatientRow.id).order_by(PatientRow.id)))
        fast = bulk_charts.charts(session, ids)
        slow = [views.patient_chart(session, session.get_one(PatientRow, i)) for i in ids]
    for a, b in zip(fast, slow, strict=True):
        assert a.model_dump_json(indent=1).splitlines() == b.model_dump_json(indent=1).splitlines()
