"""NPPES import: exact counts on a tiny hand-made file, weekly updates, idempotence, failures."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select

from pinpoint.db.models import ImportRun
from pinpoint.directory import zip_table
from pinpoint.directory.demo_file import write_demo_file, write_weekly_demo_file
from pinpoint.directory.models import License, Practitioner
from pinpoint.directory.npi import make_npi
from pinpoint.directory.nppes import NPPES_COLUMNS, import_nppes
from pinpoint.directory.nppes import importer as nppes_importer
from pinpoint.directory.nppes import merge as nppes_merge
from pinpoint.directory.nppes import read as nppes_read
from pinpoint.directory.nppes import write as nppes_write
from pinpoint.directory.nppes.sql import STAGING, Rows
from pinpoint.errors import Conflict, InvalidInput

PRACTICE = "Provider Business Practice Location Address"
SECOND_LINE = "Provider Second Line Business Practice Location Address"
MAILING = "Provider Business Mailing Address"


def npi(n: int) -> str:
    return make_npi(f"{100_000_000 + n:09d}")


def person(n: int, taxonomy: str = "225100000X", **fields: str) -> dict[str, str]:
    """An individual practising in Denver with one taxonomy slot and license."""
    row = {
        "NPI": npi(n),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": f"DEMO-PERSON{n}",
        "Provider First Name": "ALEX",
        "Provider Credential Text": "PT, DPT",
        "Provider First Line Business Mailing Address": "PO BOX 1",
        f"{MAILING} City Name": "BOULDER",
        f"{MAILING} State Name": "CO",
        f"{MAILING} Postal Code": "80301",
        f"{MAILING} Country Code (If outside U.S.)": "US",
        "Provider First Line Business Practice Location Address": "1 MAIN ST",
        f"{PRACTICE} City Name": "DENVER",
        f"{PRACTICE} State Name": "CO",
        f"{PRACTICE} Postal Code": "802021234",
        f"{PRACTICE} Country Code (If outside U.S.)": "US",
        f"{PRACTICE} Telephone Number": "3035550100",
        "Provider Enumeration Date": "05/23/2010",
        "Last Update Date": "07/08/2020",
        "Healthcare Provider Taxonomy Code_1": taxonomy,
        "Provider License Number_1": f"PT{n}",
        "Provider License Number State Code_1": "CO",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
    }
    row.update(fields)
    return row


def notice(n: int, on: str = "01/15/2026") -> dict[str, str]:
    return {"NPI": npi(n), "NPI Deactivation Date": on}


def line(row: dict[str, str]) -> str:
    unknown = set(row) - set(NPPES_COLUMNS)
    assert not unknown, unknown
    return ",".join(f'"{row.get(c, "")}"' for c in NPPES_COLUMNS)


def write_nppes(path: Path, rows: list[dict[str, str]]) -> Path:
    header = ",".join(f'"{c}"' for c in NPPES_COLUMNS)
    path.write_text("\n".join([header, *(line(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def monthly_rows() -> list[dict[str, str]]:
    return [
        person(1),  # PT, ZIP+4, mailing address elsewhere
        person(  # chiropractor in slot 2 behind an unrelated primary
            2,
            "207Q00000X",
            **{
                "Healthcare Provider Taxonomy Code_2": "111N00000X",
                "Provider License Number_2": "DC2",
                "Provider License Number State Code_2": "NM",
                "Healthcare Provider Primary Taxonomy Switch_2": "N",
            },
        ),
        person(  # PT in slot 1, acupuncturist primary in slot 2
            3,
            "2251X0800X",
            **{
                "Healthcare Provider Primary Taxonomy Switch_1": "N",
                "Healthcare Provider Taxonomy Code_2": "171100000X",
                "Provider License Number_2": "AC3",
                "Provider License Number State Code_2": "CA",
                "Healthcare Provider Primary Taxonomy Switch_2": "Y",
            },
        ),
        person(
            4,
            **{
                f"{PRACTICE} Country Code (If outside U.S.)": "CA",
                f"{PRACTICE} State Name": "ONTARIO",
                f"{PRACTICE} Postal Code": "M5V2T6",
            },
        ),
        person(5, **{f"{PRACTICE} Postal Code": ""}),
        person(6, **{"NPI Deactivation Date": "01/01/2020", "NPI Reactivation Date": "02/01/2020"}),
        person(7, NPI=npi(7)[:9] + str((int(npi(7)[9]) + 1) % 10)),  # bad check digit
        person(8, **{"Provider Last Name (Legal Name)": ""}),
        person(9, **{"Last Update Date": "13/45/2020"}),
        person(10, NPI="12345"),
        person(11, "2255A2300X", **{"Entity Type Code": "2"}),  # organisation: skipped
        person(12, "225X00000X"),  # occupational therapist: skipped
        person(13, "2255A2300X"),  # athletic trainer
        notice(14),  # deactivation notice for an NPI not in the directory
    ]


def test_monthly_file_imports_with_exact_counts(engine: Engine, tmp_path: Path) -> None:
    summary = import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    assert summary.rows_read == 14
    assert summary.kept == 7
    assert summary.added == 7
    assert summary.skipped == 2
    assert summary.notices == 1
    assert summary.rejected == {
        "bad_date": 1,
        "bad_npi_check_digit": 1,
        "malformed_npi": 1,
        "missing_last_name": 1,
    }
    assert summary.no_geocode == 2
    # NPI 6 carries a reactivation date, but it was never out of search: not "reactivated".
    assert summary.reactivated == 0
    assert summary.deactivated == 0
    with engine.connect() as conn:
        got = {p.npi: p for p in conn.execute(select(Practitioner))}
    assert set(got) == {npi(n) for n in (1, 2, 3, 4, 5, 6, 13)}
    assert got[npi(1)].profession == "physical_therapist"
    assert got[npi(2)].profession == "chiropractor"
    assert got[npi(2)].taxonomy == "111N00000X"
    assert got[npi(3)].profession == "acupuncturist"
    assert got[npi(13)].profession == "athletic_trainer"


def test_practice_location_is_used_and_zip4_is_cut(engine: Engine, tmp_path: Path) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    with engine.connect() as conn:
        p = conn.execute(select(Practitioner).where(Practitioner.npi == npi(1))).one()
    assert (p.city, p.state, p.zip5, p.country) == ("DENVER", "CO", "80202", "US")
    assert p.address_line == "1 MAIN ST"
    assert p.latitude == pytest.approx(39.75, abs=0.1)
    assert p.longitude == pytest.approx(-104.99, abs=0.1)
    assert p.enumerated_on == date(2010, 5, 23)
    assert p.credential == "PT, DPT"
    assert p.active
    assert p.synthetic is False


def test_foreign_and_missing_zips_are_kept_without_coordinates(
    engine: Engine, tmp_path: Path
) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    with engine.connect() as conn:
        rows = {p.npi: p for p in conn.execute(select(Practitioner))}
    foreign, missing = rows[npi(4)], rows[npi(5)]
    assert (foreign.country, foreign.zip5, foreign.latitude, foreign.state) == (
        "CA",
        None,
        None,
        None,
    )
    assert (missing.zip5, missing.latitude, missing.longitude) == (None, None, None)


def test_a_zip_without_a_centroid_is_not_placed_at_zero_zero(
    engine: Engine, tmp_path: Path
) -> None:
    """The ZIP source lists APO/FPO codes at 0, 0: such a practitioner is kept, unlocated."""
    rows = [person(1, **{f"{PRACTICE} Postal Code": "09001", f"{PRACTICE} State Name": "AE"})]
    summary = import_nppes(engine, write_nppes(tmp_path / "m.csv", rows), progress=False)
    assert (summary.kept, summary.no_geocode) == (1, 1)
    with engine.connect() as conn:
        kept = conn.execute(select(Practitioner)).one()
    assert (kept.zip5, kept.latitude, kept.longitude) == ("09001", None, None)


def test_reactivated_npi_stays_active(engine: Engine, tmp_path: Path) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    with engine.connect() as conn:
        p = conn.execute(select(Practitioner).where(Practitioner.npi == npi(6))).one()
    assert p.active
    assert (p.deactivated_on, p.reactivated_on) == (date(2020, 1, 1), date(2020, 2, 1))


def test_every_license_is_kept_with_its_state(engine: Engine, tmp_path: Path) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    with engine.connect() as conn:
        licenses = conn.execute(
            select(License.number, License.state, License.taxonomy, License.primary)
            .where(License.npi == npi(3))
            .order_by(License.number)
        ).all()
    assert [tuple(r) for r in licenses] == [
        ("AC3", "CA", "171100000X", True),
        ("PT3", "CO", "2251X0800X", False),
    ]


def _snapshot(engine: Engine) -> tuple[list[Any], list[Any]]:
    with engine.connect() as conn:
        people = [tuple(r) for r in conn.execute(select(Practitioner).order_by(Practitioner.npi))]
        licenses = [
            tuple(r)
            for r in conn.execute(
                select(
                    License.npi, License.taxonomy, License.number, License.state, License.primary
                ).order_by(License.npi, License.number)
            )
        ]
    return people, licenses


def test_a_reimport_writes_only_the_rows_that_changed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    staged: list[str] = []
    real_store = nppes_write.Writer.store

    def spy(self: nppes_write.Writer, table: str, rows: Rows) -> None:
        at = rows.columns.index("npi")
        data = rows.data
        records = list(csv.reader(io.StringIO(data))) if isinstance(data, str) else data
        staged.extend(f"{table}:{record[at]}" for record in records)
        real_store(self, table, rows)

    monkeypatch.setattr(nppes_write.Writer, "store", spy)
    rows = monthly_rows()
    rows[0] = person(1, **{f"{PRACTICE} City Name": "GOLDEN"})
    summary = import_nppes(engine, write_nppes(tmp_path / "m2.csv", rows), progress=False)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 6)
    people = {e.rsplit(":", 1)[1] for e in staged if e.startswith(STAGING.practitioners)}
    assert people == {npi(1)}  # the notice for an NPI not in the directory is staged too


def test_a_row_a_status_changed_is_read_again_by_the_next_import(
    engine: Engine, tmp_path: Path
) -> None:
    """The deactivation came from a later file; the monthly file read again brings the row
    back as it says, although the row itself never changed."""
    monthly = write_nppes(tmp_path / "m.csv", monthly_rows())
    import_nppes(engine, monthly, progress=False)
    import_nppes(engine, write_nppes(tmp_path / "w.csv", [notice(1)]), progress=False)
    assert not _active(engine)[npi(1)]
    again = import_nppes(engine, monthly, progress=False)
    assert again.reactivated == 1
    assert _active(engine)[npi(1)]


def test_reimporting_the_same_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "m.csv", monthly_rows())
    import_nppes(engine, path, progress=False)
    before = _snapshot(engine)
    again = import_nppes(engine, path, progress=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
    assert (again.deactivated, again.reactivated) == (0, 0)
    assert _snapshot(engine) == before


def weekly_rows() -> list[dict[str, str]]:
    return [
        person(
            1,
            **{
                f"{PRACTICE} City Name": "AURORA",
                f"{PRACTICE} Postal Code": "80012",
                "Last Update Date": "01/20/2026",
            },
        ),
        person(13, "2255A2300X", **{"Provider License Number_1": "AT-NEW"}),  # license change
        notice(2),
        person(20, "111NR0400X"),
        notice(21),  # unknown NPI: nothing happens
    ]


def test_weekly_file_updates_adds_and_deactivates(engine: Engine, tmp_path: Path) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    weekly = write_nppes(tmp_path / "w.csv", weekly_rows())
    summary = import_nppes(engine, weekly, progress=False)
    assert (summary.added, summary.updated, summary.unchanged) == (1, 2, 0)
    assert (summary.deactivated, summary.reactivated, summary.notices) == (1, 0, 2)
    with engine.connect() as conn:
        rows = {p.npi: p for p in conn.execute(select(Practitioner))}
        at_licenses = conn.scalars(select(License.number).where(License.npi == npi(13))).all()
    assert (rows[npi(1)].city, rows[npi(1)].zip5) == ("AURORA", "80012")
    assert not rows[npi(2)].active
    assert rows[npi(2)].deactivated_on == date(2026, 1, 15)
    assert rows[npi(20)].profession == "chiropractor"
    assert at_licenses == ["AT-NEW"]
    again = import_nppes(engine, weekly, progress=False)
    assert (again.added, again.updated, again.deactivated) == (0, 0, 0)


def test_a_failure_midway_leaves_the_previous_directory(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    before = _snapshot(engine)

    def explode(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(nppes_merge.Merge, "apply_statuses", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        import_nppes(engine, write_nppes(tmp_path / "w.csv", weekly_rows()), progress=False)
    assert _snapshot(engine) == before
    with engine.connect() as conn:
        statuses = conn.scalars(select(ImportRun.status).order_by(ImportRun.id)).all()
    assert statuses == ["succeeded", "failed"]


def _indexes(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    inspector = inspect(engine)
    return {
        str(index["name"])
        for table in (Practitioner.__tablename__, License.__tablename__)
        for index in inspector.get_indexes(table)
    }


def test_a_first_load_that_fails_leaves_the_directory_empty_and_indexed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexes = _indexes(engine)
    assert indexes  # the secondary indexes a first load drops and rebuilds
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a scratch file would go
    assert engine.dialect.name != "sqlite" or str(engine.url.database).startswith(str(tmp_path))

    real_record = nppes_importer._record

    def explode_before_commit(conn: Any, summary: Any, status: str, started: Any) -> None:
        if status == "succeeded":  # every row is written and every index rebuilt by now
            raise RuntimeError("disk full")
        real_record(conn, summary, status, started)

    monkeypatch.setattr(nppes_importer, "_record", explode_before_commit)
    path = write_nppes(tmp_path / "m.csv", monthly_rows())
    with pytest.raises(RuntimeError, match="disk full"):
        import_nppes(engine, path, progress=False)
    assert _snapshot(engine) == ([], [])
    assert _indexes(engine) == indexes
    assert not list(tmp_path.glob("pinpoint-import-*"))  # no scratch file left behind
    monkeypatch.undo()
    assert import_nppes(engine, path, progress=False).added == 7
    with engine.connect() as conn:
        statuses = conn.scalars(select(ImportRun.status).order_by(ImportRun.id)).all()
    assert statuses == ["failed", "succeeded"]


def _foreign_keys(engine: Engine) -> list[str]:
    from sqlalchemy import inspect

    return sorted(str(k["name"]) for k in inspect(engine).get_foreign_keys(License.__tablename__))


def test_a_first_load_ends_with_every_index_and_key(engine: Engine, tmp_path: Path) -> None:
    indexes, keys = _indexes(engine), _foreign_keys(engine)
    assert keys  # the licenses' foreign key, which a first load on PostgreSQL rebuilds
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    assert (_indexes(engine), _foreign_keys(engine)) == (indexes, keys)


@pytest.mark.backends("postgres")  # where a first load builds them after its commit
def test_an_import_builds_what_a_first_load_stopped_after_its_commit_left_out(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexes, keys = _indexes(engine), _foreign_keys(engine)

    def stopped(*args: Any) -> None:
        raise KeyboardInterrupt  # the process stopped between the commit and the builds

    monkeypatch.setattr(nppes_importer, "build_after_commit", stopped)
    path = write_nppes(tmp_path / "m.csv", monthly_rows())
    with pytest.raises(KeyboardInterrupt):
        import_nppes(engine, path, progress=False)
    assert len(_active(engine)) == 7  # the rows are in, committed
    assert _indexes(engine) < indexes
    assert _foreign_keys(engine) == []
    monkeypatch.undo()
    again = import_nppes(engine, path, progress=False)
    assert (again.added, again.unchanged) == (0, 7)
    assert (_indexes(engine), _foreign_keys(engine)) == (indexes, keys)


@pytest.mark.backends("sqlite")  # PostgreSQL's import holds its transaction from the first read
def test_a_first_load_refuses_a_directory_filled_while_it_read(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load on SQLite reads the file before it takes the write lock: another
    import that commits meanwhile wins, and this one changes nothing and says so."""
    real_scan = nppes_importer._scan
    other = write_nppes(tmp_path / "other.csv", [person(60), person(61)])

    def scan_while_another_imports(*args: Any, **kwargs: Any) -> Any:
        result = real_scan(*args, **kwargs)
        monkeypatch.setattr(nppes_importer, "_scan", real_scan)
        import_nppes(engine, other, progress=False)  # commits before this one writes
        return result

    monkeypatch.setattr(nppes_importer, "_scan", scan_while_another_imports)
    with pytest.raises(Conflict, match="another import filled the directory"):
        import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    assert set(_active(engine)) == {npi(60), npi(61)}
    with engine.connect() as conn:
        statuses = conn.scalars(select(ImportRun.status).order_by(ImportRun.id)).all()
    assert statuses == ["succeeded", "failed"]


