"""``pinpoint law`` as a user runs it: JSON fields, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from pinpoint.cli import run


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_json_has_spec_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "law", "status", "CO", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    for field in (
        "jurisdiction",
        "profession",
        "on",
        "status",
        "since",
        "basis",
        "citation",
        "requirements",
        "sources",
        "conflicts",
    ):
        assert field in data
    for field in (
        "min_training_hours",
        "min_in_person_hours",
        "min_years_licensed",
        "written_consent",
        "may_delegate",
        "notes",
    ):
        assert field in data["requirements"]
    assert {"title", "url", "published"} <= set(data["sources"][0])


def test_new_york_is_prohibited_with_dated_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "status", "ny", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["jurisdiction"] == "NY"
    assert data["status"] == "prohibited"
    assert any(s["published"] for s in data["sources"])


def test_status_on_a_past_date_answers_the_law_then(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "status", "CO", "--on", "2012-06-01", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["on"] == "2012-06-01"
    assert data["status"] == "permitted"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["law", "status", "XX"], "XX"),
        (["law", "status", "CO", "--on", "2026-13-01"], "2026-13-01"),
        (["law", "status", "CO", "--on", "yesterday"], "yesterday"),
        (["law", "status", "CO", "--profession", "dentist"], "dentist"),
        (["law", "list", "--profession", "dentist", "--json"], "dentist"),
        (["law", "list", "--on", "2020-02-30"], "2020-02-30"),
        (["law", "export", "--format", "xml"], "xml"),
        (["law", "status"], "state"),
        (["law", "status", "CO", "--bogus"], "--bogus"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], named: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert named in err
    assert "Traceback" not in err


def test_list_json_covers_every_jurisdiction(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "list", "--json")
    rows = json.loads(out)["jurisdictions"]
    assert code == 0
    assert len(rows) >= 51
    assert {"CO", "NY", "DC"} <= {r["jurisdiction"] for r in rows}


def test_human_output_names_the_status_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "status", "CO")
    assert code == 0
    assert "permitted" in out
    assert "Sources" in out


def test_export_csv_has_a_row_per_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {r["jurisdiction"] for r in rows} >= {"CO", "NY"}
    assert all(r["sources"] for r in rows)


def test_export_json_holds_periods_and_claims(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "law", "export", "--format", "json")
    data = json.loads(out)
    colorado = next(j for j in data["jurisdictions"] if j["jurisdiction"] == "CO")
    assert code == 0
    assert colorado["periods"]
    assert colorado["claims"]


def test_the_installed_command_exits_2_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pinpoint", "law", "status", "XX", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


# ---- pinpoint law check DIR -------------------------------------------------------------


def _law_folder(tmp_path: pytest.TempPathFactory | object, text: str) -> str:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "law"
    folder.mkdir()
    (folder / "CO.toml").write_text(text, encoding="utf-8")
    return str(folder)


def _colorado() -> str:
    from pathlib import Path

    from pinpoint.law.knowledge import DATA_DIR

    return Path(str(DATA_DIR / "CO.toml")).read_text(encoding="utf-8")


def test_check_a_valid_folder_prints_status_now_and_with_it(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    folder = _law_folder(tmp_path, _colorado())
    code, out, err = _run(capsys, "law", "check", folder)
    assert (code, err) == (0, "")
    assert "Valid" in out
    assert "0 of" in out
    assert "would change" in out


def test_check_json_lists_each_jurisdiction_profession_and_start_date(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    text = _colorado().replace(
        "summary = \"Physical therapists may dry needle under the physical therapy board's rule "
        'after at least 50 hours of training, 40 of them in person."',
        'summary = "Physical therapists may dry needle under the board rule after 50 hours."',
    )
    code, out, _ = _run(capsys, "law", "check", _law_folder(tmp_path, text), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["valid"] is True
    assert data["problems"] == []
    assert data["jurisdictions"] == ["CO"]
    rows = data["statuses"]
    assert {r["on"] for r in rows} >= {"2005-01-01", "2012-01-01", "2018-11-02"}
    assert sum(r["today"] for r in rows) == 1
    assert all(
        set(r) == {"jurisdiction", "profession", "on", "today", "before", "after", "changed"}
        for r in rows
    )


def test_check_a_folder_that_fails_the_checks_exits_2_and_lists_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    text = _colorado().replace(
        'valid_from = "2012"\nvalid_until = "2018-11-02"', 'valid_from = "2012"'
    )
    code, out, _ = _run(capsys, "law", "check", _law_folder(tmp_path, text), "--json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False
    assert any("overlaps" in p for p in data["problems"])


def test_check_a_bad_file_is_one_line_naming_file_record_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    text = _colorado().replace('valid_from = "2018-11-02"', 'valid_from = "November 2018"')
    code, out, err = _run(capsys, "law", "check", _law_folder(tmp_path, text))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "CO.toml" in err
    assert "record 3" in err
    assert "valid_from" in err


def test_check_a_missing_folder_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "law", "check", "/no/such/folder")
    assert (code, out) == (2, "")
    assert "/no/such/folder" in err
