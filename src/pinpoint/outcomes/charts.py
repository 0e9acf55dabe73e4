"""The progress chart, drawn with matplotlib: SVG (with a title and a text alternative) and PNG.

One panel per measure (pain first, then ODI or NDI, then PSFS), dates along the bottom,
every needling session a dotted vertical line across all panels. Pain shows questionnaires
and the ratings before needling as one line, and each session's rating after needling as
an open triangle joined to its rating before. The MCID band is shaded from the first value
to the value a later score must reach to meet the MCID, with a dashed line there.

Figures are made with ``matplotlib.figure.Figure`` and rendered by the Agg and SVG
canvases directly: nothing goes through ``pyplot`` and its global current figure, so
requests in several threads never share state. Colours are the Okabe-Ito palette, which
people with the common colour-vision deficiencies can tell apart; markers differ in shape
too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from pinpoint.outcomes.display import shown
from pinpoint.outcomes.progress_schemas import Progress, Series
from pinpoint.outcomes.vocabulary import Better

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BLUE = "#0072B2"
ORANGE = "#D55E00"
GREEN = "#009E73"
GREY = "#6b6b6b"
PANEL_HEIGHT = 2.2
HEADER = 0.75
FOOTER = 0.45
WIDTH = 8.0
SVG_TITLE_ID = "progress-chart-title"
SVG_DESC_ID = "progress-chart-desc"


def progress_svg(progress: Progress) -> bytes:
    """The chart as SVG, with ``<title>`` and ``<desc>`` (the text alternative) first."""
    figure = _figure(progress)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": progress.title})
    return _labelled(buffer.getvalue().decode("utf-8"), progress).encode("utf-8")


def progress_png(progress: Progress, dpi: int = 100) -> bytes:
    """The chart as PNG (``dpi`` 100 gives 800 pixels across)."""
    figure = _figure(progress)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Title": progress.title})
    return buffer.getvalue()


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _labelled(svg: str, progress: Progress) -> str:
    """The SVG with an accessible name and description: role, title and desc first."""
    found = _SVG_OPEN.search(svg)
    assert found is not None, "matplotlib wrote no <svg> element"
    tag = found.group(0)
    opened = tag[:-1] + f' role="img" aria-labelledby="{SVG_TITLE_ID} {SVG_DESC_ID}">'
    label = (
        f'\n <title id="{SVG_TITLE_ID}">{escape(progress.title)}</title>'
        f'\n <desc id="{SVG_DESC_ID}">{escape(" ".join(progress.text_alternative))}</desc>'
    )
    return svg[: found.start()] + opened + label + svg[found.end() :]


# ---- drawing ------------------------------------------------------------------------------


def _x(days: Iterable[date]) -> list[float]:
    """Dates as matplotlib draws them (days since its default epoch, 1970-01-01)."""
    from matplotlib.dates import date2num

    return [float(date2num(day)) for day in days]  # type: ignore[no-untyped-call]


def _figure(progress: Progress) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    panels = [progress.pain, *progress.function]
    width, height = figure_size(progress)
    figure = Figure(figsize=(width, height))
    # Fixed margins: a layout engine would draw the figure twice to measure it.
    figure.subplots_adjust(
        left=0.085, right=0.985, top=1 - HEADER / height, bottom=FOOTER / height, hspace=0.18
    )
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    figure.text(0.01, 1 - 0.12 / height, progress.title, fontsize=11, va="top")
    start, end = _date_range(progress)
    for ax, series in zip(axes, panels, strict=True):
        _mark_sessions(ax, progress)
        _draw_series(ax, series)
        ax.set_xlim(*_x([start, end]))
    for ax in axes[:-1]:  # the panels line up; dates are written under the last one only
        ax.xaxis.set_major_locator(NullLocator())
    _date_axis(axes[-1])
    _legend(figure, list(axes), height)
    return figure


def figure_size(progress: Progress) -> tuple[float, float]:
    """The chart's width and height in inches: one panel per measure."""
    return WIDTH, PANEL_HEIGHT * (1 + len(progress.function)) + HEADER + FOOTER


