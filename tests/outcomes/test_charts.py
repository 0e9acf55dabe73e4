"""The progress chart: SVG with a title and text alternative, PNG, and no shared state."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from PIL import Image

from pinpoint.outcomes import score_responses
from pinpoint.outcomes.charts import progress_png, progress_svg
from pinpoint.outcomes.progress import EpisodeFacts, Scored, build_progress
from pinpoint.outcomes.progress_schemas import Progress, SessionMark
from pinpoint.outcomes.vocabulary import InstrumentCode

SVG = "{http://www.w3.org/2000/svg}"
START = date(2025, 3, 1)


def course(pain: list[int], region: str = "lumbar", odi: bool = True) -> Progress:
    marks = [
        SessionMark(
            id=n + 1,
            on=START + timedelta(days=3 + 7 * n),
            cpt_code="20561" if n % 2 else "20560",
            pain_before=value,
            pain_after=max(0, value - 3),
        )
        for n, value in enumerate(pain)
    ]
    items = []
    if odi:
        for n, answers in enumerate(
            [[3, 3, 2, 2, 3, 2, 2, 2, 3, 2], [1, 1, 1, 1, 1, 2, 1, 1, 0, 1]]
        ):
            day = START + timedelta(days=40 * n)
            items.append(Scored(n + 1, InstrumentCode.ODI, day, score_responses("odi", answers)))
    facts = EpisodeFacts(1, 1, region, START, None, "active")
    return build_progress(facts, marks, items)


def test_the_svg_names_itself_and_carries_its_text_alternative() -> None:
    progress = course([7, 6, 5, 4])
    root = ET.fromstring(progress_svg(progress))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "progress-chart-title progress-chart-desc"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text == "Progress of the lumbar episode from 2025-03-01"
    assert desc.text == " ".join(progress.text_alternative)
    assert "7 before and 4 after needling on 2025-03-04" in (desc.text or "")


def test_the_svg_escapes_what_it_quotes() -> None:
    progress = course([7, 6]).model_copy(update={"title": 'A <b>"title"</b> & more'})
    root = ET.fromstring(progress_svg(progress))
    assert root[0].text == 'A <b>"title"</b> & more'


def test_the_png_is_an_image_of_one_panel_per_measure() -> None:
    one = Image.open(io.BytesIO(progress_png(course([7, 6], odi=False))))
    two = Image.open(io.BytesIO(progress_png(course([7, 6]))))
    assert one.format == two.format == "PNG"
    assert one.width == two.width == 800
    assert two.height > one.height
    # Something is drawn in the Okabe-Ito blue of the pain line.
    colours = two.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert (0, 114, 178) in {colour for _count, colour in colours}


def test_an_episode_without_values_still_draws_an_empty_chart() -> None:
    progress = build_progress(EpisodeFacts(1, 1, "cervical", START, None, "active"), [], [])
    assert ET.fromstring(progress_svg(progress))[0].text == progress.title
    assert progress_png(progress).startswith(b"\x89PNG")


def test_charts_drawn_in_threads_match_charts_drawn_one_by_one() -> None:
    courses = [course([7, 6, 5, 4, 3][: n + 2], odi=n % 2 == 0) for n in range(4)] * 2
    alone = [progress_png(p) for p in courses]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(progress_png, courses))
    assert together == alone
    assert "matplotlib.pyplot" not in sys.modules
