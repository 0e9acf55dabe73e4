"""Corrections without a release: PINPOINT_LAW_DIR overlays, reviewed_on, and law check."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pinpoint.errors import DataError, InvalidInput
from pinpoint.law.knowledge import DATA_DIR, LAW_DIR_ENV, use_folder
from pinpoint.law.overlay import check_folder
from pinpoint.law.service import law_status, list_law
from pinpoint.law.vocabulary import Status

CO_TEXT = Path(str(DATA_DIR / "CO.toml")).read_text(encoding="utf-8")
TODAY = date.today()
CHANGE = TODAY - timedelta(days=10)

# An operator's correction: Colorado physical therapists lose the right from a new date.
BAN = f"""
[[claims]]
id = "operator-ban"
profession = "physical_therapist"
status = "prohibited"
basis = "statute"
decided_on = "{TODAY - timedelta(days=10)}"
citation = "Hypothetical act"
source = {{ title = "Hypothetical statute", published = "{CHANGE}", tier = 1 }}

[[records]]
profession = "physical_therapist"
valid_from = "{TODAY - timedelta(days=10)}"
status = "prohibited"
basis = "statute"
citation = "Hypothetical act"
summary = "A hypothetical act ends dry needling by physical therapists."
sources = ["operator-ban"]
"""


def _corrected_colorado(reviewed: str = "2026-12-01") -> str:
    text = CO_TEXT.replace('reviewed_on = "2026-12-01"', f'reviewed_on = "{reviewed}"')
    last = 'valid_from = "2018-11-02"\nstatus = "permitted"'
    text = text.replace(
        last,
        f'valid_from = "2018-11-02"\nvalid_until = "{CHANGE}"\nstatus = "permitted"',
    )
    return text + BAN


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "law"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def overlay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = _folder(tmp_path, {"CO.toml": _corrected_colorado()})
    monkeypatch.setenv(LAW_DIR_ENV, str(folder))
    return folder


@pytest.mark.usefixtures("overlay")
def test_an_overlay_file_replaces_its_jurisdiction() -> None:
    assert law_status("CO").status is Status.PROHIBITED
    assert law_status("CO", on=date(2015, 1, 1)).status is Status.PERMITTED
    assert law_status("NY").status is Status.PROHIBITED  # untouched jurisdictions stay shipped
    listed = {a.jurisdiction: a.status for a in list_law().jurisdictions}
    assert listed["CO"] is Status.PROHIBITED


def test_without_the_setting_the_shipped_answer_returns(
    overlay: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert law_status("CO").status is Status.PROHIBITED
    monkeypatch.delenv(LAW_DIR_ENV)
    assert law_status("CO").status is Status.PERMITTED


def test_a_bad_overlay_file_is_refused_naming_file_record_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _corrected_colorado().replace(
        'summary = "A hypothetical act ends dry needling by physical therapists."',
        'summary = "A hypothetical act ends dry needling by physical therapists."\ncolour = "red"',
    )
    monkeypatch.setenv(LAW_DIR_ENV, str(_folder(tmp_path, {"CO.toml": bad})))
    with pytest.raises(DataError) as caught:
        law_status("CO")
    assert "CO.toml" in caught.value.message
    assert "record 4 (physical_therapist from" in caught.value.message
    assert "field colour" in caught.value.message


def test_an_overlay_that_fails_the_checks_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overlapping = _corrected_colorado().replace(
        f'valid_until = "{TODAY - timedelta(days=10)}"\n', ""
    )
    monkeypatch.setenv(LAW_DIR_ENV, str(_folder(tmp_path, {"CO.toml": overlapping})))
    with pytest.raises(DataError, match="overlaps"):
        law_status("CO")


def test_a_missing_overlay_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LAW_DIR_ENV, "/nonexistent/law-folder")
    with pytest.raises(DataError, match="not a folder"):
        law_status("CO")


def test_use_folder_checks_at_once_and_then_answers(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"CO.toml": _corrected_colorado()})
    try:
        use_folder(folder)
        assert law_status("CO").status is Status.PROHIBITED
        with pytest.raises(DataError):
            use_folder(tmp_path / "missing")
    finally:
        use_folder(None)
    assert law_status("CO").status is Status.PERMITTED


def test_reviewed_on_is_in_the_answer_and_an_old_review_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = law_status("CO")
    assert shipped.reviewed_on == date(2026, 12, 1)
    assert shipped.review_overdue is (TODAY - date(2026, 12, 1) > timedelta(days=365))
    old = _folder(tmp_path, {"CO.toml": _corrected_colorado(reviewed="2020-01-15")})
    monkeypatch.setenv(LAW_DIR_ENV, str(old))
    answer = law_status("CO")
    assert answer.reviewed_on == date(2020, 1, 15)
    assert answer.review_overdue is True


def test_check_folder_lists_status_today_and_on_each_start_date(tmp_path: Path) -> None:
    report = check_folder(_folder(tmp_path, {"CO.toml": _corrected_colorado()}))
    assert report.valid
    assert report.jurisdictions == ["CO"]
    today = [
        s for s in report.statuses if s.on == TODAY and s.profession.value == "physical_therapist"
    ]
    assert [(s.before, s.after) for s in today] == [(Status.PERMITTED, Status.PROHIBITED)]
    starts = {s.on for s in report.statuses}
    assert {
        date(2005, 1, 1),
        date(2012, 1, 1),
        date(2018, 11, 2),
        TODAY - timedelta(days=10),
    } <= starts
    assert [s.on for s in report.changes] == [TODAY - timedelta(days=10), TODAY]


def test_check_folder_reports_failed_checks_as_problems(tmp_path: Path) -> None:
    overlapping = _corrected_colorado().replace(
        f'valid_until = "{TODAY - timedelta(days=10)}"\n', ""
    )
    report = check_folder(_folder(tmp_path, {"CO.toml": overlapping}))
    assert not report.valid
    assert any("overlaps" in p for p in report.problems)


def test_check_folder_refuses_a_bad_file_naming_it(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, {"CO.toml": CO_TEXT.replace('status = "permitted"', 'status = "allowed"', 1)}
    )
    with pytest.raises(InvalidInput, match=r"CO\.toml.*claim 1 \(kinetacore-2005\), field status"):
        check_folder(folder)


def test_check_folder_refuses_a_file_named_for_another_state(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"NY\.toml holds jurisdiction CO"):
        check_folder(_folder(tmp_path, {"NY.toml": CO_TEXT}))
