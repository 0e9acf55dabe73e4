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


def test_every_file_is_consistent_with_the_rule() -> None:
    assert find_problems(shipped()) == []


@pytest.mark.parametrize("code", MAPPED_CODES)
def test_every_state_and_dc_has_a_current_physical_therapist_status_with_a_dated_source(
    code: str,
) -> None:
    answer = law_status(code)
    assert answer.status is not Status.UNKNOWN or code == "PR"
    assert any(source.published for source in answer.sources), code


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "CO.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_record_without_sources_is_refused(tmp_path: Path) -> None:
    text = CO_FILE.read_text(encoding="utf-8").replace(
        'sources = ["idn-governor-2013"', "sources = [] #"
    )
    with pytest.raises(DataError, match="sources"):
        read_file(_write(tmp_path / "d", text))


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    text = CO_FILE.read_text(encoding="utf-8").replace(
        'status = "permitted"\nbasis = "regulation"\ncitation = "4 CCR',
        'status = "permitted"\nlegal = true\nbasis = "regulation"\ncitation = "4 CCR',
    )
    with pytest.raises(DataError, match="legal"):
        read_file(_write(tmp_path / "d", text))


def test_a_record_citing_a_missing_claim_is_refused(tmp_path: Path) -> None:
    text = CO_FILE.read_text(encoding="utf-8").replace(
        'requirement_sources = ["pphc-2026"]', 'requirement_sources = ["no-such-claim"]'
    )
    with pytest.raises(DataError, match="no-such-claim"):
        read_file(_write(tmp_path / "d", text))


def test_a_choice_that_the_rule_would_overturn_is_reported(tmp_path: Path) -> None:
    # Show the undated 46-hour figure instead of the dated 2026 list's 50 hours.
    text = CO_FILE.read_text(encoding="utf-8").replace(
        'requirement_sources = ["pphc-2026"]', 'requirement_sources = ["masterdn-scope"]'
    )
    claims, requirements = text.split("[records.requirements]")
    requirements = requirements.replace("min_training_hours = 50", "min_training_hours = 46")
    text = claims + "[records.requirements]" + requirements
    kb = load_directory(_write(tmp_path / "d", text).parent)
    problems = find_problems(kb, ["CO"])
    assert any("pphc-2026" in p and "outranks" in p for p in problems)


def test_overlapping_periods_are_reported(tmp_path: Path) -> None:
    text = CO_FILE.read_text(encoding="utf-8")
    start = text.index("[[records]]")
    end = text.index("[records.requirements]")
    duplicate = text[start:end].replace('valid_from = "2012"', 'valid_from = "2020"')
    kb = load_directory(_write(tmp_path / "d", text + "\n" + duplicate).parent)
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
