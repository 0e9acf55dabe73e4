"""Validate and transform the rows the scan kept, with vectorised polars expressions.

The scan keeps three kinds of rows (:func:`row_kind`): a *person* (individual with a
relevant taxonomy in any of the 15 slots), a blank deactivation *notice*, and an *exit*
(an individual already in search whose row no longer carries a relevant taxonomy). Persons
and notices are validated (NPI check digit, dates, last name) and bad rows counted by
reason; persons become practitioner and license frames, notices and exits status frames.
:func:`settle` then keeps the latest row per NPI and folds later status rows into the
practitioner row they follow, so the merge sees one final state per NPI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl

from pinpoint.directory.npi import is_valid_npi_expr
from pinpoint.directory.nppes.columns import (
    COL,
    EXIT,
    LEFT_NOT_RELEVANT,
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
from pinpoint.directory.zip_table import zip_centroids

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


def row_kind() -> pl.Expr:
    """``person``, ``notice`` or ``exit`` for each kept row."""
    return (
        pl.when(_is_notice())
        .then(pl.lit(NOTICE))
        .when(_any_relevant())
        .then(pl.lit(PERSON))
        .otherwise(pl.lit(EXIT))
    )


# --- validation --------------------------------------------------------------------------


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank fields become null; the rare padded value loses its spaces."""
    text_columns = pl.col(pl.String)
    padded = text_columns.str.starts_with(" ") | text_columns.str.ends_with(" ")
    stripped = pl.when(padded).then(text_columns.str.strip_chars()).otherwise(text_columns)
    return frame.with_columns(pl.when(stripped != "").then(stripped).name.keep())


def _date(name: str) -> pl.Expr:
    return pl.col(name).str.to_date("%m/%d/%Y", strict=False)


def _bad_date(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & _date(name).is_null()


def _reason() -> pl.Expr:
    """Why a person or notice row is rejected, or null. Exits are not validated."""
    npi = pl.col(COL["npi"])
    kind = pl.col("_kind")
    dates = [COL["enumerated"], COL["updated"], COL["deactivated"], COL["reactivated"]]
    return (
        pl.when(kind == EXIT)
        .then(None)
        .when(~npi.fill_null("").str.contains(r"^[0-9]{10}$"))
        .then(pl.lit("malformed_npi"))
        .when(~is_valid_npi_expr(npi))
        .then(pl.lit("bad_npi_check_digit"))
        .when(pl.any_horizontal(_bad_date(d) for d in dates))
        .then(pl.lit("bad_date"))
        .when((kind == PERSON) & pl.col(COL["last_name"]).is_null())
        .then(pl.lit("missing_last_name"))
        .otherwise(None)
    )


def _active(deactivated: pl.Expr, reactivated: pl.Expr) -> pl.Expr:
    return deactivated.is_null() | (reactivated.is_not_null() & (reactivated > deactivated))


def _iso(expr: pl.Expr) -> pl.Expr:
    return expr.dt.to_string("%Y-%m-%d")


# --- the frames written to the directory -------------------------------------------------


def _chosen_taxonomy() -> pl.Expr:
    """The relevant slot whose primary switch is ``Y``, else the first relevant slot."""
    return pl.coalesce(
        *(
            pl.when(relevant(pl.col(tax(i))) & (pl.col(switch(i)) == "Y")).then(pl.col(tax(i)))
            for i in SLOTS
        ),
        *(pl.when(relevant(pl.col(tax(i)))).then(pl.col(tax(i))) for i in SLOTS),
    )


def _location() -> list[pl.Expr]:
    """Practice address, city, state, 5-digit US ZIP and country (never the mailing address)."""
    country = pl.col(COL["country"]).str.to_uppercase().fill_null("US").str.slice(0, 2)
    postal = pl.col(COL["postal"])
    us_zip = (country == "US") & postal.str.contains(r"^[0-9]{5}")
    zip5 = pl.when(us_zip).then(postal.str.slice(0, 5))
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
        zip5.alias("zip5"),
        country.alias("country"),
        pl.col(COL["phone"]).str.slice(0, 20).alias("phone"),
    ]


def _practitioners(frame: pl.DataFrame, synthetic: bool) -> pl.DataFrame:
    chosen = _chosen_taxonomy()
    deact, react = _date(COL["deactivated"]), _date(COL["reactivated"])
    names = [(k, 100) for k in ("last_name", "first_name", "middle_name")]
    names += [("name_prefix", 20), ("name_suffix", 20), ("credential", 100)]
    out = frame.select(
        pl.col("_seq").alias("seq"),
        pl.col(COL["npi"]).alias("npi"),
        *(pl.col(COL[k]).str.slice(0, n).alias(k) for k, n in names),
        _profession(chosen).alias("profession"),
        chosen.alias("taxonomy"),
        *_location(),
        _iso(_date(COL["enumerated"])).alias("enumerated_on"),
        _iso(_date(COL["updated"])).alias("updated_on"),
        _iso(deact).alias("deactivated_on"),
        _iso(react).alias("reactivated_on"),
        _active(deact, react).alias("active"),
        pl.lit(synthetic).alias("synthetic"),
        pl.lit(None, dtype=pl.String).alias("left_reason"),
    )
    located = out.join(zip_centroids(), on="zip5", how="left", maintain_order="left")
    return located.select(PRACTITIONER_STAGE_COLUMNS)


