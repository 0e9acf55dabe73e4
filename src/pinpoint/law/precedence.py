"""The written rule for choosing between sources (docs/law-data.md, "disagreements").

1. Newer law over older law: each claim speaks to the period that contains its date
   (the legal act's date, else the source's publication date, else an estimate, else
   the day an undated page was read); a claim with no date at all speaks to the
   current period.
2. Within one period, primary law and board text over secondary summaries. A claim
   is primary when its source is official text (tier 1), or a professional secondary
   source (tier 2) that reports a dated legal act with its citation. Among claims of
   the same kind the newer one wins; an undated claim ranks below every dated one.

A record's choice is valid when its best supporting claim ranks at least as high as every
claim that contradicts it; a tie must be explained by the record's ``choice_note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pinpoint.law.data_schema import ClaimData, RecordData
from pinpoint.law.dates import PartialDate
from pinpoint.law.vocabulary import Basis

COMPARED_FIGURES = ("min_training_hours", "min_in_person_hours", "min_years_licensed")


def claim_date(claim: ClaimData) -> date | None:
    """The date a claim speaks to, or None when it has no date at all."""
    source = claim.source
    for partial in (claim.decided_on, source.published, claim.as_of, source.accessed):
        if partial is not None:
            return partial.start
    return None


def is_estimate(claim: ClaimData) -> bool:
    """True when the claim speaks to an estimated date (``as_of``), not a stated one."""
    return claim.as_of is not None and claim.decided_on is None and claim.source.published is None


def stated_dates(claim: ClaimData) -> list[PartialDate]:
    """Dates the claim's source actually states: the act, publication, or reading day."""
    source = claim.source
    return [d for d in (claim.decided_on, source.published, source.accessed) if d is not None]


def is_primary(claim: ClaimData) -> bool:
    """Official text, or a professional secondary source reporting a dated, cited legal act."""
    if claim.source.tier == 1:
        return True
    if claim.source.tier > 2:
        return False
    reports_act = claim.basis is not None and claim.basis is not Basis.NONE
    return reports_act and claim.decided_on is not None and bool(claim.citation)


def rank(claim: ClaimData) -> tuple[bool, date]:
    """Sort key: primary before secondary, then newer before older, undated last."""
    published = claim.source.published or claim.as_of
    newest = max(
        (p.start for p in (claim.decided_on, published) if p is not None), default=date.min
    )
    return (is_primary(claim), newest)


def explain_choice(chosen: ClaimData, other: ClaimData) -> str:
    """Why the chosen claim beat the other, in words a reader can check."""
    (chosen_primary, chosen_date), (other_primary, other_date) = rank(chosen), rank(other)
    if chosen_primary and not other_primary:
        return "chosen claim rests on primary law or board text; this one is a secondary summary"
    if chosen_date > other_date:
        if other_date == date.min:
            return "chosen claim is dated; this source gives no date"
        return f"chosen claim is newer ({chosen_date.isoformat()} against {other_date.isoformat()})"
    return "sources of equal standing; see the record's note"


@dataclass(frozen=True)
class Disagreement:
    """One claim that contradicts a record, on one field."""

    field: str
    claimed: object
    chosen: object
    claim: ClaimData
    best_support: ClaimData

    @property
    def reason(self) -> str:
        return explain_choice(self.best_support, self.claim)

    @property
    def outranked(self) -> bool:
        return rank(self.best_support) > rank(self.claim)

    @property
    def tied(self) -> bool:
        return rank(self.best_support) == rank(self.claim)


def best_of(claims: list[ClaimData]) -> ClaimData:
    return max(claims, key=rank)


def disagreements(
    record: RecordData,
    period_claims: list[ClaimData],
    claims_by_id: dict[str, ClaimData],
) -> list[Disagreement]:
    """Every claim in the record's period that contradicts its status or figures."""
    status_support = best_of([claims_by_id[i] for i in record.sources])
    figure_ids = record.requirement_sources or record.sources
    figure_support = best_of([claims_by_id[i] for i in figure_ids])
    found: list[Disagreement] = []
    for claim in period_claims:
        if claim.profession is not record.profession:
            continue
        if claim.status is not record.status:
            found.append(
                Disagreement(
                    "status", claim.status.value, record.status.value, claim, status_support
                )
            )
        for name in COMPARED_FIGURES:
            claimed = getattr(claim, name)
            chosen = getattr(record.requirements, name)
            if claimed is not None and claimed != chosen:
                found.append(Disagreement(name, claimed, chosen, claim, figure_support))
    return found
