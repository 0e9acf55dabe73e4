"""``pinpoint score`` as a user runs it: JSON shape, plain words, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pinpoint.cli import run

SPEC_FIELDS = {"instrument", "score", "max", "missing_items", "band"}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_json_has_the_spec_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "score", "odi", "1,2,3,,4,5,0,1,2,3", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) >= SPEC_FIELDS
    assert data["instrument"] == "odi"
    assert data["score"] == pytest.approx(21 / 45 * 100)
    assert (data["max"], data["missing_items"], data["band"]) == (100, [4], "severe")
    assert data["version"] == "ODI 2.1a"


def test_score_without_a_score_is_null_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "score", "odi", "1,2,,,4,5,0,1,2,3", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["score"], data["band"], data["missing_items"]) == (None, None, [3, 4])
    assert "at most 1" in data["reason"]


def test_score_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "score", "odi", "1,2,3,,4,5,0,1,2,3")
    assert code == 0
    assert out.splitlines()[0] == (
        "Oswestry Disability Index, ODI 2.1a: 46.7 % (out of 100), severe disability"
    )
    assert "scored without 4 (Walking)" in out


def test_phq9_item_9_shows_the_crisis_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "score", "phq9", "0,0,0,0,0,0,0,0,2")
    assert code == 0
    assert "988" in out
    code, out, _ = _run(capsys, "score", "phq9", "0,0,0,0,0,0,0,0,2", "--json")
    assert json.loads(out)["item9_positive"] is True


def test_psfs_takes_activity_names(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", "psfs", "3,4,8", "--activity", "Walking", "--activity", "Driving"]
    code, out, _ = _run(capsys, *args, "--activity", "Sleeping", "--json")
    data = json.loads(out)
    assert (code, data["score"], data["activities"]) == (0, 5.0, ["Walking", "Driving", "Sleeping"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["score", "xyz", "1"], "unknown instrument 'xyz'"),
        (["score", "odi", "1,2,3"], "takes 10 section answers, got 3"),
        (["score", "odi", "1,2,9,,4,5,0,1,2,3"], "section 3 (Lifting) is out of range"),
        (["score", "nprs", "seven"], "item 1 (Pain intensity) must be a whole number"),
        (["score", "nprs", "\u0663"], "must be a whole number"),
        (["score", "nprs", "99999999999999999999999"], "out of range"),
        (["score", "psfs", "1,2,3", "--activity", "Walking"], "one activity name per rating"),
        (["score", "nprs"], "Missing argument"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert words in err


def test_the_installed_command_exits_2_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pinpoint", "score", "phq9", "0,0,0,0,0,0,0,0,true"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: item 9 (Thoughts of self-harm) must be a whole number, got 'true': "
        "answer a whole number from 0 to 3, or leave it blank"
    ]
