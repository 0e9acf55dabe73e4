"""``pinpoint clinic create`` and ``pinpoint user create``: exit codes and one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pinpoint.accounts.service import authenticate
from pinpoint.cli import run
from pinpoint.config import Settings
from tests.accounts.factories import PASSWORD


@pytest.fixture
def cli_db(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", db_settings.resolved_database_url())
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(db_settings.data_dir))
    return db_settings


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _one_line_error(err: str) -> str:
    assert err.count("\n") == 1, err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    return err


def test_clinic_create_prints_json(cli_db: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["clinic", "create", "Front Range PT", "--state", "co", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"id": out["id"], "name": "Front Range PT", "state": "CO"}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["clinic", "create", "X", "--state", "ZZ"], "ZZ"),
        (["clinic", "create", " ", "--state", "CO"], "name"),
        (["clinic", "create", "X"], "--state"),
    ],
)
def test_clinic_create_reports_bad_input_on_one_line(
    cli_db: Settings, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert run(argv) == 2
    assert needle in _one_line_error(capsys.readouterr().err)


def test_a_duplicate_clinic_exits_2(cli_db: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["clinic", "create", "Front Range PT", "--state", "CO"]) == 0
    assert run(["clinic", "create", "Front Range PT", "--state", "CO"]) == 2
    assert "already exists" in _one_line_error(capsys.readouterr().err)


def test_user_create_reads_the_password_from_stdin(
    cli_db: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(["clinic", "create", "Front Range PT", "--state", "CO"]) == 0
    capsys.readouterr()
    _stdin(monkeypatch, PASSWORD + "\n")
    argv = ["user", "create", "Ana@Example.org", "--role", "clinician"]
    assert run([*argv, "--clinic", "Front Range PT", "--password-stdin", "--json"]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out
    body = json.loads(out)
    assert body == {
        "id": body["id"],
        "email": "ana@example.org",
        "role": "clinician",
        "clinic": "Front Range PT",
    }
    assert authenticate(engine, "ana@example.org", PASSWORD).user_id == body["id"]


def test_user_create_without_stdin_prints_a_generated_password_once(
    cli_db: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["user", "create", "op@example.org", "--role", "operator", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert len(body["password"]) >= 20
    assert authenticate(engine, "op@example.org", body["password"]).clinic_id is None
    assert run(["user", "create", "op2@example.org", "--role", "operator"]) == 0
    text = capsys.readouterr().out
    assert "Password (shown once" in text


def test_the_password_is_never_an_option(
    cli_db: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["user", "create", "op@example.org", "--role", "operator", "--password", PASSWORD]
    assert run(argv) == 2
    _one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("argv", "stdin", "needle"),
    [
        (["user", "create", "a@example.org", "--role", "surgeon"], "", "role"),
        (["user", "create", "a@example.org", "--role", "clinician"], "", "clinic"),
        (
            ["user", "create", "a@example.org", "--role", "clinician", "--clinic", "Nowhere"],
            "",
            "Nowhere",
        ),
        (["user", "create", "nope", "--role", "operator"], "", "email"),
        (
            ["user", "create", "a@example.org", "--role", "operator", "--password-stdin"],
            "short\n",
            "10 characters",
        ),
        (
            ["user", "create", "a@example.org", "--role", "operator", "--password-stdin"],
            "",
            "standard input",
        ),
    ],
)
def test_user_create_reports_bad_input_on_one_line(
    cli_db: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    needle: str,
) -> None:
    _stdin(monkeypatch, stdin)
    assert run(argv) == 2
    assert needle in _one_line_error(capsys.readouterr().err)


def test_the_cli_migrates_a_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert run(["clinic", "create", "Front Range PT", "--state", "CO", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "CO"
