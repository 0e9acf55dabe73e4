"""Change between two assessments, read against the published MCID as guidance."""

from __future__ import annotations

import pytest

from pinpoint.errors import InvalidInput
from pinpoint.outcomes import compare, describe_change, score_responses
from pinpoint.outcomes.schemas import ScoreResult

M = None


def _nprs(rating: int) -> ScoreResult:
    return score_responses("nprs", [rating])


def _odi(total: int) -> ScoreResult:
    answers = [min(5, max(0, total - 5 * i)) for i in range(10)]
    return score_responses("odi", answers)


@pytest.mark.parametrize(
    ("before", "after", "meets"),
    [
        (8, 6, True),  # 2 points
        (8, 7, False),  # 1 point, 12.5 %
        (3, 2, True),  # 1 point but 33 % of the first score
        (10, 7, True),  # 3 points, exactly 30 %
        (4, 3, False),  # 1 point, 25 %
        (5, 5, False),
        (0, 0, False),  # no relative change from 0
    ],
)
def test_nprs_in_low_back_pain_counts_2_points_or_30_percent(
    before: int, after: int, meets: bool
) -> None:
    change = compare(_nprs(before), _nprs(after))
    assert change.meets_mcid is meets
    assert change.mcid.points == 2
    assert change.mcid.percent == 30
    assert "Ostelo" in change.mcid.citation
    assert change.mcid.condition == "low_back_pain"


def test_nprs_change_fields_are_direction_aware() -> None:
    change = compare(_nprs(7), _nprs(4))
    assert (change.before, change.after, change.change) == (7.0, 4.0, -3.0)
    assert (change.improvement, change.direction) == (3.0, "improved")
    assert change.percent_improvement == pytest.approx(300 / 7)


def test_a_worsening_by_the_mcid_is_flagged_and_never_counts_as_improvement() -> None:
    change = compare(_nprs(3), _nprs(6))
    assert (change.direction, change.improvement) == ("worsened", -3.0)
    assert change.meets_mcid is False
    assert change.worsened_beyond_mcid is True


@pytest.mark.parametrize(
    ("condition", "points"), [("neck_pain", 1.3), ("cervical_radiculopathy", 2.2)]
)
def test_nprs_neck_values_come_from_their_own_studies(condition: str, points: float) -> None:
    change = compare(_nprs(6), _nprs(4), condition=condition)
    assert change.mcid.points == points
    assert change.mcid.percent is None
    assert change.meets_mcid is (points <= 2)


@pytest.mark.parametrize(
    ("before", "after", "meets"),
    [
        (30, 25, True),  # 60 % -> 50 %: 10 points
        (30, 26, False),  # 8 points, 13 %
        (10, 7, True),  # 20 % -> 14 %: 6 points, exactly 30 %
        (10, 8, False),  # 4 points, 20 %
    ],
)
def test_odi_counts_10_points_or_30_percent(before: int, after: int, meets: bool) -> None:
    change = compare(_odi(before), _odi(after))
    assert change.meets_mcid is meets
    assert (change.mcid.points, change.mcid.percent) == (10, 30)


def test_odi_has_no_published_mcid_for_neck_pain() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare(_odi(20), _odi(10), condition="neck_pain")
    assert caught.value.field == "condition"


def test_ndi_in_neck_pain_is_read_on_the_percentage_scale() -> None:
    # raw 20 -> 10 is 40 % -> 20 %: 20 percentage points, above the 19 of Cleland 2008.
    before = score_responses("ndi", [2] * 10)
    after = score_responses("ndi", [1] * 10)
    change = compare(before, after)
    assert change.scale == "percent"
    assert (change.before, change.after, change.improvement) == (40.0, 20.0, 20.0)
    assert change.meets_mcid is True
    assert change.mcid.points == 19


def test_ndi_in_cervical_radiculopathy_is_read_on_the_raw_scale() -> None:
    before = score_responses("ndi", [2] * 10)  # raw 20
    after = score_responses("ndi", [2, 2, 2, 1, 1, 1, 1, 1, 1, 1])  # raw 13
    change = compare(before, after, condition="cervical_radiculopathy")
    assert change.scale == "raw"
    assert change.improvement == 7.0
    assert change.meets_mcid is True


def test_phq9_counts_5_points_even_from_prorated_scores() -> None:
    before = score_responses("phq9", [1, 1, 1, 1, 1, 1, 1, 1, M])  # 8 x 9 / 8 = 9
    after = score_responses("phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0])  # 4
    change = compare(before, after)
    assert change.improvement == 5.0
    assert change.meets_mcid is True
    assert "Löwe" in change.mcid.citation


def test_phq9_four_points_is_below_the_mcid() -> None:
    change = compare(score_responses("phq9", [1] * 9), score_responses("phq9", [1] * 5 + [0] * 4))
    assert (change.improvement, change.meets_mcid) == (4.0, False)


def test_psfs_higher_is_better_and_needs_the_same_activities() -> None:
    names = ["Walking", "Driving", "Lifting"]
    before = score_responses("psfs", [2, 3, 4], names)
    after = score_responses("psfs", [5, 5, 5], ["lifting", "Walking", " driving"])
    change = compare(before, after)
    assert (change.improvement, change.direction, change.meets_mcid) == (2.0, "improved", True)


def test_psfs_change_between_different_activities_is_refused() -> None:
    before = score_responses("psfs", [2, 3, 4], ["Walking", "Driving", "Lifting"])
    after = score_responses("psfs", [5, 5, 5], ["Walking", "Driving", "Gardening"])
    with pytest.raises(InvalidInput) as caught:
        compare(before, after)
    assert caught.value.field == "activities"


def test_psfs_change_without_activity_names_is_refused() -> None:
    with pytest.raises(InvalidInput):
        compare(score_responses("psfs", [2, 3, 4]), score_responses("psfs", [5, 5, 5]))


def test_change_across_instruments_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare(_nprs(5), score_responses("phq2", [1, 1]))
    assert caught.value.field == "instrument"


def test_phq2_has_no_mcid() -> None:
    with pytest.raises(InvalidInput):
        compare(score_responses("phq2", [3, 3]), score_responses("phq2", [0, 0]))


def test_change_needs_a_score_on_both_sides() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare(_nprs(5), score_responses("nprs", [M]))
    assert caught.value.field == "after"


def test_an_unknown_condition_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare(_nprs(5), _nprs(2), condition="knee")
    assert caught.value.field == "condition"


def test_mcid_wording_is_guidance_not_a_verdict() -> None:
    change = compare(_nprs(7), _nprs(4))
    assert "guidance" in change.guidance
    assert "not a verdict" in change.guidance
    assert "low back pain" in change.guidance
    text = describe_change(change)
    assert text.startswith("The score dropped 3 points (from 7 to 4).")