def test_the_distributed_zip_is_read(engine: Engine, tmp_path: Path) -> None:
    csv_path = write_nppes(tmp_path / "npidata_pfile_20260101-20260107.csv", monthly_rows())
    archive = tmp_path / "NPPES_Data_Dissemination_Weekly.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, csv_path.name)
        zf.writestr("npidata_pfile_20260101-20260107_fileheader.csv", "header only\n")
        zf.writestr("pl_pfile_20260101-20260107.csv", "ignored\n")
    summary = import_nppes(engine, archive, progress=False)
    assert (summary.rows_read, summary.added) == (14, 7)


def test_rows_polars_cannot_parse_are_rejected_not_fatal(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "m.csv", [person(1), person(13, "2255A2300X")])
    with path.open("a") as handle:
        stray_quote = line(person(30)).replace('"DEMO-PERSON30"', '"DEMO-"PERSON30"')
        handle.write(stray_quote + "\n")
        handle.write(line(person(31)) + ',"extra field"\n')
        handle.write(line(person(32)) + "\n")
    summary = import_nppes(engine, path, progress=False)
    assert summary.rejected == {"malformed_row": 1}
    assert (summary.rows_read, summary.added) == (5, 4)


def test_demo_file_imports_as_its_manifest_says(engine: Engine, tmp_path: Path) -> None:
    manifest = write_demo_file(tmp_path / "demo.csv", 4_000, seed=7)
    summary = import_nppes(engine, tmp_path / "demo.csv", progress=False)
    assert summary.rows_read == manifest.rows
    assert summary.kept == summary.added == manifest.kept
    assert summary.rejected == manifest.rejected
    assert summary.no_geocode == manifest.no_geocode
    assert summary.reactivated == 0  # a first load brings nobody back into search
    assert summary.notices == manifest.deactivation_notices
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Practitioner)) == manifest.kept
    weekly = write_weekly_demo_file(tmp_path / "weekly.csv", base_rows=4_000, rows=400, seed=7)
    update = import_nppes(engine, tmp_path / "weekly.csv", progress=False)
    assert (update.added, update.updated, update.deactivated) == (
        weekly.added,
        weekly.updated,
        weekly.deactivated,
    )
    with engine.connect() as conn:
        inactive = conn.scalar(select(func.count()).where(Practitioner.active.is_(False)))
    assert inactive == weekly.deactivated


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("data.txt", "x", "expected a .csv or .zip"),
        ("empty.csv", "", "is empty"),
        ("wrong.csv", '"NPI","Name"\n"1234567893","X"\n', "header lacks column"),
        ("broken.zip", "not a zip", "not a readable zip"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    engine: Engine, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        import_nppes(engine, path, progress=False)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_every_row_read_is_counted_once(engine: Engine, tmp_path: Path) -> None:
    summary = import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    counted = summary.kept + summary.notices + summary.no_longer_relevant + summary.skipped
    assert counted + sum(summary.rejected.values()) == summary.rows_read


def _active(engine: Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        rows = conn.execute(select(Practitioner.npi, Practitioner.active)).all()
    return {row.npi: row.active for row in rows}


def test_a_row_without_a_relevant_taxonomy_takes_the_practitioner_out_of_search(
    engine: Engine, tmp_path: Path
) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    weekly = write_nppes(tmp_path / "w.csv", [person(13, "225X00000X"), person(40, "225X00000X")])
    summary = import_nppes(engine, weekly, progress=False)
    assert (summary.deactivated, summary.deactivated_reasons) == (
        1,
        {"taxonomy_not_relevant": 1},
    )
    assert (summary.no_longer_relevant, summary.skipped) == (1, 1)
    assert (summary.added, summary.updated) == (0, 0)
    with engine.connect() as conn:
        p = conn.execute(select(Practitioner).where(Practitioner.npi == npi(13))).one()
    assert not p.active
    assert (p.profession, p.deactivated_on) == ("athletic_trainer", None)
    assert _active(engine)[npi(1)]
    again = import_nppes(engine, weekly, progress=False)
    assert (again.deactivated, again.no_longer_relevant, again.skipped) == (0, 0, 2)


def test_reactivated_counts_only_practitioners_back_in_search(
    engine: Engine, tmp_path: Path
) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    out = import_nppes(
        engine,
        write_nppes(tmp_path / "w1.csv", [notice(2), person(13, "225X00000X")]),
        progress=False,
    )
    assert out.deactivated_reasons == {"npi_deactivated": 1, "taxonomy_not_relevant": 1}
    assert not _active(engine)[npi(2)]
    assert not _active(engine)[npi(13)]
    back = [
        monthly_rows()[1]
        | {"NPI Deactivation Date": "01/15/2026", "NPI Reactivation Date": "02/01/2026"},
        monthly_rows()[5],  # carries a reactivation date but never left search
        person(13, "2255A2300X"),
        person(
            41, **{"NPI Deactivation Date": "01/01/2020", "NPI Reactivation Date": "02/01/2020"}
        ),
    ]
    summary = import_nppes(engine, write_nppes(tmp_path / "w2.csv", back), progress=False)
    assert (summary.reactivated, summary.deactivated, summary.added) == (2, 0, 1)
    assert _active(engine)[npi(2)]
    assert _active(engine)[npi(13)]


def test_a_later_row_for_the_same_npi_wins(engine: Engine, tmp_path: Path) -> None:
    import_nppes(engine, write_nppes(tmp_path / "m.csv", monthly_rows()), progress=False)
    rows = [
        notice(1),
        person(1, **{"Last Update Date": "01/20/2026"}),  # newer than the notice: stays
        person(3),
        notice(3),  # newer than the row: leaves search
        person(42),
        notice(42),  # a new NPI deactivated in the same file: added, never in search
    ]
    summary = import_nppes(engine, write_nppes(tmp_path / "w.csv", rows), progress=False)
    assert (summary.added, summary.deactivated, summary.deactivated_reasons) == (
        1,
        1,
        {"npi_deactivated": 1},
    )
    active = _active(engine)
    assert active[npi(1)]
    assert not active[npi(3)]
    assert not active[npi(42)]


def test_rows_read_is_exact_whatever_the_batch_size(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nppes_read, "BATCH_ROWS", 16)
    manifest = write_demo_file(tmp_path / "demo.csv", 3_000, seed=11)
    summary = import_nppes(engine, tmp_path / "demo.csv", progress=False)
    assert (summary.rows_read, summary.kept) == (manifest.rows, manifest.kept)


@pytest.mark.parametrize(
    "last",
    [
        "kept",  # the last row is a relevant practitioner
        "skipped",  # an organisation: the pass keeps it only to count
        "repeated",  # an NPI an earlier row had
        "newline",  # a field with a line break: the last line is no whole record
        "unterminated",  # no newline at the end of the file
    ],
)
def test_rows_read_counts_every_row_however_the_file_ends(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str
) -> None:
    counted: list[Path] = []
    real_count = nppes_read.count_rows

    def count_rows(path: Path) -> int:
        counted.append(path)
        return real_count(path)

    monkeypatch.setattr(nppes_importer, "count_rows", count_rows)
    rows = monthly_rows()
    rows.append(
        {
            "kept": person(30),
            "skipped": person(31, **{"Entity Type Code": "2"}),
            "repeated": person(2, "207Q00000X"),
            "newline": person(32, **{SECOND_LINE: "Suite\n2"}),
            "unterminated": person(33),
        }[last]
    )
    path = write_nppes(tmp_path / "m.csv", rows)
    if last == "unterminated":
        path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    summary = import_nppes(engine, path, progress=False)
    assert summary.rows_read == len(rows)
    counted_again = bool(counted)
    assert counted_again == (last == "newline")  # else the pass counted the rows itself


def test_the_search_index_is_refreshed_after_each_successful_import(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Engine] = []
    monkeypatch.setattr(nppes_importer, "invalidate", calls.append)
    monthly = write_nppes(tmp_path / "m.csv", monthly_rows())
    import_nppes(engine, monthly, progress=False)
    assert calls == [engine]
    with pytest.raises(InvalidInput):
        import_nppes(engine, tmp_path / "missing.csv", progress=False)
    assert calls == [engine]
    import_nppes(engine, monthly, progress=False)
    assert calls == [engine, engine]


def test_zip_extraction_and_the_pass_show_progress(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = write_nppes(tmp_path / "npidata_pfile_20260101-20260107.csv", monthly_rows())
    archive = tmp_path / "weekly.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, csv_path.name)
    import_nppes(engine, archive, progress=True)
    err = capsys.readouterr().err
    assert "extracting" in err
    assert "importing" in err


def test_the_zip_table_is_cached_from_zipcodes_and_rebuilt_when_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "zip-centroids.arrow"
    monkeypatch.setattr(zip_table, "cache_path", lambda: cache)
    zip_table.zip_centroids.cache_clear()
    try:
        fresh = zip_table.build_zip_centroids()
        assert zip_table.zip_centroids().equals(fresh)
        assert cache.is_file()
        zip_table.zip_centroids.cache_clear()
        cache.write_bytes(b"not arrow")
        assert zip_table.zip_centroids().equals(fresh)
        assert pl.read_ipc(cache).equals(fresh)
    finally:
        zip_table.zip_centroids.cache_clear()
    assert fresh.filter(pl.col("zip5") == "80202").height == 1


def _repeating_rows() -> list[dict[str, str]]:
    """NPIs whose rows span the file: every later row must win as in a one-pass settle."""
    return [
        person(50, **{"Provider License Number_1": "OLD50"}),
        notice(51),  # a notice, then the practitioner row: the row wins
        person(52),
        person(51),
        person(50, **{"Provider License Number_1": "NEW50", f"{PRACTICE} City Name": "GOLDEN"}),
        notice(52),  # after the row: takes 52 out of search
        person(53),
        person(53, "225X00000X"),  # no longer relevant in the same file: not kept, stays
        notice(54),
        notice(54, on="02/01/2026"),  # the later notice wins
        person(1, **{"Last Update Date": "01/20/2026"}),
        notice(1),  # a practitioner already in the directory, deactivated after its row
        person(13, "225X00000X"),  # in the directory, no longer relevant
        person(13, "2255A2300X"),  # ... and relevant again later in the same file
    ]


_REAL_STREAM_FAST = nppes_read.stream_fast


def _one_row_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand the writer one row at a time, so that every repeated NPI spans batches."""
    real = nppes_read.stream_fast

    def single_rows(*args: Any) -> Any:
        for batch in real(*args):
            yield from batch.iter_slices(1)

    monkeypatch.setattr(nppes_importer, "stream_fast", single_rows)


@pytest.mark.parametrize("into", ["empty", "filled", "itself"])
def test_rows_of_one_npi_in_different_batches_settle_as_in_one(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, into: str
) -> None:
    """The import's result does not depend on where the batches are cut."""
    monthly = write_nppes(tmp_path / "m.csv", monthly_rows())
    repeating = write_nppes(tmp_path / "r.csv", _repeating_rows())
    results = []
    for cut in (False, True):
        with monkeypatch.context() as patch:
            if cut:
                _one_row_batches(patch)
            with engine.begin() as conn:
                conn.execute(delete(License))
                conn.execute(delete(Practitioner))
            if into == "filled":
                import_nppes(engine, monthly, progress=False)
            if into == "itself":  # rows passed over as unchanged, then corrected
                with monkeypatch.context() as whole:
                    whole.setattr(nppes_importer, "stream_fast", _REAL_STREAM_FAST)
                    import_nppes(engine, repeating, progress=False)
            summary = import_nppes(engine, repeating, progress=False)
        results.append((summary.model_dump(exclude={"seconds"}), _snapshot(engine)))
    assert results[0] == results[1]
    _, (_, licenses) = results[1]
    active = _active(engine)
    # 53's last row has no relevant taxonomy: it takes 53 out of search once 53 is in it
    in_search_53 = into != "itself"
    assert [active[npi(n)] for n in (50, 51, 52, 53)] == [True, True, False, in_search_53]
    numbers = {lic[2] for lic in licenses}
    assert "NEW50" in numbers
    assert "OLD50" not in numbers
    if into == "filled":
        assert not active[npi(1)]
        assert active[npi(13)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(
                alphabet=st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]),
                max_size=6,
            ),
            min_size=2,
            max_size=2,
        ),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_rows_are_counted_as_polars_reads_them(
    rows: list[list[str]], newline: str, last_newline: bool
) -> None:
    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = [",".join(quoted(v) for v in row) for row in [["a", "b"], *rows]]
    text = newline.join(lines) + (newline if last_newline else "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_bytes(text.encode())
        expected = pl.read_csv(path, infer_schema=False).height
        assert nppes_read.count_rows(path) == expected == len(rows)
