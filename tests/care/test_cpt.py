"""The CPT rule: distinct muscles by name, 1-2 -> 20560, 3 or more -> 20561."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.care.codes import Muscle, Side
from pinpoint.care.cpt import cpt_for_muscles
from pinpoint.errors import InvalidInput


@dataclass(frozen=True)
class Needled:
    muscle: str
    side: str = "left"


entries = st.builds(Needled, st.sampled_from(list(Muscle)), st.sampled_from(list(Side)))


def test_one_muscle_is_20560() -> None:
    assert cpt_for_muscles([Needled("upper_trapezius")]) == "20560"


def test_two_muscles_are_20560() -> None:
    assert cpt_for_muscles([Needled("upper_trapezius"), Needled("levator_scapulae")]) == "20560"


def test_three_muscles_are_20561() -> None:
    three = [Needled("upper_trapezius"), Needled("levator_scapulae"), Needled("scalenes")]
    assert cpt_for_muscles(three) == "20561"


def test_a_muscle_needled_left_and_right_counts_once() -> None:
    both_sides = [Needled("gluteus_medius", "left"), Needled("gluteus_medius", "right")]
    assert cpt_for_muscles([*both_sides, Needled("piriformis")]) == "20560"


def test_a_bilateral_muscle_counts_once() -> None:
    muscles = [Needled("lumbar_multifidus", "bilateral"), Needled("quadratus_lumborum", "left")]
    assert cpt_for_muscles(muscles) == "20560"


def test_plain_muscle_names_are_accepted() -> None:
    assert cpt_for_muscles(["scalenes", "rhomboids", "infraspinatus"]) == "20561"


def test_no_muscle_is_invalid_input_naming_muscles() -> None:
    with pytest.raises(InvalidInput) as caught:
        cpt_for_muscles([])
    assert caught.value.field == "muscles"


@given(st.lists(entries, min_size=1, max_size=30))
def test_code_follows_the_number_of_distinct_muscles(muscles: list[Needled]) -> None:
    distinct = len({m.muscle for m in muscles})
    assert cpt_for_muscles(muscles) == ("20560" if distinct <= 2 else "20561")


@given(st.lists(entries, min_size=1, max_size=30), st.sampled_from(list(Side)))
def test_sides_never_change_the_code(muscles: list[Needled], side: Side) -> None:
    resided = [Needled(m.muscle, side) for m in muscles]
    assert cpt_for_muscles(resided) == cpt_for_muscles(muscles)


@given(st.lists(entries, min_size=1, max_size=30))
def test_repeating_and_reordering_entries_never_change_the_code(muscles: list[Needled]) -> None:
    assert cpt_for_muscles(list(reversed(muscles)) + muscles) == cpt_for_muscles(muscles)
