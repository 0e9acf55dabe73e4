"""Validate and transform the rows the scan kept, with vectorised polars expressions.

The scan keeps three kinds of rows (:func:`row_kind`): a *person* (individual with a
relevant taxonomy in any of the 15 slots), a blank deactivation *notice*, and an *exit*
(an individual already in search whose row no longer carries a relevant taxonomy). Persons
and notices are validated (NPI check digit, dates, last name) and bad rows counted by
reason. :func:`transformed` does all of it as lazy expressions, evaluated batch by batch,
and :func:`settle` turns a batch of rows into practitioner, license and status frames with
one row of each per NPI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl

from pinpoint.directory.npi import is_valid_npi_number, npi_number_expr
from pinpoint.directory.nppes.columns import (
    COL,
    EXIT,
    LICENSE_STAGE_COLUMNS,
    NOTICE,
    PRACTITIONER_STAGE_COLUMNS,
    SLOTS,
    STATUS_STAGE_COLUMNS,
    lic,
    lic_state,
    switch,
    tax,
)
from pinpoint.directory.taxonomy import EXACT_PROFESSIONS, PREFIX_PROFESSIONS
from pinpoint.directory.zip_table import centroids_by_number

PERSON = "person"


# --- which rows to keep ------------------------------------------------------------------


def relevant(code: pl.Expr) -> pl.Expr:
    """A dry-needling-relevant taxonomy code (exact codes, or 10 characters by prefix)."""
    prefix = code.str.slice(0, 4).is_in(list(PREFIX_PROFESSIONS)) & (code.str.len_bytes() == 10)
    return code.is_in(list(EXACT_PROFESSIONS)) | prefix


def _profession(code: pl.Expr) -> pl.Expr:
    exact = code.replace_strict(
        {k: v.value for k, v in EXACT_PROFESSIONS.items()}, default=None, return_dtype=pl.String
    )
    by_prefix = code.str.slice(0, 4).replace_strict(
        {k: v.value for k, v in PREFIX_PROFESSIONS.items()}, default=None, return_dtype=pl.String
    )
    return pl.coalesce(by_prefix, exact)


def _any_relevant() -> pl.Expr:
    return pl.any_horizontal(relevant(pl.col(tax(i))) for i in SLOTS)


def _is_notice() -> pl.Expr:
    blank_entity = pl.col(COL["entity"]).fill_null("") == ""
    return blank_entity & (pl.col(COL["deactivated"]).fill_null("") != "")


def keep(active_npis: pl.Series | None = None) -> pl.Expr:
    """Relevant individuals and blank deactivation notices (vectorised over 15 slots).

    With ``active_npis`` (the NPIs now in search), an individual among them whose row has
    no relevant taxonomy any more is kept too, so that the import takes them out of search.
    """
    person = pl.col(COL["entity"]) == "1"
    kept = (person & _any_relevant()) | _is_notice()
    if active_npis is not None and len(active_npis):
        kept = kept | (person & pl.col(COL["npi"]).is_in(active_npis.implode()))
    return kept


def row_kind(any_relevant: pl.Expr | None = None) -> pl.Expr:
    """``person``, ``notice`` or ``exit`` for each kept row (``any_relevant``: the
    relevance of the 15 slots, when already computed)."""
    return (
        pl.when(_is_notice())
        .then(pl.lit(NOTICE))
        .when(_any_relevant() if any_relevant is None else any_relevant)
        .then(pl.lit(PERSON))
        .otherwise(pl.lit(EXIT))
    )


# --- validation --------------------------------------------------------------------------


def _clean() -> pl.Expr:
    """The rare padded value loses its spaces (null if nothing else is left); blank fields
    are null already (:data:`read.CSV_OPTIONS`)."""
    text_columns = pl.col(pl.String)
    padded = text_columns.str.contains("^ | $")  # one pass: as fast as either end alone
    stripped = text_columns.str.strip_chars()
    return (
        pl.when(padded)
        .then(pl.when(stripped != "").then(stripped))
        .otherwise(text_columns)
        .name.keep()
    )


_DATES = ("enumerated", "updated", "deactivated", "reactivated")
_NPI_NUMBER = "_npi_number"  # the NPI as a number, null unless 10 ASCII digits


def _date(key: str) -> pl.Expr:
    """A date column of the file (by its key in ``COL``), as read once (:func:`_parsed`)."""
    return pl.col(f"_date_{key}")


def _parsed() -> list[pl.Expr]:
    """What several checks and columns share, computed once per batch: the NPI as a
    number and the four dates."""
    dates = [
        pl.col(COL[k]).str.to_date("%m/%d/%Y", strict=False).alias(f"_date_{k}") for k in _DATES
    ]
    return [npi_number_expr(pl.col(COL["npi"])).alias(_NPI_NUMBER), *dates]


def _bad_date(key: str) -> pl.Expr:
    return pl.col(COL[key]).is_not_null() & _date(key).is_null()


def _reason() -> pl.Expr:
    """Why a person or notice row is rejected, or null. Exits are not validated."""
    number = pl.col(_NPI_NUMBER)
    kind = pl.col("kind")
    return (
        pl.when(kind == EXIT)
        .then(None)
        .when(number.is_null())
        .then(pl.lit("malformed_npi"))
        .when(~is_valid_npi_number(number))
        .then(pl.lit("bad_npi_check_digit"))
        .when(pl.any_horizontal(_bad_date(d) for d in _DATES))
        .then(pl.lit("bad_date"))
        .when((kind == PERSON) & pl.col(COL["last_name"]).is_null())
        .then(pl.lit("missing_last_name"))
        .otherwise(None)
    )


def _active(deactivated: pl.Expr, reactivated: pl.Expr) -> pl.Expr:
    return deactivated.is_null() | (reactivated.is_not_null() & (reactivated > deactivated))


def _iso(expr: pl.Expr) -> pl.Expr:
    return expr.dt.to_string("%Y-%m-%d")


# --- the columns written to the directory ---------------------------------------------------


def _chosen_taxonomy(relevance: list[pl.Expr]) -> pl.Expr:
    """The relevant slot whose primary switch is ``Y``, else the first relevant slot
    (``relevance``: whether each slot is relevant)."""
    return pl.coalesce(
        *(
            pl.when(rel & (pl.col(switch(i)) == "Y")).then(pl.col(tax(i)))
            for i, rel in zip(SLOTS, relevance, strict=True)
        ),
        *(pl.when(rel).then(pl.col(tax(i))) for i, rel in zip(SLOTS, relevance, strict=True)),
    )


def _location() -> list[pl.Expr]:
    """Practice address, city, state, 5-digit US ZIP and country (never the mailing address)."""
    country = pl.col(COL["country"]).str.to_uppercase().fill_null("US").str.slice(0, 2)
    postal = pl.col(COL["postal"])
    us_zip = (country == "US") & postal.str.contains(r"^[0-9]{5}")
    state = pl.col(COL["state"]).str.to_uppercase()
    line2 = pl.col(COL["line2"])
    address = (
        pl.when(line2.is_null())
        .then(pl.col(COL["line1"]))
        .otherwise(pl.concat_str(pl.col(COL["line1"]), pl.lit(", "), line2))
    )
    return [
        address.str.slice(0, 200).alias("address_line"),
        pl.col(COL["city"]).str.slice(0, 100).alias("city"),
        pl.when(state.str.contains(r"^[A-Z]{2}$")).then(state).alias("state"),
        pl.when(us_zip).then(postal.str.slice(0, 5)).alias("zip5"),
        country.alias("country"),
        pl.col(COL["phone"]).str.slice(0, 20).alias("phone"),
    ]


def _slots() -> list[pl.Expr]:
    """The 15 taxonomy/license slots, as the license rows will hold them."""
    state = [pl.col(lic_state(i)).str.to_uppercase() for i in SLOTS]
    return [
        expr
        for i, st in zip(SLOTS, state, strict=True)
        for expr in (
            pl.col(tax(i)).str.slice(0, 10).alias(f"taxonomy_{i}"),
            pl.col(lic(i)).str.slice(0, 30).alias(f"number_{i}"),
            pl.when(st.str.contains(r"^[A-Z]{2}$")).then(st).alias(f"state_{i}"),
            (pl.col(switch(i)) == "Y").fill_null(False).alias(f"primary_{i}"),
        )
    ]


def transformed(rows: pl.LazyFrame, synthetic: bool) -> pl.DataFrame:
    """Kept rows (``_seq`` and the needed columns) validated and shaped for the directory.

    One row per kept row: ``seq``, ``kind``, ``reason`` (null when valid), the NPI and its
    9-digit base (-1 if malformed), the practitioner columns (with the practice ZIP's
    centroid), the 15 license slots and the row's digest (:func:`with_digest`). One polars
    call shapes a whole batch.
    """
    relevance = [pl.col(f"_relevant_{i}") for i in SLOTS]
    chosen = _chosen_taxonomy(relevance)
    deact, react = _date("deactivated"), _date("reactivated")
    names = [(k, 100) for k in ("last_name", "first_name", "middle_name")]
    names += [("name_prefix", 20), ("name_suffix", 20), ("credential", 100)]
    checked = (
        rows.with_columns(_clean())
        .with_columns(
            *(relevant(pl.col(tax(i))).fill_null(False).alias(f"_relevant_{i}") for i in SLOTS),
            *_parsed(),
        )
        .with_columns(row_kind(pl.any_horizontal(relevance)).alias("kind"))
    )
    shaped = checked.select(
        pl.col("_seq").alias("seq"),
        "kind",
        _reason().alias("reason"),
        pl.col(COL["npi"]).alias("npi"),
        (pl.col(_NPI_NUMBER) // 10).fill_null(-1).alias("npi_base"),
        *(pl.col(COL[k]).str.slice(0, n).alias(k) for k, n in names),
        _profession(chosen).alias("profession"),
        chosen.alias("taxonomy"),
        *_location(),
        _iso(_date("enumerated")).alias("enumerated_on"),
        _iso(_date("updated")).alias("updated_on"),
        _iso(deact).alias("deactivated_on"),
        _iso(react).alias("reactivated_on"),
        _active(deact, react).alias("active"),
        pl.lit(synthetic).alias("synthetic"),
        *_slots(),
    )
    latitude, longitude = centroids_by_number()
    zip_number = pl.col("zip5").cast(pl.Int64)  # 5 ASCII digits, or null (see _location)
    located = shaped.with_columns(
        pl.lit(latitude).gather(zip_number).alias("latitude"),
        pl.lit(longitude).gather(zip_number).alias("longitude"),
    )
    return with_digest(located.collect())


def with_digest(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``row_digest``: a 64-bit hash of what a row gives a practitioner
    (every shaped column, the license slots included): equal digests, equal rows.

    Stable within a polars version and this way of hashing (``hash_rows``, four times
    faster than the struct hash that earlier digests used). After a change every row
    merely reads as possibly changed once, and is compared in full.
    """
    hashed = rows.select(pl.exclude("seq", "kind", "reason", "npi_base"))
    digest = hashed.hash_rows(seed=_DIGEST_SEED).reinterpret(signed=True)
    return rows.with_columns(digest.alias("row_digest"))


