"""An episode's progress from plain values: series, MCID bands, change, words."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinpoint.outcomes import compare, score_responses
from pinpoint.outcomes.catalogue import get_instrument, mcid_for
from pinpoint.outcomes.change import mcid_threshold
from pinpoint.outcomes.dashboard_figures import StoredScore, episode_readings
from pinpoint.outcomes.progress import (
    EpisodeFacts,
    Scored,
    build_progress,
    pain_points,
    series_changes,
)
from pinpoint.outcomes.progress_schemas import SessionMark
from pinpoint.outcomes.progress_words import summary
from pinpoint.outcomes.vocabulary import Condition, InstrumentCode

START = date(2025, 3, 1)
PSFS_ACTIVITIES = ["Walking", "Sitting", "Lifting"]


def episode(region: str = "lumbar", ended: date | None = None) -> EpisodeFacts:
    return EpisodeFacts(7, 3, region, START, ended, "closed" if ended else "active")


def mark(n: int, before: int | None, after: int | None, day: int | None = None) -> SessionMark:
    on = START + timedelta(days=day if day is not None else 3 + 7 * n)
    return SessionMark(id=n + 1, on=on, cpt_code="20560", pain_before=before, pain_after=after)


def scored(
    id_: int, code: str, day: int, answers: list[int | None], act: list[str] | None = None
) -> Scored:
    result = score_responses(code, answers, act)
    return Scored(id_, InstrumentCode(code), START + timedelta(days=day), result)


def test_pain_joins_questionnaires_and_session_ratings_by_date() -> None:
    points = pain_points(
        [mark(0, 7, 4), mark(1, 6, None)], [scored(10, "nprs", 0, [8]), scored(11, "nprs", 3, [7])]
    )
    assert [(p.on.day, p.source, p.value) for p in points] == [
        (1, "assessment", 8),
        (4, "assessment", 7),
        (4, "session_before", 7),
        (4, "session_after", 4),
        (11, "session_before", 6),
    ]


def test_the_change_in_pain_ignores_ratings_after_needling() -> None:
    # Before needling 7 then 6, after needling down to 1: the course is 7 -> 6, one point.
    progress = build_progress(episode(), [mark(0, 7, 2), mark(1, 6, 1)], [])
    change = progress.pain.change
    assert change is not None
    assert (change.before, change.after, change.improvement) == (7, 6, 1)
    assert not change.meets_mcid
    assert progress.pain.baseline == 7
    # Low back pain: 2 points or 30 % of 7 (2.1), the easier: 2 points, so 5 or lower.
    assert progress.pain.threshold == 5
    assert progress.pain.mcid is not None
    assert "Ostelo" in progress.pain.mcid.citation


def test_a_neck_episode_reads_pain_against_the_neck_pain_mcid() -> None:
    progress = build_progress(episode("cervical"), [mark(0, 6, 4), mark(1, 4, 3)], [])
    assert progress.condition is Condition.NECK_PAIN
    assert progress.pain.change is not None
    assert progress.pain.change.mcid.points == 1.3
    assert progress.pain.change.meets_mcid
    assert progress.pain.threshold == pytest.approx(4.7)


def test_function_series_are_drawn_on_the_scale_of_their_mcid() -> None:
    marks = [mark(0, 7, 5)]
    items = [
        scored(1, "ndi", 0, [3, 3, 2, 2, 3, 2, 2, 2, 3, 2]),  # raw 24, 48 %
        scored(2, "ndi", 30, [1, 1, 1, 1, 1, 2, 1, 1, 0, 1]),  # raw 10, 20 %
        scored(3, "psfs", 0, [3, 4, 5], PSFS_ACTIVITIES),
        scored(4, "psfs", 30, [6, 7, 8], PSFS_ACTIVITIES),
    ]
    progress = build_progress(episode("cervical"), marks, items)
    ndi, psfs = progress.function
    assert ndi.measure == "ndi"
    assert [p.value for p in ndi.points] == [48, 20]
    assert (ndi.low, ndi.high) == (0, 100)
    assert ndi.change is not None
    assert ndi.change.improvement == 28
    assert ndi.threshold == 29  # 19 percentage points below 48
    assert psfs.better.value == "higher"
    assert psfs.threshold == 6  # 2 points above 4
    assert psfs.change is not None
    assert psfs.change.meets_mcid


def test_a_psfs_with_other_activities_is_drawn_but_not_compared() -> None:
    items = [
        scored(1, "psfs", 0, [3, 4, 5], PSFS_ACTIVITIES),
        scored(2, "psfs", 30, [6, 7, 8], ["Running", "Sitting", "Lifting"]),
    ]
    progress = build_progress(episode(), [], items)
    (psfs,) = progress.function
    assert len(psfs.points) == 2
    assert psfs.change is None


def test_an_unscored_assessment_is_left_out_of_the_series() -> None:
    items = [
        scored(1, "odi", 0, [3, 3, 2, 2, 3, 2, 2, 2, 3, 2]),
        scored(2, "odi", 10, [None, None, 2, 2, 3, 2, 2, 2, 3, 2]),  # two missing: no score
    ]
    (odi,) = build_progress(episode(), [], items).function
    assert [p.record_id for p in odi.points] == [1]
    assert odi.change is None


def test_the_text_alternative_names_every_value_band_and_session() -> None:
    items = [scored(1, "nprs", 0, [8]), scored(2, "odi", 0, [3, 3, 2, 2, 3, 2, 2, 2, 3, 2])]
    progress = build_progress(episode(), [mark(0, 7, 4), mark(1, 5, 3)], items)
    words = " ".join(progress.text_alternative)
    assert progress.title == "Progress of the lumbar episode from 2025-03-01"
    assert "8 (questionnaire) on 2025-03-01" in words
    assert "7 before and 4 after needling on 2025-03-04" in words
    assert "5 before and 3 after needling on 2025-03-11" in words
    assert "48 (questionnaire, severe disability) on 2025-03-01" in words
    # 2 points or 30 % of 8 (2.4): either is enough, so the smaller drop counts: 6 or lower.
    assert "a value of 6 or lower meets it" in words
    assert "2 needling sessions: 2025-03-04 (CPT 20560), 2025-03-11 (CPT 20560)" in words


def test_an_empty_episode_says_nothing_is_recorded() -> None:
    progress = build_progress(episode(), [], [])
    assert progress.pain.points == []
    assert progress.function == []
    assert progress.summary == ["Pain (NPRS): nothing recorded yet."]
    assert "No needling session yet." in progress.text_alternative
    assert summary(progress, "patient") == [
        "We need at least two ratings of your pain to show how it has changed."
    ]


def test_the_patient_summary_speaks_plainly_and_as_guidance() -> None:
    progress = build_progress(episode(), [mark(0, 7, 4), mark(1, 4, 3)], [])
    (line,) = summary(progress, "patient")
    assert line.startswith("Your pain has dropped 3 points since you started (from 7 to 4).")
    assert "A drop of 2 points or 30 % of the first value is a meaningful change for most " in line
    assert "people with low back pain, and yours is at least that." in line
    assert "not a verdict about you" in line


def test_the_clinician_summary_uses_the_published_guidance_wording() -> None:
    progress = build_progress(episode(), [mark(0, 7, 4), mark(1, 6, 3)], [])
    (line,) = progress.summary
    assert line.startswith("Pain (NPRS): The score dropped 1 points (from 7 to 6).")
    assert "guidance, not a verdict on one patient" in line


# ---- properties ----------------------------------------------------------------------------


@given(first=st.integers(0, 10), later=st.integers(0, 10))
def test_the_nprs_threshold_is_where_compare_starts_to_say_the_mcid_is_met(
    first: int, later: int
) -> None:
    mcid = mcid_for(InstrumentCode.NPRS, Condition.LOW_BACK_PAIN)
    threshold = mcid_threshold(get_instrument("nprs").better, mcid, first)
    change = compare(score_responses("nprs", [first]), score_responses("nprs", [later]))
    if threshold is None:
        assert not change.meets_mcid
    else:
        assert change.meets_mcid == (Fraction(later) <= Fraction(threshold).limit_denominator(1000))


odi_answers = st.lists(st.integers(0, 5), min_size=10, max_size=10)


@given(odi_answers, odi_answers)
def test_the_odi_threshold_agrees_with_compare(first: list[int], later: list[int]) -> None:
    before, after = score_responses("odi", first), score_responses("odi", later)
    assert before.score is not None
    assert after.score is not None
    mcid = mcid_for(InstrumentCode.ODI, Condition.LOW_BACK_PAIN)
    threshold = mcid_threshold(get_instrument("odi").better, mcid, before.score)
    meets = compare(before, after).meets_mcid
    if threshold is None:
        assert not meets
    else:
        exact = Fraction(after.score).limit_denominator(1000)
        assert meets == (exact <= Fraction(threshold).limit_denominator(1000))


@st.composite
def episodes(draw: st.DrawFn) -> tuple[str, list[SessionMark], list[Scored]]:
    region = draw(st.sampled_from(["lumbar", "cervical", "thoracic", "sacroiliac_pelvic"]))
    marks = [
        mark(n, draw(st.none() | st.integers(0, 10)), draw(st.none() | st.integers(0, 10)),
             day=draw(st.integers(0, 60)))
        for n in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    items: list[Scored] = []
    for n in range(draw(st.integers(0, 8))):
        code = draw(st.sampled_from(["nprs", "odi", "ndi", "psfs", "phq9"]))
        day = draw(st.integers(0, 60))
        if code == "nprs":
            answers: list[int | None] = [draw(st.integers(0, 10))]
        elif code == "psfs":
            answers = draw(st.lists(st.integers(0, 10), min_size=3, max_size=3))
        elif code == "phq9":
            answers = draw(st.lists(st.integers(0, 3), min_size=9, max_size=9))
        else:
            answers = draw(st.lists(st.integers(0, 5), min_size=10, max_size=10))
        names = (
            draw(st.sampled_from([PSFS_ACTIVITIES, ["Run", "Sit", "Lift"]]))
            if code == "psfs"
            else None
        )
        items.append(scored(100 + n, code, day, answers, names))
    items.sort(key=lambda s: (s.taken_on, s.id))
    return region, marks, items


@given(episodes())
@settings(max_examples=150, deadline=None)
def test_the_dashboard_reads_each_episode_as_its_progress_chart_does(
    drawn: tuple[str, list[SessionMark], list[Scored]],
) -> None:
    region, marks, items = drawn
    facts = episode(region)
    charted = series_changes(marks, items, facts.condition)
    stored = [
        StoredScore(s.id, s.instrument, s.taken_on, s.result.score, s.result.activities)
        for s in items
        if s.result.score is not None
    ]
    read = episode_readings(marks, stored, facts.condition)
    assert set(read) == set(charted)
    for measure, change in charted.items():
        assert float(read[measure].improvement) == pytest.approx(change.improvement)
        assert read[measure].meets_mcid == change.meets_mcid
