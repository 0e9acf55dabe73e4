"""The shipped law data: complete, sourced, and consistent with the written rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pinpoint.errors import DataError
from pinpoint.law.consistency import find_problems
from pinpoint.law.jurisdictions import MAPPED_CODES
from pinpoint.law.knowledge import DATA_DIR, load_directory, read_file, shipped
from pinpoint.law.service import law_status
from pinpoint.law.vocabulary import Status

CO_FILE = Path(str(DATA_DIR / "CO.toml"))
CURRENT_CO = 'valid_from = "2018-11-02"\nstatus = "permitted"'


def _write(folder: Path, text: str, name: str = "CO.toml") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _co(old: str, new: str) -> str:
    text = CO_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_every_file_is_consistent_with_the_rule() -> None:
    assert find_problems(shipped()) == []


@pytest.mark.parametrize("code", MAPPED_CODES)
def test_every_state_and_dc_has_a_current_physical_therapist_status_with_a_dated_source(
    code: str,
) -> None:
    answer = law_status(code)
    assert answer.status is not Status.UNKNOWN or code == "PR"
    assert any(source.published for source in answer.sources), code


def test_every_file_says_when_its_sources_were_last_checked() -> None:
    for code, data in shipped().files.items():
        assert data.reviewed_on.start <= date.today(), code


def test_a_record_without_sources_is_refused_naming_file_record_and_field(tmp_path: Path) -> None:
    text = _co('sources = ["kinetacore-2005"]', "sources = []")
    with pytest.raises(DataError) as caught:
        read_file(_write(tmp_path / "d", text))
    message = caught.value.message
    assert "CO.toml" in message
    assert "record 1 (physical_therapist from 2005)" in message
    assert "field sources" in message


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    text = _co(CURRENT_CO, CURRENT_CO + "\nlegal = true")
    with pytest.raises(DataError, match=r"record 3 .*field legal"):
        read_file(_write(tmp_path / "d", text))


def test_a_wrong_type_names_the_claim_and_field(tmp_path: Path) -> None:
    text = _co(
        'id = "pphc-2026"\nprofession = "physical_therapist"\nstatus = "permitted"\n'
        "min_training_hours = 50",
        'id = "pphc-2026"\nprofession = "physical_therapist"\nstatus = "permitted"\n'
        'min_training_hours = "fifty"',
    )
    with pytest.raises(DataError, match=r"claim \d+ \(pphc-2026\), field min_training_hours"):
        read_file(_write(tmp_path / "d", text))


def test_a_record_citing_a_missing_claim_is_refused(tmp_path: Path) -> None:
    text = _co(
        'requirement_sources = ["masterdn-guidelines-2013"]',
        'requirement_sources = ["no-such-claim"]',
    )
    with pytest.raises(DataError, match="no-such-claim"):
        read_file(_write(tmp_path / "d", text))


def test_a_file_without_reviewed_on_is_refused(tmp_path: Path) -> None:
    text = _co('reviewed_on = "2026-12-01"\n', "")
    with pytest.raises(DataError, match="reviewed_on"):
        read_file(_write(tmp_path / "d", text))


def test_a_choice_that_the_rule_would_overturn_is_reported(tmp_path: Path) -> None:
    # Show the undated 46-hour figure instead of the dated 2026 list's 50 hours.
    text = _co(
        'requirement_sources = ["pphc-2026", "therapycomply", "masterdn-scope"]',
        'requirement_sources = ["masterdn-scope"]',
    )
    head, tail = text.rsplit("[records.requirements]", 1)
    tail = tail.replace("min_training_hours = 50", "min_training_hours = 46")
    kb = load_directory(_write(tmp_path / "d", head + "[records.requirements]" + tail).parent)
    problems = find_problems(kb, ["CO"])
    assert any("pphc-2026" in p and "outranks" in p for p in problems)


def test_overlapping_periods_are_reported(tmp_path: Path) -> None:
    text = _co('valid_from = "2012"\nvalid_until = "2018-11-02"', 'valid_from = "2012"')
    kb = load_directory(_write(tmp_path / "d", text).parent)
    assert any("overlaps" in p for p in find_problems(kb, ["CO"]))


def test_new_york_prohibits_physical_therapists_with_dated_sources() -> None:
    answer = law_status("NY")
    assert answer.status is Status.PROHIBITED
    assert all(s.title for s in answer.sources)
    assert any(s.published and s.published >= date(2023, 1, 1) for s in answer.sources)


def test_colorado_shows_the_46_against_50_hour_disagreement() -> None:
    answer = law_status("CO")
    assert answer.requirements.min_training_hours == 50
    hours = [c for c in answer.conflicts if c.field == "min_training_hours"]
    assert [c.claimed for c in hours] == [46]
    assert hours[0].source.title.startswith("Master Dry Needling")
    assert hours[0].reason


def test_the_seed_articles_lists_appear_as_conflicts_where_the_law_had_moved_on() -> None:
    # Consumer article A (2019) calls Kansas "not in scope"; Kansas had a statute since 2016.
    kansas = law_status("KS", on=date(2019, 6, 1))
    assert kansas.status is Status.PERMITTED
    assert any(c.source.title.startswith("Consumer article A") for c in kansas.conflicts)