_DIGEST_SEED = 20261201


# --- one batch of transformed rows -> the frames written --------------------------------


@dataclass
class Part:
    """Settled rows, as the frames the writer takes."""

    practitioners: pl.DataFrame  # PRACTITIONER_STAGE_COLUMNS
    licenses: pl.DataFrame  # LICENSE_STAGE_COLUMNS
    statuses: pl.DataFrame  # STATUS_STAGE_COLUMNS


def _licenses(people: pl.LazyFrame) -> pl.LazyFrame:
    parts = [
        people.select(
            "seq",
            "npi",
            pl.col(f"taxonomy_{i}").fill_null("").alias("taxonomy"),
            pl.col(f"number_{i}").alias("number"),
            pl.col(f"state_{i}").alias("state"),
            pl.col(f"primary_{i}").alias("primary"),
        )
        for i in SLOTS
    ]
    licenses = pl.concat(parts).filter(pl.col("number").is_not_null())
    licenses = licenses.unique(
        subset=["npi", "taxonomy", "number", "state"], keep="first", maintain_order=True
    )
    return licenses.sort("seq", maintain_order=True).select(LICENSE_STAGE_COLUMNS)


def _statuses(others: pl.LazyFrame) -> pl.LazyFrame:
    exit_row = pl.col("kind") == EXIT
    return others.select(
        "seq",
        "npi",
        "npi_base",
        "kind",
        pl.when(~exit_row).then(pl.col("deactivated_on")).alias("deactivated_on"),
        pl.when(~exit_row).then(pl.col("reactivated_on")).alias("reactivated_on"),
        (~exit_row & pl.col("active")).alias("active"),
    )


