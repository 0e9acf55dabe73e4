"""Synthetic NPPES files in the exact distributed format, for tests, benchmarks and the demo.

Every attribute of row ``i`` is a hash of ``(seed, i, field)``, so a file is deterministic,
is written in vectorised batches (no Python loop per row or cell), and a weekly file can
re-issue rows of the monthly file it follows. Names are clearly synthetic (last names start
with ``DEMO-``); practice ZIPs are real ZIP codes clustered around real cities.

The mix: about 1% deactivation notices (only NPI and deactivation date), 5% individuals
with a dry-needling-relevant taxonomy, 70% other individuals, 24% organisations (some with
a physical therapy taxonomy, which must not be kept). Among the relevant individuals:
ZIP+4 codes, foreign and missing practice ZIPs, bad check digits, missing last names,
reactivated NPIs, several taxonomies with the primary switch on another slot, and
licenses in several states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from pinpoint.directory.demo_file_draws import between, clustered_zips, pick, unit, zip_rows
from pinpoint.directory.demo_file_vocab import (
    FIRST_NAMES,
    FOREIGN_PLACES,
    ORGANIZATION_TAXONOMIES,
    OTHER_INDIVIDUAL,
    RELEVANT_TAXONOMIES,
    STREETS,
    SURNAMES,
)
from pinpoint.directory.npi import npi_check_digit_expr
from pinpoint.directory.nppes.columns import NPPES_COLUMNS

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BATCH_ROWS = 50_000
NPI_BASE = 100_000_000  # row i gets the 9-digit base NPI_BASE + i

DEACT, RELEVANT, INDIVIDUAL, ORGANIZATION = 0, 1, 2, 3
_KIND_CUTS = (0.01, 0.06, 0.76)

# Flags of relevant rows, as ranges of one uniform draw (mutually exclusive).
_BAD_CHECK = (0.0, 0.004)
_FOREIGN = (0.004, 0.007)
_NO_ZIP = (0.007, 0.010)
_REACTIVATED = (0.010, 0.015)
_NO_NAME = (0.015, 0.016)
_MULTI_SHARE = 0.20
_ZIP4_SHARE = 0.60

_EPOCH = date(1970, 1, 1)
_FIRST_ENUMERATION = (date(2005, 5, 23) - _EPOCH).days
_LAST_UPDATE = (date(2025, 12, 31) - _EPOCH).days
WEEKLY_UPDATE_DAY = date(2026, 2, 2)


@dataclass
class DemoFileManifest:
    """What a generated file contains, so a test can expect exact import results."""

    rows: int = 0
    relevant_rows: int = 0
    kept: int = 0
    added: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    no_geocode: int = 0
    reactivated: int = 0  # kept rows carrying a reactivation date (all stay in search)
    deactivation_notices: int = 0
    zip4: int = 0
    updated: int = 0
    deactivated: int = 0
    kept_npis: list[str] = field(default_factory=list)

    def add(self, other: DemoFileManifest) -> None:
        for name in ("rows", "relevant_rows", "kept", "no_geocode", "reactivated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.deactivation_notices += other.deactivation_notices
        self.zip4 += other.zip4
        for reason, count in other.rejected.items():
            self.rejected[reason] = self.rejected.get(reason, 0) + count
        self.kept_npis.extend(other.kept_npis)


# --- rendering -------------------------------------------------------------------------------


def _npis(idx: U64, bad: BoolArray) -> pl.Series:
    """The NPI of each row: its base, and the right check digit unless ``bad``."""
    base = pl.Series((idx + np.uint64(NPI_BASE)).astype(np.int64)).cast(pl.String)
    check = pl.select(npi_check_digit_expr(pl.lit(base))).to_series()
    check = pl.Series(np.where(bad, (check.to_numpy() + 1) % 10, check.to_numpy()))
    return base + check.cast(pl.String)


def _dates(days: I64) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date).dt.strftime("%m/%d/%Y")


def _lookup(values: tuple[str, ...] | list[str], positions: I64) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(positions)


def _blank(n: int) -> pl.Series:
    return pl.Series([""] * n, dtype=pl.String) if n else pl.Series([], dtype=pl.String)


def _where(mask: BoolArray, yes: pl.Series, no: pl.Series) -> pl.Series:
    return pl.select(pl.when(pl.Series(mask)).then(yes).otherwise(no)).to_series()


def _plan_kinds(seed: int, idx: U64, relevant_share: float = 0.05) -> I64:
    deact, _, other = _KIND_CUTS
    cuts = np.array([deact, deact + relevant_share, max(other, deact + relevant_share)])
    u = unit(seed, idx, 1)
    result: I64 = np.searchsorted(cuts, u, side="right").astype(np.int64)
    return result


@dataclass
class _Batch:
    idx: U64
    kind: I64
    variant: BoolArray  # re-issued by a weekly file: new practice ZIP and update date
    notice: BoolArray  # forced deactivation notice


def _render(seed: int, batch: _Batch) -> tuple[pl.DataFrame, DemoFileManifest]:
    idx, n = batch.idx, len(batch.idx)
    kind = np.where(batch.notice, DEACT, batch.kind)
    rel, org, deact = kind == RELEVANT, kind == ORGANIZATION, kind == DEACT
    flag = np.where(rel, unit(seed, idx, 2), 1.0)
    bad_check, foreign = between(flag, _BAD_CHECK), between(flag, _FOREIGN)
    no_zip, reactivated = between(flag, _NO_ZIP), between(flag, _REACTIVATED)
    no_name = between(flag, _NO_NAME)
    multi = rel & (unit(seed, idx, 3) < _MULTI_SHARE)
    zip4 = (unit(seed, idx, 4) < _ZIP4_SHARE) & ~deact & ~foreign & ~no_zip
    cols: dict[str, pl.Series] = {"NPI": _npis(idx, bad_check)}
    cols["Entity Type Code"] = _lookup(("", "1", "1", "2"), kind)

    table = clustered_zips()
    zrow = np.where(batch.variant, zip_rows(seed, idx, 50), zip_rows(seed, idx, 10))
    mrow = np.where(unit(seed, idx, 5) < 0.7, zrow, zip_rows(seed, idx, 20))
    for prefix, rows, is_practice in (("Mailing", mrow, False), ("Practice Location", zrow, True)):
        col = f"Provider Business {prefix} Address"
        street = _lookup(STREETS, pick(seed, idx, 30 + is_practice, len(STREETS)))
        number = pl.Series(pick(seed, idx, 32 + is_practice, 9000) + 100).cast(pl.String)
        line1 = number + " DEMO " + street + " ST"
        zips = _lookup(table.zips, rows)
        plus4 = pl.Series(pick(seed, idx, 34, 9000) + 1000).cast(pl.String)
        postal = _where(zip4, zips + plus4, zips)
        city, state = _lookup(table.cities, rows), _lookup(table.states, rows)
        country = _blank(n) + "US"
        if is_practice:
            place = pick(seed, idx, 36, len(FOREIGN_PLACES))
            fc, fcity, fstate, fzip = (
                _lookup(tuple(p[k] for p in FOREIGN_PLACES), place) for k in range(4)
            )
            country, city = _where(foreign, fc, country), _where(foreign, fcity, city)
            state, postal = _where(foreign, fstate, state), _where(foreign, fzip, postal)
            postal = _where(no_zip, _blank(n), postal)
        first_line = "Provider First Line Business " + (
            "Mailing Address" if not is_practice else "Practice Location Address"
        )
        cols[first_line] = line1
        cols[f"{col} City Name"] = city
        cols[f"{col} State Name"] = state
        cols[f"{col} Postal Code"] = postal
        cols[f"{col} Country Code (If outside U.S.)"] = country
        phone = pl.Series(pick(seed, idx, 38 + is_practice, 8_999_999_999) + 1_000_000_000)
        cols[f"{col} Telephone Number"] = phone.cast(pl.String)

    enum_days = _FIRST_ENUMERATION + pick(seed, idx, 40, 6000)
    update_days = enum_days + pick(seed, idx, 41, 1 << 20) % (_LAST_UPDATE - enum_days + 1)
    weekly_day = (WEEKLY_UPDATE_DAY - _EPOCH).days
    update_days = np.where(batch.variant, weekly_day, update_days)
    cols["Provider Enumeration Date"] = _dates(enum_days)
    cols["Last Update Date"] = _dates(update_days)
    deact_days = np.where(batch.variant | batch.notice, weekly_day, update_days)
    cols["NPI Deactivation Date"] = _where(deact | reactivated, _dates(deact_days), _blank(n))
    react_days = np.minimum(update_days + 30, _LAST_UPDATE)
    cols["NPI Reactivation Date"] = _where(reactivated, _dates(react_days + 1), _blank(n))

    surname = "DEMO-" + _lookup(SURNAMES, pick(seed, idx, 50, len(SURNAMES)))
    first = _lookup(FIRST_NAMES, pick(seed, idx, 51, len(FIRST_NAMES)))
    middle = _lookup(tuple("ABCDEFGHJKLMNPRSTW") + ("",) * 10, pick(seed, idx, 52, 28))
    person = ~org
    cols["Provider Last Name (Legal Name)"] = _where(person & ~no_name, surname, _blank(n))
    cols["Provider First Name"] = _where(person, first, _blank(n))
    cols["Provider Middle Name"] = _where(person, middle, _blank(n))
    cols["Provider Sex Code"] = _where(
        person, _lookup(("F", "M"), pick(seed, idx, 53, 2)), _blank(n)
    )
    kinds = ("PHYSICAL THERAPY", "HEALTH", "MEDICAL GROUP", "CLINIC")
    org_name = (
        "DEMO " + surname.str.slice(5) + " " + _lookup(kinds, pick(seed, idx, 54, 4)) + " LLC"
    )
    cols["Provider Organization Name (Legal Business Name)"] = _where(org, org_name, _blank(n))
    cols["Employer Identification Number (EIN)"] = _where(org, _blank(n) + "<UNAVAIL>", _blank(n))
    cols["Authorized Official Last Name"] = _where(org, surname, _blank(n))
    cols["Authorized Official First Name"] = _where(org, first, _blank(n))
    cols["Authorized Official Title or Position"] = _where(org, _blank(n) + "OWNER", _blank(n))
    cols["Is Organization Subpart"] = _where(org, _blank(n) + "N", _blank(n))
    cols["Is Sole Proprietor"] = _where(
        person, _lookup(("N", "Y", "X"), pick(seed, idx, 55, 3)), _blank(n)
    )
    certified = unit(seed, idx, 56) < 0.5
    cols["Certification Date"] = _where(certified, cols["Last Update Date"], _blank(n))

    weights = np.array([w for _, w, _ in RELEVANT_TAXONOMIES], dtype=np.float64)
    rel_pick = np.searchsorted(
        np.cumsum(weights) / weights.sum(), unit(seed, idx, 60), side="right"
    )
    rel_pick = np.minimum(rel_pick, len(RELEVANT_TAXONOMIES) - 1)
    other_pick = pick(seed, idx, 61, len(OTHER_INDIVIDUAL))
    rel_codes = _lookup(tuple(c for c, _, _ in RELEVANT_TAXONOMIES), rel_pick)
    main_code = _where(
        rel,
        rel_codes,
        _where(
            org,
            _lookup(ORGANIZATION_TAXONOMIES, pick(seed, idx, 62, len(ORGANIZATION_TAXONOMIES))),
            _lookup(tuple(c for c, _ in OTHER_INDIVIDUAL), other_pick),
        ),
    )
    credential = _where(
        rel,
        _lookup(tuple(c for _, _, c in RELEVANT_TAXONOMIES), rel_pick),
        _lookup(tuple(c for _, c in OTHER_INDIVIDUAL), other_pick),
    )
    cols["Provider Credential Text"] = _where(person, credential, _blank(n))
    # Several taxonomies: pattern A puts an unrelated code, not primary, in slot 1 and the
    # relevant primary in slot 2; pattern B keeps the relevant primary in slot 1 and adds
    # another relevant code (another profession) in slot 2 without the primary switch.
    pattern_a = multi & (unit(seed, idx, 63) < 0.5)
    pattern_b = multi & ~pattern_a
    second_rel = _lookup(("171100000X", "111N00000X", "2255A2300X"), pick(seed, idx, 64, 3))
    second_rel = _where((second_rel == rel_codes).to_numpy(), _blank(n) + "208100000X", second_rel)
    slot1 = _where(pattern_a, _blank(n) + "390200000X", main_code)
    slot2 = _where(pattern_a, main_code, _where(pattern_b, second_rel, _blank(n)))
    practice_state = cols["Provider Business Practice Location Address State Name"]
    lic_state = _where(foreign, _blank(n) + "NY", practice_state)
    other_state = _lookup(("NY", "CA", "TX", "FL", "CO"), pick(seed, idx, 65, 5))
    lic_no = pl.Series(pick(seed, idx, 66, 900_000) + 100_000).cast(pl.String)
    has_slot = ~deact
    cols["Healthcare Provider Taxonomy Code_1"] = _where(has_slot, slot1, _blank(n))
    cols["Provider License Number_1"] = _where(has_slot & person, lic_state + lic_no, _blank(n))
    cols["Provider License Number State Code_1"] = _where(has_slot & person, lic_state, _blank(n))
    cols["Healthcare Provider Primary Taxonomy Switch_1"] = _where(
        has_slot, _where(pattern_a, _blank(n) + "N", _blank(n) + "Y"), _blank(n)
    )
    cols["Healthcare Provider Taxonomy Code_2"] = slot2
    cols["Provider License Number_2"] = _where(multi, other_state + lic_no + "B", _blank(n))
    cols["Provider License Number State Code_2"] = _where(multi, other_state, _blank(n))
    cols["Healthcare Provider Primary Taxonomy Switch_2"] = _where(
        pattern_a, _blank(n) + "Y", _where(pattern_b, _blank(n) + "N", _blank(n))
    )
    medicaid = person & ~deact & (unit(seed, idx, 67) < 0.3)
    cols["Other Provider Identifier_1"] = _where(medicaid, lic_no + "M", _blank(n))
    cols["Other Provider Identifier Type Code_1"] = _where(medicaid, _blank(n) + "05", _blank(n))
    cols["Other Provider Identifier State_1"] = _where(medicaid, lic_state, _blank(n))

    blank_deact = pl.Series(deact & ~reactivated)
    keep_in_notice = {"NPI", "NPI Deactivation Date"}
    frame = pl.DataFrame(cols).with_columns(
        pl.when(blank_deact).then(pl.lit("")).otherwise(pl.col(c)).alias(c)
        for c in cols
        if c not in keep_in_notice
    )
    kept = rel & ~bad_check & ~no_name
    manifest = DemoFileManifest(
        rows=n,
        relevant_rows=int(rel.sum()),
        kept=int(kept.sum()),
        rejected={
            k: v
            for k, v in {
                "bad_npi_check_digit": int(bad_check.sum()),
                "missing_last_name": int(no_name.sum()),
            }.items()
            if v
        },
        no_geocode=int((kept & (foreign | no_zip)).sum()),
        reactivated=int((kept & reactivated).sum()),
        deactivation_notices=int(deact.sum()),
        zip4=int((kept & zip4).sum()),
        kept_npis=frame["NPI"].filter(pl.Series(kept)).to_list(),
    )
    return frame, manifest


@cache
def _line_expr_for(present: frozenset[str]) -> pl.Expr:
    """One CSV line per row: every field quoted, blank columns as literal ``""``."""
    pieces: list[Any] = []
    literal = ""
    for position, name in enumerate(NPPES_COLUMNS):
        sep = "," if position else ""
        if name in present:
            pieces.extend([pl.lit(literal + sep + '"'), pl.col(name)])
            literal = '"'
        else:
            literal += sep + '""'
    pieces.append(pl.lit(literal))
    return pl.concat_str(pieces).alias("line")


def _write_batch(handle: Any, frame: pl.DataFrame) -> None:
    present = frozenset(frame.columns)
    frame.select(_line_expr_for(present)).write_csv(
        handle, include_header=False, quote_style="never"
    )


def header_line() -> str:
    return ",".join(f'"{name}"' for name in NPPES_COLUMNS)


def _write(path: Path, seed: int, batches: list[_Batch]) -> DemoFileManifest:
    manifest = DemoFileManifest()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write((header_line() + "\n").encode())
        for batch in batches:
            frame, part = _render(seed, batch)
            _write_batch(handle, frame)
            manifest.add(part)
    manifest.added = manifest.kept
    return manifest


def _monthly_batches(start: int, rows: int, seed: int, relevant_share: float) -> list[_Batch]:
    batches = []
    for lo in range(start, start + rows, BATCH_ROWS):
        idx = np.arange(lo, min(lo + BATCH_ROWS, start + rows), dtype=np.uint64)
        none = np.zeros(len(idx), dtype=np.bool_)
        batches.append(_Batch(idx, _plan_kinds(seed, idx, relevant_share), none, none.copy()))
    return batches


def write_demo_file(
    path: Path | str, rows: int, seed: int = 0, *, relevant_share: float = 0.05
) -> DemoFileManifest:
    """Write a monthly-style NPPES file of ``rows`` rows; return what it contains.

    ``relevant_share`` is the share of individuals with a relevant taxonomy (5% is about
    the real file's; the demo directory uses more to keep its file small).
    """
    if rows < 0:
        raise ValueError("rows must not be negative")
    if not 0 < relevant_share <= 0.9:
        raise ValueError("relevant_share must be in (0, 0.9]")
    return _write(Path(path), seed, _monthly_batches(0, rows, seed, relevant_share))


def write_weekly_demo_file(
    path: Path | str, *, base_rows: int, rows: int, seed: int = 0
) -> DemoFileManifest:
    """Write a weekly file on top of ``write_demo_file(..., base_rows, seed)``.

    About 20% of its rows update kept practitioners of the base file (new practice ZIP and
    update date), 5% deactivate others (blank notices) and the rest are new NPIs.
    """
    base_idx = np.arange(base_rows, dtype=np.uint64)
    flag = unit(seed, base_idx, 2)
    plain = (_plan_kinds(seed, base_idx) == RELEVANT) & (flag >= _NO_NAME[1])
    candidates = base_idx[plain]
    n_update = min(len(candidates) // 2, rows // 5)
    n_deact = min(len(candidates) - n_update, rows // 20)
    chosen = np.random.default_rng(seed + 1).permutation(candidates)[: n_update + n_deact]
    old = np.sort(chosen)
    is_update = np.isin(old, chosen[:n_update])
    batches = [_Batch(old, np.full(len(old), RELEVANT, dtype=np.int64), is_update, ~is_update)]
    batches.extend(_monthly_batches(base_rows, rows - len(old), seed, 0.05))
    manifest = _write(Path(path), seed, batches)
    manifest.updated = n_update
    manifest.deactivated = n_deact
    manifest.deactivation_notices -= n_deact
    manifest.added = manifest.kept - n_update
    return manifest
