"""`python -m pinpoint.law.consistency` finds bad starts, unstated requirements, placeholders."""

from __future__ import annotations

from pathlib import Path

from pinpoint.law.consistency import find_problems, main
from pinpoint.law.knowledge import load_directory

HEAD = 'jurisdiction = "DE"\nreviewed_on = "2026-12-01"\n'
STATUTE = """
[[claims]]
id = "statute"
profession = "physical_therapist"
status = "permitted"
basis = "statute"
decided_on = "2014-07-01"
min_training_hours = 54
source = { title = "A statute", published = "2014-07-01", tier = 1 }
"""
RECORD = """
[[records]]
profession = "physical_therapist"
valid_from = "2014-07-01"
status = "permitted"
basis = "statute"
summary = "Physical therapists may dry needle under the statute."
sources = ["statute"]

[records.requirements]
min_training_hours = 54
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    folder = tmp_path / "law"
    folder.mkdir(parents=True)
    (folder / "DE.toml").write_text(HEAD + text, encoding="utf-8")
    return find_problems(load_directory(folder), ["DE"])


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, STATUTE + RECORD) == []


def test_a_period_that_starts_before_its_sources_date_is_reported(tmp_path: Path) -> None:
    claim = STATUTE.replace('decided_on = "2014-07-01"\n', "").replace(
        'published = "2014-07-01"', 'published = "2016-01"'
    )
    record = RECORD.replace('valid_from = "2014-07-01"', 'valid_from = "2016-01"')
    early = record.replace('valid_from = "2016-01"', 'valid_from = "2015"')
    assert _problems(tmp_path / "a", claim + record) == []
    problems = _problems(tmp_path / "b", claim + early)
    assert any("starts before its sources' date" in p for p in problems)


def test_a_requirement_its_sources_do_not_state_is_reported(tmp_path: Path) -> None:
    record = RECORD + "written_consent = true\n"
    problems = _problems(tmp_path, STATUTE + record)
    assert problems == [
        "DE physical_therapist from 2014-07-01: requirement written_consent=True is not "
        "stated by any of its sources (statute)"
    ]


def test_a_figure_that_differs_from_its_source_is_reported(tmp_path: Path) -> None:
    record = RECORD.replace("min_training_hours = 54", "min_training_hours = 50")
    problems = _problems(tmp_path, STATUTE + record)
    assert any("min_training_hours=50.0 is not stated" in p for p in problems)


def test_a_placeholder_start_is_reported(tmp_path: Path) -> None:
    record = RECORD.replace('valid_from = "2014-07-01"', 'valid_from = "2014-01"')
    assert any(
        "valid_from 2014-01 is a placeholder date" in p
        for p in _problems(tmp_path, STATUTE + record)
    )


def test_an_estimated_date_is_a_placeholder(tmp_path: Path) -> None:
    article = """
[[claims]]
id = "article"
profession = "physical_therapist"
status = "permitted"
as_of = "2013"
source = { title = "An undated article", tier = 4 }
"""
    record = RECORD.replace('valid_from = "2014-07-01"', 'valid_from = "2013"').replace(
        'sources = ["statute"]',
        'sources = ["article", "statute"]\nrequirement_sources = ["statute"]',
    )
    problems = _problems(tmp_path, STATUTE + article + record)
    assert any("valid_from 2013 is a placeholder date" in p for p in problems)


def test_an_invented_since_is_a_placeholder(tmp_path: Path) -> None:
    record = RECORD.replace('status = "permitted"', 'since = "2010"\nstatus = "permitted"')
    assert any(
        "since 2010 is a placeholder date" in p for p in _problems(tmp_path, STATUTE + record)
    )


def test_the_module_exits_0_on_the_shipped_data(capsys: object) -> None:
    assert main([]) == 0
