"""The patient-education page: its sources, and the facts it takes from the law base.

The page's prose is Pinpoint's own wording; each claim points at one of the sources
listed here, numbered in the order they are listed. The two statements about state law
(who asks for written consent, where no hour minimum is recorded) are generated from
the law base, so the page cannot drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pinpoint.law import service
from pinpoint.law.jurisdictions import ALL_CODES, BY_CODE
from pinpoint.law.vocabulary import Profession, Status
from pinpoint.web.pages import wording


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
        "law-base",
        "Pinpoint's law base: each state's page and its sources",
        "Dated, sourced records of each state's law on dry needling, per profession; each "
        "state page lists the statutes, rules and other sources behind its answer.",
        "/law",
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
class ConsentGroup:
    """The places where one profession's patients give consent in writing."""

    profession: Profession
    places: list[str]

    @property
    def who(self) -> str:
        return wording.PROFESSION_PLURALS[self.profession]


@dataclass(frozen=True)
class LearnPage:
    on: date
    consent_groups: list[ConsentGroup] = field(default_factory=list)
    no_hours_places: list[str] = field(default_factory=list)
    references: tuple[Reference, ...] = REFERENCES

    def number(self, key: str) -> int:
        """The footnote number of a source; an unknown key is a bug in the template."""
        return _NUMBERS[key]

    @property
    def on_text(self) -> str:
        return wording.day(self.on)


def _consent_groups(on: date) -> list[ConsentGroup]:
    groups = []
    for profession in Profession:
        places = [
            BY_CODE[code].name
            for code in ALL_CODES
            if service.law_status(code, profession, on).requirements.written_consent
        ]
        if places:
            groups.append(ConsentGroup(profession, sorted(places)))
    return groups


def _no_hours_places(on: date) -> list[str]:
    """Where physical therapists may needle but no source records an hour minimum."""
    answers = service.list_law(Profession.PHYSICAL_THERAPIST, on).jurisdictions
    return sorted(
        a.jurisdiction_name
        for a in answers
        if a.status is Status.PERMITTED
        and a.requirements.min_training_hours is None
        and a.requirements.min_in_person_hours is None
    )


def learn_page(on: date | None = None) -> LearnPage:
    """The page for one day's law (default today)."""
    day = on or date.today()
    return LearnPage(day, _consent_groups(day), _no_hours_places(day))
