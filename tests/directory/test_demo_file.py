"""Synthetic NPPES files: the exact header, every field quoted, deterministic, synthetic."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pinpoint.directory.demo_file import write_demo_file, write_weekly_demo_file
from pinpoint.directory.npi import is_valid_npi
from pinpoint.directory.nppes import NPPES_COLUMNS

REFERENCE_HEADER = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "nppes" / "npidata_header.txt"
)


def test_the_format_has_the_330_reference_columns_in_order() -> None:
    if not REFERENCE_HEADER.is_file():
        pytest.skip("shared/reference is not beside the checkout")
    assert list(NPPES_COLUMNS) == REFERENCE_HEADER.read_text().splitlines()
    assert len(NPPES_COLUMNS) == 330


def test_demo_file_has_the_exact_quoted_header_and_330_quoted_fields(tmp_path: Path) -> None:
    path = tmp_path / "demo.csv"
    write_demo_file(path, 500, seed=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(f'"{c}"' for c in NPPES_COLUMNS)
    assert len(lines) == 501
    for text in lines[1:]:
        assert text.startswith('"')
        assert text.endswith('"')
        assert text.count('","') == 329
    rows = list(csv.reader(lines[1:]))
    assert {len(r) for r in rows} == {330}


def test_demo_files_are_deterministic(tmp_path: Path) -> None:
    write_demo_file(tmp_path / "a.csv", 300, seed=5)
    write_demo_file(tmp_path / "b.csv", 300, seed=5)
    write_demo_file(tmp_path / "c.csv", 300, seed=6)
    a = (tmp_path / "a.csv").read_bytes()
    assert a == (tmp_path / "b.csv").read_bytes()
    assert a != (tmp_path / "c.csv").read_bytes()


def test_demo_names_are_clearly_synthetic_and_kept_npis_valid(tmp_path: Path) -> None:
    manifest = write_demo_file(tmp_path / "demo.csv", 3_000, seed=1)
    with (tmp_path / "demo.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    surnames = {r["Provider Last Name (Legal Name)"] for r in rows} - {""}
    assert surnames
    assert all(s.startswith("DEMO-") for s in surnames)
    assert all(is_valid_npi(n) for n in manifest.kept_npis)
    assert 0.03 < manifest.relevant_rows / manifest.rows < 0.08


def test_demo_file_carries_every_tricky_case(tmp_path: Path) -> None:
    manifest = write_demo_file(tmp_path / "demo.csv", 20_000, seed=2)
    assert manifest.rejected["bad_npi_check_digit"] > 0
    assert manifest.rejected["missing_last_name"] > 0
    assert manifest.no_geocode > 0
    assert manifest.reactivated > 0
    assert manifest.zip4 > 0
    assert manifest.deactivation_notices > 0
    with (tmp_path / "demo.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    notices = [r for r in rows if r["NPI Deactivation Date"] and not r["Entity Type Code"]]
    assert notices
    assert all(sum(1 for v in r.values() if v) == 2 for r in notices)
    assert any(r["Healthcare Provider Primary Taxonomy Switch_2"] == "Y" for r in rows)
    orgs_with_pt = [
        r
        for r in rows
        if r["Entity Type Code"] == "2" and r["Healthcare Provider Taxonomy Code_1"] == "225100000X"
    ]
    assert orgs_with_pt


def test_weekly_file_reissues_and_deactivates_base_npis(tmp_path: Path) -> None:
    base = write_demo_file(tmp_path / "m.csv", 2_000, seed=4)
    weekly = write_weekly_demo_file(tmp_path / "w.csv", base_rows=2_000, rows=200, seed=4)
    assert weekly.rows == 200
    assert weekly.updated > 0
    assert weekly.deactivated > 0
    assert weekly.added >= 0
    updated = set(weekly.kept_npis) & set(base.kept_npis)
    assert len(updated) == weekly.updated
