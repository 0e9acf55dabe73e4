"""Contexts of the staff home (patient list) and of a patient's chart."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import service
from pinpoint.care.codes import Sex
from pinpoint.care.schemas import EpisodeChart, PatientChart, PatientList, ScreeningPublic
from pinpoint.outcomes.charts import figure_size
from pinpoint.outcomes.progress import patient_progress
from pinpoint.outcomes.progress_schemas import Progress
from pinpoint.web.pages.clinic_followup_context import EpisodeOutcomes, chart_outcomes
from pinpoint.web.pages.clinic_forms import FormState
from pinpoint.web.pages.clinic_staff import ClinicInfo, clinic_info

PAGE_SIZE = 50


@dataclass
class HomePage:
    clinic: ClinicInfo
    q: str
    results: PatientList
    form: FormState = field(default_factory=FormState)
    sexes: tuple[Sex, ...] = tuple(Sex)


def home_page(engine: Engine, actor: Actor, q: str = "", form: FormState | None = None) -> HomePage:
    results = service.list_patients(engine, actor, q=q or None, limit=PAGE_SIZE)
    return HomePage(clinic_info(engine, actor), q, results, form or FormState())


@dataclass
class EpisodeView:
    """One episode as the chart shows it: the latest screening decides what applies."""

    episode: EpisodeChart

    @property
    def screening(self) -> ScreeningPublic | None:
        return self.episode.screenings[-1] if self.episode.screenings else None

    @property
    def consented(self) -> bool:
        return bool(self.episode.consents)

    @property
    def needling_blocked(self) -> str | None:
        """Why a session would be refused now (the rule the session write enforces)."""
        refusal = self.episode.needling_refusal
        return refusal[:1].upper() + refusal[1:] + "." if refusal else None


@dataclass
class ChartPage:
    chart: PatientChart
    read_only: bool
    clinic: ClinicInfo
    outcomes: dict[int, EpisodeOutcomes] = field(default_factory=dict)
    progress: dict[int, Progress] = field(default_factory=dict)

    @staticmethod
    def chart_size(progress: Progress) -> tuple[int, int]:
        """The chart's size in CSS pixels (96 to the inch), so the page keeps its place."""
        width, height = figure_size(progress)
        return round(width * 96), round(height * 96)

    @property
    def episodes(self) -> list[EpisodeView]:
        return [EpisodeView(e) for e in reversed(self.chart.episodes)]

    @property
    def open_alerts(self) -> int:
        return sum(len(o.open_alerts) for o in self.outcomes.values())

    @property
    def awaiting_review(self) -> int:
        return sum(len(o.awaiting_review) for o in self.outcomes.values())


def chart_page(
    engine: Engine,
    actor: Actor,
    patient_id: int,
    forms: dict[int, FormState] | None = None,
    alert_forms: dict[int, FormState] | None = None,
) -> ChartPage:
    """The chart; for staff with each episode's outcomes (``forms``: an assignment form or
    alert form coming back refused, by episode id)."""
    chart = service.get_patient(engine, actor, patient_id)
    return ChartPage(
        chart,
        read_only=not actor.is_staff,
        clinic=clinic_info(engine, actor),
        outcomes=chart_outcomes(engine, actor, chart, forms, alert_forms),
        progress=patient_progress(engine, actor, patient_id),
    )
