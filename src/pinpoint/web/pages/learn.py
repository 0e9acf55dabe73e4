"""The sources behind the patient-education page, numbered in the order they are listed.

The page's prose is Pinpoint's own wording; each claim points at one of these entries.
Facts come from ../shared/reference/clinical/REFERENCE.md and the two consumer articles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    detail: str
    url: str | None = None


REFERENCES: tuple[Reference, ...] = (
    Reference(
        "article-a",
        "How Physical Therapists Use Dry Needling to Ease Back Pain",
        "Consumer article, updated 7 May 2019 (citing the American Physical Therapy "
        "Association). Not available online from Pinpoint.",
    ),
    Reference(
        "article-b",
        "Dry Needling for Back Pain",
        "Consumer article, undated (about 2018-2019), quoting a physical therapist at Mayo "
        "Clinic Health System. Not available online from Pinpoint.",
    ),
    Reference(
        "brady-2014",
        "Adverse events following trigger point dry needling: a prospective survey of "
        "chartered physiotherapists",
        "Brady, McEvoy, Dommerholt, Doody. Journal of Manual & Manipulative Therapy "
        "2014;22(3):134-140. 39 physiotherapists, 7,629 treatments.",
        "https://pubmed.ncbi.nlm.nih.gov/25125935/",
    ),
    Reference(
        "boyce-2020",
        "Adverse events associated with therapeutic dry needling",
        "Boyce, Wempe, Campbell and others. International Journal of Sports Physical Therapy "
        "2020;15(1):103-113. 420 physical therapists, about 20,000 sessions.",
    ),
    Reference(
        "painscience",
        "Side effects of dry needling of sore spots are probably worse than proponents realize",
        "PainScience.com commentary on the limits of clinician-reported side-effect surveys.",
        "https://www.painscience.com/biblio/side-effects-of-dry-needling-of-sore-spots-are-"
        "probably-worse-than-proponents-realize.html",
    ),
    Reference(
        "alberta",
        "FAQ: dry needling adverse events",
        "Physiotherapy Alberta, safety resources for physiotherapists (severity classes).",
        "https://www.physiotherapyalberta.ca/physiotherapists/resources_to_help_you_meet_"
        "practice_standards/dry_needling_safety_resources/faq_dry_needling_adverse_events",
    ),
    Reference(
        "mcevoy",
        "Trigger point dry needling: safety guidelines",
        "McEvoy, in Dommerholt & Fernández-de-las-Peñas, Trigger Point Dry Needling, ch. 5, "
        "summarising the Irish guidelines for safe dry needling practice (2012).",
        "https://musculoskeletalkey.com/trigger-point-dry-needling-safety-guidelines-2",
    ),
    Reference(
        "kearns-2019",
        "New perspectives on dry needling following a medical model: are we screening our "
        "patients sufficiently?",
        "Kearns and others. Journal of Manual & Manipulative Therapy, 2019.",
        "https://doi.org/10.1080/10669817.2019.1567011",
    ),
)

_NUMBERS = {ref.key: n for n, ref in enumerate(REFERENCES, start=1)}


@dataclass(frozen=True)
class LearnPage:
    references: tuple[Reference, ...] = REFERENCES

    def number(self, key: str) -> int:
        """The footnote number of a source; an unknown key is a bug in the template."""
        return _NUMBERS[key]