def _legend(figure: Figure, axes: Sequence[Axes], height: float) -> None:
    """One legend for every panel, under the title."""
    seen: dict[str, Artist] = {}
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        for handle, label in zip(handles, labels, strict=True):
            seen.setdefault(label, handle)
    if seen:
        figure.legend(
            list(seen.values()), list(seen.keys()), loc="upper left", ncols=len(seen),
            bbox_to_anchor=(0.0, 1 - 0.38 / height), fontsize=8, frameon=False,
        )  # fmt: skip


def _date_range(progress: Progress) -> tuple[date, date]:
    days = [progress.started_on, *(s.on for s in progress.sessions)]
    for series in (progress.pain, *progress.function):
        days += [p.on for p in series.points]
    if progress.ended_on:
        days.append(progress.ended_on)
    first, last = min(days), max(days)
    margin = max(timedelta(days=2), (last - first) / 20)
    return first - margin, last + margin


def _date_axis(ax: Axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _draw_series(ax: Axes, series: Series) -> None:
    span = series.high - series.low
    ax.set_ylim(series.low - span * 0.04, series.high + span * 0.04)
    ax.set_yticks([series.low + span * step / 5 for step in range(6)])
    ax.set_ylabel(series.label, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _draw_band(ax, series)
    course = [p for p in series.points if p.source != "session_after"]
    asked = [p for p in series.points if p.source == "assessment"]
    before = [p for p in series.points if p.source == "session_before"]
    if course:
        ax.plot(_x(p.on for p in course), [p.value for p in course], color=BLUE, linewidth=1.6)
    if asked:
        ax.plot(
            _x(p.on for p in asked), [p.value for p in asked], "o", color=BLUE,
            markersize=6, label="questionnaire",
        )  # fmt: skip
    if before:
        ax.plot(
            _x(p.on for p in before), [p.value for p in before], "s", color=BLUE,
            markersize=5, label="before needling",
        )  # fmt: skip
    _draw_after(ax, series)
    if not series.points:
        ax.text(0.5, 0.5, "nothing recorded yet", transform=ax.transAxes, ha="center", color=GREY)


def _draw_after(ax: Axes, series: Series) -> None:
    before = {p.record_id: p for p in series.points if p.source == "session_before"}
    after = [p for p in series.points if p.source == "session_after"]
    for point in after:
        match = before.get(point.record_id)
        if match is not None:
            ax.plot(
                _x([point.on, point.on]), [match.value, point.value], color=ORANGE, linewidth=0.9
            )
    if after:
        ax.plot(
            _x(p.on for p in after), [p.value for p in after], "v", color=ORANGE,
            markerfacecolor="white", markersize=6, label="after needling",
        )  # fmt: skip


def _draw_band(ax: Axes, series: Series) -> None:
    if series.baseline is None or series.mcid is None or series.threshold is None:
        return
    low, high = sorted((series.baseline, series.threshold))
    ax.axhspan(
        low, high, color=GREEN, alpha=0.13, linewidth=0, label="change smaller than the MCID"
    )
    ax.axhline(series.threshold, color=GREEN, linestyle="--", linewidth=1.0)
    way = "≤" if series.better is Better.LOWER else "≥"
    ax.annotate(
        f"MCID reached {way} {shown(series.threshold)}",
        xy=(1.0, series.threshold), xycoords=("axes fraction", "data"),
        xytext=(-4, 3 if series.better is Better.HIGHER else -10), textcoords="offset points",
        ha="right", fontsize=7, color="#00573f",
    )  # fmt: skip


def _mark_sessions(ax: Axes, progress: Progress) -> None:
    if not progress.sessions:
        return
    ax.vlines(
        _x(s.on for s in progress.sessions), 0, 1, transform=ax.get_xaxis_transform(),
        colors=GREY, linestyles=":", linewidth=0.8, zorder=0, label="needling session",
    )  # fmt: skip