def tally(rows: pl.DataFrame) -> Counter[str]:
    """How many rows of each kind a batch holds: ``person``, ``notice`` and ``exit`` (valid
    rows), ``no_geocode`` (valid persons without a US ZIP centroid), and each rejection
    reason."""
    counts: Counter[str] = Counter()
    for kind, reason, located, n in (
        rows.group_by("kind", "reason", pl.col("latitude").is_not_null().alias("located"))
        .len()
        .iter_rows()
    ):
        if reason is not None:
            counts[f"rejected:{reason}"] += n
            continue
        counts[kind] += n
        if kind == PERSON and not located:
            counts["no_geocode"] += n
    return counts


def settle(rows: pl.DataFrame) -> Part:
    """Valid rows (in file order) as one practitioner row and one status row per NPI.

    The latest practitioner row and the latest status row of an NPI are kept, and a
    status older than the practitioner row is dropped (a newer one is applied to it by
    the writer, like a status that follows a practitioner row of an earlier batch). The
    practitioner and status frames keep ``npi_base`` for the writer's set of NPIs.
    """
    valid = rows["reason"].is_null()
    person = valid & (rows["kind"] == PERSON)
    # The wide rows (the 15 license slots) are filtered once; a batch rarely repeats an NPI.
    chosen = rows.filter(person)
    if not chosen["npi"].is_unique().all():
        chosen = chosen.unique("npi", keep="last", maintain_order=True)
    people = chosen.lazy()
    narrow = ["seq", "npi", "npi_base", "kind", "deactivated_on", "reactivated_on", "active"]
    others = rows.select(narrow).filter(valid & ~person)
    statuses = others.lazy().unique("npi", keep="last", maintain_order=True)
    person_seq = people.select("npi", pl.col("seq").alias("person_seq"))
    statuses = statuses.join(person_seq, on="npi", how="left", maintain_order="left").filter(
        pl.col("person_seq").is_null() | (pl.col("seq") > pl.col("person_seq"))
    )
    practitioners, licenses, status_rows = pl.collect_all(
        [
            people.with_columns(pl.lit(None, dtype=pl.String).alias("left_reason")).select(
                *PRACTITIONER_STAGE_COLUMNS, "npi_base"
            ),
            _licenses(people),
            _statuses(statuses).select(*STATUS_STAGE_COLUMNS, "npi_base"),
        ]
    )
    return Part(practitioners=practitioners, licenses=licenses, statuses=status_rows)