def _licenses(frame: pl.DataFrame) -> pl.DataFrame:
    parts = [
        frame.select(
            pl.col("_seq").alias("seq"),
            pl.col(COL["npi"]).alias("npi"),
            pl.col(tax(i)).fill_null("").str.slice(0, 10).alias("taxonomy"),
            pl.col(lic(i)).str.slice(0, 30).alias("number"),
            pl.col(lic_state(i)).str.to_uppercase().alias("state"),
            (pl.col(switch(i)) == "Y").fill_null(False).alias("primary"),
        )
        for i in SLOTS
    ]
    licenses = pl.concat(parts).filter(pl.col("number").is_not_null())
    state = pl.col("state")
    licenses = licenses.with_columns(pl.when(state.str.contains(r"^[A-Z]{2}$")).then(state))
    return licenses.unique(
        subset=["npi", "taxonomy", "number", "state"], keep="first", maintain_order=True
    ).select(LICENSE_STAGE_COLUMNS)


def _statuses(frame: pl.DataFrame) -> pl.DataFrame:
    deact, react = _date(COL["deactivated"]), _date(COL["reactivated"])
    exit_row = pl.col("_kind") == EXIT
    return frame.select(
        pl.col("_seq").alias("seq"),
        pl.col(COL["npi"]).alias("npi"),
        pl.col("_kind").alias("kind"),
        pl.when(~exit_row).then(_iso(deact)).alias("deactivated_on"),
        pl.when(~exit_row).then(_iso(react)).alias("reactivated_on"),
        (~exit_row & _active(deact, react)).alias("active"),
    ).select(STATUS_STAGE_COLUMNS)


@dataclass
class Part:
    """The transformed rows of one slice of kept rows."""

    rejected: Counter[str]
    practitioners: pl.DataFrame
    licenses: pl.DataFrame
    statuses: pl.DataFrame

    @classmethod
    def concat(cls, parts: list[Part]) -> Part:
        rejected: Counter[str] = Counter()
        for part in parts:
            rejected.update(part.rejected)
        return cls(
            rejected=rejected,
            practitioners=pl.concat([p.practitioners for p in parts], rechunk=True),
            licenses=pl.concat([p.licenses for p in parts], rechunk=True),
            statuses=pl.concat([p.statuses for p in parts], rechunk=True),
        )


def transform(candidates: pl.DataFrame, synthetic: bool) -> Part:
    """Validate and transform kept rows (``_seq`` plus the needed columns)."""
    checked = _clean(candidates).with_columns(row_kind().alias("_kind"))
    checked = checked.with_columns(_reason().alias("_reason"))
    reasons = checked.filter(pl.col("_reason").is_not_null())["_reason"].value_counts()
    good = checked.filter(pl.col("_reason").is_null())
    people = good.filter(pl.col("_kind") == PERSON)
    return Part(
        rejected=Counter(dict(reasons.iter_rows())),
        practitioners=_practitioners(people, synthetic),
        licenses=_licenses(people),
        statuses=_statuses(good.filter(pl.col("_kind") != PERSON)),
    )


# --- one final state per NPI -------------------------------------------------------------


def settle(part: Part) -> Part:
    """Keep the latest practitioner and status row per NPI; fold later statuses in.

    A status row older than the NPI's practitioner row is dropped; a newer one is applied
    to that practitioner row (a notice sets the dates and ``active``, an exit clears
    ``active``), so only statuses of NPIs without a practitioner row in this file remain.
    """
    people = part.practitioners.sort("seq").unique("npi", keep="last", maintain_order=True)
    licenses = part.licenses.filter(pl.col("seq").is_in(people["seq"].implode()))
    licenses = licenses.sort("seq", maintain_order=True)
    statuses = part.statuses.sort("seq").unique("npi", keep="last", maintain_order=True)
    paired = statuses.join(
        people.select("npi", pl.col("seq").alias("person_seq")), on="npi", how="left"
    )
    later = paired.filter(pl.col("seq") > pl.col("person_seq"))
    alone = paired.filter(pl.col("person_seq").is_null()).select(STATUS_STAGE_COLUMNS)
    if later.height:
        people = _fold(people, later)
    return Part(part.rejected, people, licenses, alone)


def _fold(people: pl.DataFrame, later: pl.DataFrame) -> pl.DataFrame:
    status = later.select(
        "npi",
        pl.col("kind").alias("_s_kind"),
        pl.col("deactivated_on").alias("_s_deact"),
        pl.col("reactivated_on").alias("_s_react"),
        pl.col("active").alias("_s_active"),
    )
    joined = people.join(status, on="npi", how="left", maintain_order="left")
    kind = pl.col("_s_kind")
    notice = kind == NOTICE
    return joined.with_columns(
        pl.when(notice)
        .then(pl.col("_s_deact"))
        .otherwise(pl.col("deactivated_on"))
        .alias("deactivated_on"),
        pl.when(notice)
        .then(pl.col("_s_react"))
        .otherwise(pl.col("reactivated_on"))
        .alias("reactivated_on"),
        pl.when(kind.is_not_null())
        .then(pl.col("_s_active"))
        .otherwise(pl.col("active"))
        .alias("active"),
        pl.when(kind == EXIT).then(pl.lit(LEFT_NOT_RELEVANT)).alias("left_reason"),
    ).select(PRACTITIONER_STAGE_COLUMNS)
