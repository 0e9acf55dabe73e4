"""``pinpoint directory``: exit codes and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pinpoint.cli import run
from pinpoint.config import Settings
from tests.directory import factories as f
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


def test_a_first_load_reads_the_file_while_the_database_opens(
    env: Settings,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The pass over the file starts before the engine is made, only into an empty
    directory, and the import takes it over: the same summary as reading it afterwards."""
    from pinpoint.directory.nppes import ahead as nppes_ahead
    from pinpoint.directory.nppes import read as nppes_read

    started: list[Path] = []
    real = nppes_read.read_ahead

    def read_ahead(path: Path) -> nppes_read.Ahead | None:
        started.append(path)
        return real(path)

    monkeypatch.setattr(nppes_ahead, "read_ahead", read_ahead)
    path = write_nppes(tmp_path / "m.csv", monthly_rows())
    assert run(["directory", "import-nppes", str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert started == [path]
    assert (first["rows_read"], first["kept"], first["added"]) == (14, 7, 7)
    assert run(["directory", "import-nppes", str(path), "--json"]) == 0  # filled: not ahead
    assert started == [path]
    assert json.loads(capsys.readouterr().out)["unchanged"] == 7


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


def _florida_pt(engine: Engine) -> str:
    row = f.practitioner("33130", state="FL", city="Miami")
    f.add(engine, [row], [f.credential(row["npi"], hours=50, supervised_sessions=25)])
    return str(row["npi"])


def test_add_filing_records_it_and_the_practitioner_becomes_eligible(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    npi = _florida_pt(engine)
    assert run(["practitioner", npi, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["eligibility"]["verdict"] == "training_unknown"
    args = ["directory", "add-filing", npi, "--state", "fl", "--kind", "attestation"]
    assert run([*args, "--filed-on", "2024-05-01", "--reference", "DN-7", "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert (stored["npi"], stored["state"], stored["kind"]) == (npi, "FL", "attestation")
    assert (stored["reference"], stored["expires_on"], stored["recorded_by"]) == (
        "DN-7",
        None,
        None,
    )
    assert run(["practitioner", npi, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["eligibility"]["verdict"] == "eligible"
    assert [b["kind"] for b in shown["filings"]] == ["attestation"]
    assert run([*args, "--filed-on", "2023-01-02", "--expires-on", "2023-12-31"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        f"Recorded attestation for NPI {npi} in FL, filed 2023-01-02, expires 2023-12-31"
    )


@pytest.mark.parametrize(
    ("options", "word"),
    [
        (["--state", "XX"], "state"),
        (["--kind", "licence"], "kind"),
        (["--filed-on", "2999-01-01"], "filed_on"),
        (["--filed-on", "2024-13-01"], "filed_on"),
        (["--filed-on", "\u0662\u0660\u0662\u0664-05-01"], "filed_on"),
        (["--expires-on", "2024-01-01"], "expires_on"),
        (["--reference", "DN\u202e7"], "reference"),
    ],
)
def test_add_filing_refuses_bad_input_with_one_line_and_exit_2(
    env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    word: str,
) -> None:
    npi = _florida_pt(engine)
    values = {"--state": "FL", "--kind": "attestation", "--filed-on": "2024-05-01"}
    values.update(dict(zip(options[::2], options[1::2], strict=True)))
    args = [item for pair in values.items() for item in pair]
    assert run(["directory", "add-filing", npi, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {word}: ")
    assert err.count("\n") == 1


def test_add_filing_refuses_unknown_malformed_npis_and_repeats(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    npi = _florida_pt(engine)
    options = ["--state", "FL", "--kind", "attestation", "--filed-on", "2024-05-01"]
    for bad, message in (
        (f.npi_from(999_999_999), "no practitioner with NPI"),
        ("1234567890", "wrong check digit"),
        ("\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0663", "10 digits 0-9"),
    ):
        assert run(["directory", "add-filing", bad, *options]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert err.count("\n") == 1
    assert run(["directory", "add-filing", npi, *options]) == 0
    assert run(["directory", "add-filing", npi, *options]) == 2
    assert "already has this filing on record" in capsys.readouterr().err
    assert run(["directory", "add-filing", npi, "--state", "FL"]) == 2


@pytest.mark.backends("sqlite")
def test_the_command_closes_the_database_before_it_exits(tmp_path: Path) -> None:
    """As a whole process: the import's summary, and SQLite's write-ahead log folded into
    the file (every connection closed) when the process ends."""
    database = tmp_path / "directory.db"
    csv_path = write_nppes(tmp_path / "m.csv", monthly_rows())
    done = subprocess.run(
        [sys.executable, "-m", "pinpoint", "directory", "import-nppes", str(csv_path), "--json"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PINPOINT_DATABASE_URL": f"sqlite:///{database}",
            "PINPOINT_DATA_DIR": str(tmp_path / "data"),
        },
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] > 0
    assert database.is_file()
    assert not Path(f"{database}-wal").exists()
