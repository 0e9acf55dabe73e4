"""``pinpoint directory``: exit codes and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinpoint.cli import run
from pinpoint.config import Settings
from tests.directory.test_nppes import monthly_rows, write_nppes


@pytest.fixture
def env(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", db_settings.resolved_database_url())
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(db_settings.data_dir))
    return db_settings


def test_import_nppes_prints_its_summary_as_json(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_nppes(tmp_path / "m.csv", monthly_rows())
    assert run(["directory", "import-nppes", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows_read"], summary["added"]) == (14, 7)
    assert run(["directory", "import-nppes", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.csv", None), ("x.txt", "a"), ("empty.csv", ""), ("bad.csv", '"A","B"\n')],
)
def test_import_nppes_refuses_bad_files_with_exit_2(
    env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | None,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    assert run(["directory", "import-nppes", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_import_credentials_reports_rejects(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_nppes(tmp_path / "m.csv", monthly_rows())
    assert run(["directory", "import-nppes", str(tmp_path / "m.csv")]) == 0
    npi = monthly_rows()[0]["NPI"]
    roster = tmp_path / "r.csv"
    roster.write_text(
        "npi,provider,course,hours,in_person_hours,completed_on,certificate_id\n"
        f"{npi},Demo,L1,27,24,2024-01-01,A\n1234567890,Demo,L1,27,24,2024-01-01,B\n"
    )
    capsys.readouterr()
    assert run(["directory", "import-credentials", str(roster), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] == 1
    assert summary["rejected"][0]["row"] == 3
    roster.write_text("npi,provider\n")
    assert run(["directory", "import-credentials", str(roster)]) == 2


def test_demo_file_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.csv"
    assert run(["directory", "demo-file", "--rows", "200", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 200
    assert len(out.read_text().splitlines()) == 201
    assert run(["directory", "demo-file", "--rows", "5", "--out", str(tmp_path / "x.txt")]) == 2
    assert run(["directory", "demo-file", "--rows", "-1", "--out", str(out)]) == 2
