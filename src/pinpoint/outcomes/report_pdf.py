"""Laying out the progress report as PDF with ReportLab (its platypus page-layout engine).

Text is set in DejaVu Sans, the font matplotlib ships, embedded as a subset: it covers the
accented and non-Latin letters of patients' names, which the PDF base fonts do not. Every
piece of recorded text is escaped before ReportLab reads its paragraph markup.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pinpoint.care.words import human
from pinpoint.outcomes.charts import figure_size, progress_png
from pinpoint.outcomes.display import headline, shown
from pinpoint.outcomes.progress_schemas import Series
from pinpoint.outcomes.report import ReportData

FONT = "PinpointSans"
BOLD = "PinpointSans-Bold"
WIDTH = LETTER[0] - 1.5 * inch
GUIDANCE = (
    "MCIDs (minimal clinically important differences) are averages from group studies: a "
    "change that reaches one is likely to matter to most people, and one that does not may "
    "still matter to this patient. They are guidance, not a verdict on one patient."
)


@cache
def _fonts() -> None:
    """Register DejaVu Sans (regular and bold) from matplotlib's data folder, once."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
    }


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)), _styles()[style])


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    cells = [[c if isinstance(c, Paragraph) else _p(c, "cell") for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")))
    table.setStyle(TableStyle(style))
    return table


def render(data: ReportData) -> bytes:
    """The report as PDF bytes: US Letter, page numbers and the patient on every page."""
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.8 * inch,
        title=f"Progress report, episode {data.episode.id}",
        author=data.clinic_name,
        subject="Dry needling episode of care: progress report",
        creator="Pinpoint",
    )
    story = [
        *_heading(data),
        *_summary(data),
        *_chart(data),
        *_scores(data),
        *_changes(data),
        *_sessions(data),
        *_adverse_events(data),
    ]
    footer = _footer(data)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _footer(data: ReportData) -> Any:
    patient = data.patient
    text = (
        f"Progress report · {patient.family_name}, {patient.given_name} · MRN {patient.mrn} · "
        f"made {data.made_on.isoformat()} · confidential health information"
    )

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(0.75 * inch, 0.5 * inch, text)
        canvas.drawRightString(LETTER[0] - 0.75 * inch, 0.5 * inch, f"page {document.page}")
        canvas.restoreState()

    return draw


def _heading(data: ReportData) -> list[Any]:
    patient, episode = data.patient, data.episode
    plan = episode.plan
    plan_words = ", ".join(human(c) for c in plan.components) if plan else "no plan recorded"
    facts = [
        ["Patient", f"{patient.given_name} {patient.family_name}", "MRN", patient.mrn],
        ["Born", patient.birth_date.isoformat(), "Sex", human(patient.sex)],
        ["Episode", f"{human(episode.region)}, {episode.status}", "Dates", _dates(data)],
        ["ICD-10-CM", ", ".join(episode.icd10), "Plan", plan_words],
    ]
    if plan and (plan.frequency or plan.goals):
        facts.append(["Frequency", plan.frequency or "—", "Goals", plan.goals or "—"])
    label, value = 0.9 * inch, WIDTH / 2 - 0.9 * inch
    return [
        _p("Dry needling progress report", "title"),
        _p(f"{data.clinic_name} ({data.clinic_state}) · made on {data.made_on.isoformat()}"),
        Spacer(1, 8),
        _table(facts, [label, value, label, value], header=False),
    ]


def _dates(data: ReportData) -> str:
    episode = data.episode
    text = f"from {episode.started_on.isoformat()}"
    return text + (f" to {episode.ended_on.isoformat()}" if episode.ended_on else " (open)")


def _summary(data: ReportData) -> list[Any]:
    lines = data.progress.summary or ["No change can be read yet."]
    return [_p("Summary", "h2"), *[_p(f"• {line}") for line in lines]]


def _chart(data: ReportData) -> list[Any]:
    png = progress_png(data.progress, dpi=150)
    chart_width, chart_height = figure_size(data.progress)
    image = Image(io.BytesIO(png), width=WIDTH, height=WIDTH * chart_height / chart_width)
    caption = _p(
        "Dotted lines: needling sessions. Shaded band: changes smaller than the MCID from the "
        "first value; the dashed line is where a later value meets it. Every value drawn is "
        "listed in the tables below.",
        "small",
    )
    return [KeepTogether([_p("Progress chart", "h2"), image, caption])]


def _scores(data: ReportData) -> list[Any]:
    out: list[Any] = [_p("Questionnaires", "h2")]
    if not data.assessments:
        return [*out, _p("No questionnaire recorded.")]
    rows: list[list[Any]] = [["Date", "Result"]]
    rows += [[s.taken_on.isoformat(), headline(s.result)] for s in data.assessments]
    return [*out, _table(rows, [1.0 * inch, WIDTH - 1.0 * inch])]


def _changes(data: ReportData) -> list[Any]:
    progress = data.progress
    series = [s for s in (progress.pain, *progress.function) if s.change is not None]
    out: list[Any] = [_p("Change and the MCID (guidance)", "h2")]
    if not series:
        return [*out, _p("A change needs two values of one measure."), _p(GUIDANCE, "small")]
    rows: list[list[Any]] = [["Measure", "First → latest", "Change", "MCID", "Reached"]]
    citations: list[str] = []
    for item in series:
        rows.append(_change_row(item, citations))
    notes = [_p(f"[{n}] {c}", "small") for n, c in enumerate(citations, start=1)]
    widths = [1.5 * inch, 1.2 * inch, 1.0 * inch, WIDTH - 4.5 * inch, 0.8 * inch]
    return [*out, _table(rows, widths), Spacer(1, 3), *notes, _p(GUIDANCE, "small")]


def _change_row(series: Series, citations: list[str]) -> list[Any]:
    change = series.change
    assert change is not None
    if change.mcid.citation not in citations:
        citations.append(change.mcid.citation)
    number = citations.index(change.mcid.citation) + 1
    mcid = f"{shown(change.mcid.points)} {change.mcid.scale}"
    if change.mcid.percent is not None:
        mcid += f" or {shown(change.mcid.percent)} %"
    reached = "yes" if change.meets_mcid else ("worse" if change.worsened_beyond_mcid else "no")
    return [
        series.label,
        f"{shown(change.before)} → {shown(change.after)}",
        f"{'+' if change.change > 0 else ''}{shown(change.change)}",
        f"{mcid} [{number}]",
        reached,
    ]


def _sessions(data: ReportData) -> list[Any]:
    sessions = data.episode.sessions
    out: list[Any] = [_p(f"Sessions ({len(sessions)})", "h2")]
    if not sessions:
        return [*out, _p("No needling session recorded.")]
    rows: list[list[Any]] = [["Date", "Needler", "Muscles", "CPT", "Pain before → after"]]
    for s in sessions:
        muscles = "; ".join(
            f"{human(m.muscle)} ({m.side}, {m.needles} needle{'s' if m.needles != 1 else ''})"
            for m in s.muscles
        )
        pain = f"{_pain(s.pain_before)} → {_pain(s.pain_after)}"
        needler = f"NPI {s.practitioner_npi}"
        if s.practitioner_name:
            needler = f"{s.practitioner_name}, {needler}"
        rows.append([s.performed_on.isoformat(), needler, muscles, s.cpt_code, pain])
    widths = [0.9 * inch, 1.5 * inch, WIDTH - 4.3 * inch, 0.6 * inch, 1.3 * inch]
    return [*out, _table(rows, widths)]


def _pain(value: int | None) -> str:
    return "—" if value is None else str(value)


def _adverse_events(data: ReportData) -> list[Any]:
    events = [(s, e) for s in data.episode.sessions for e in s.adverse_events]
    out: list[Any] = [_p(f"Adverse events ({len(events)})", "h2")]
    if not events:
        return [*out, _p("None recorded.")]
    rows: list[list[Any]] = [["Onset", "Session", "Type", "Severity", "Resolved", "Board report"]]
    for needling, event in events:
        board = "no"
        if event.reportable:
            board = "required" + (
                f" within {event.report_deadline_days} days" if event.report_deadline_days else ""
            )
        rows.append(
            [
                event.onset_on.isoformat(),
                needling.performed_on.isoformat(),
                human(event.type),
                event.severity,
                "yes" if event.resolved else "no",
                board,
            ]
        )
    widths = [0.9 * inch, 0.9 * inch, WIDTH - 4.7 * inch, 0.8 * inch, 0.7 * inch, 1.4 * inch]
    return [*out, _table(rows, widths)]
