"""``pinpoint find`` and ``pinpoint practitioner``: JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import Engine

from pinpoint.cli import run
from pinpoint.config import Settings
from pinpoint.directory.search import cache
from pinpoint.directory.service import find_practitioners_near
from tests.directory import factories as f

ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))


@pytest.fixture
def env(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", db_settings.resolved_database_url())
    return db_settings


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_find_json_lists_nearest_first(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f.practitioner("80203"), f.practitioner("80202")]
    f.add(engine, rows)
    code, out, err = _run(capsys, "find", "--zip", "80202", "--radius-miles", "10", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["total"] == 2
    assert [r["npi"] for r in data["results"]] == [rows[1]["npi"], rows[0]["npi"]]


def test_find_prints_a_table_for_people(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    f.add(engine, [f.practitioner("80202", last_name="Tablerow")])
    code, out, _ = _run(capsys, "find", "--zip", "80202", "--profession", "physical_therapist")
    assert code == 0
    assert "Tablerow" in out
    assert "1 within 25 miles" in out


def test_find_answers_what_the_index_answers_without_building_it(
    env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command reads the practitioners around its circle only, and its answer is the
    whole index's: order, total, fields, verdicts, pages and filters."""
    rng = random.Random(2)
    zips = ["80202", "80203", "80205", "80301", "80501", "81001", "10001"]
    rows = [
        f.practitioner(
            rng.choice(zips), profession=rng.choice(["physical_therapist", "chiropractor"])
        )
        for _ in range(120)
    ]
    f.add(engine, rows, [f.credential(r["npi"], hours=rng.choice([20, 80])) for r in rows[::2]])
    queries = [
        ["--zip", "80202", "--radius-miles", "30"],
        ["--zip", "80202", "--radius-miles", "60", "--limit", "7", "--offset", "5"],
        ["--zip", "80203", "--radius-miles", "500", "--profession", "chiropractor"],
        ["--zip", "80202", "--radius-miles", "100", "--eligible-only", "--limit", "500"],
    ]

    def refuse(*_args: object) -> None:
        raise AssertionError("pinpoint find built the index of the whole directory")

    monkeypatch.setattr(cache, "current_index", refuse)
    answers = []
    for query in queries:
        code, out, err = _run(capsys, "find", *query, "--json")
        assert (code, err) == (0, "")
        answers.append(json.loads(out))
    monkeypatch.undo()
    for query, answer in zip(queries, answers, strict=True):
        flags = [a for a in query if a != "--eligible-only"]
        options = dict(zip(flags[::2], flags[1::2], strict=True))
        expected = find_practitioners_near(
            engine,
            options["--zip"],
            options["--radius-miles"],
            [options["--profession"]] if "--profession" in options else None,
            "--eligible-only" in query,
            int(options.get("--limit", 50)),
            int(options.get("--offset", 0)),
        )
        assert answer == expected.model_dump(mode="json")
        assert answer["results"]


def test_practitioner_json_and_human(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row])
    code, out, _ = _run(capsys, "practitioner", row["npi"], "--json")
    assert code == 0
    assert json.loads(out)["npi"] == row["npi"]
    code, out, _ = _run(capsys, "practitioner", row["npi"])
    assert code == 0
    assert row["npi"] in out


@pytest.mark.parametrize(
    "args",
    [
        ["find", "--zip", "123"],
        ["find", "--zip", "00000"],
        ["find", "--zip", "09001"],  # an APO code: no centroid to measure from
        ["find", "--zip", "80202", "--radius-miles", "-3"],
        ["find", "--zip", "80202", "--radius-miles", "lots"],
        ["find", "--zip", "80202", "--limit", "0"],
        ["find", "--zip", "80202", "--offset", "-1"],
        ["find", "--zip", "80202", "--profession", "dentist"],
        ["practitioner", "42"],
        ["practitioner", f.npi_from(999_999_997)],
        # Digits int() accepts that are not ASCII: Arabic-Indic, superscript two.
        ["practitioner", f.npi_from(123_456_789).translate(ARABIC_INDIC)],
        ["practitioner", "\u00b2" + f.npi_from(123_456_789)[1:]],
        ["find", "--zip", "80202".translate(ARABIC_INDIC)],
        ["find", "--zip", "\u00b20202"],
        ["find", "--zip", "80202", "--radius-miles", "25".translate(ARABIC_INDIC)],
    ],
)
def test_bad_input_exits_2_with_one_stderr_line(
    env: Settings, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_find_checks_the_schema_version_instead_of_migrating_again(
    env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pinpoint.db import preflight

    def refuse(*_args: object) -> None:
        raise AssertionError("the database is current: no migration should run")

    monkeypatch.setattr(preflight, "upgrade", refuse)
    code, out, err = _run(capsys, "find", "--zip", "80202", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["total"] == 0
