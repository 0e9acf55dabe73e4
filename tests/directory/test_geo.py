"""Distance math and ZIP centroids: pure, property-tested."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.directory import geo
from pinpoint.errors import InvalidInput

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.tuples(lats, lons)


@given(points, points)
def test_distance_is_symmetric(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert geo.haversine_miles(*a, *b) == pytest.approx(geo.haversine_miles(*b, *a), abs=1e-6)


@given(points)
def test_distance_to_itself_is_zero(a: tuple[float, float]) -> None:
    assert geo.haversine_miles(*a, *a) == 0.0


@given(points, points, points)
def test_triangle_inequality_holds(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    ab, bc, ac = (
        geo.haversine_miles(*a, *b),
        geo.haversine_miles(*b, *c),
        geo.haversine_miles(*a, *c),
    )
    assert ac <= ab + bc + 1e-6


@given(points, points)
def test_distance_never_exceeds_half_the_circumference(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert 0 <= geo.haversine_miles(*a, *b) <= math.pi * geo.EARTH_RADIUS_MILES + 1e-6


@given(points, st.lists(points, min_size=1, max_size=20))
def test_vectorised_distance_agrees_with_scalar(
    a: tuple[float, float], others: list[tuple[float, float]]
) -> None:
    arr = np.array(others)
    many = geo.haversine_miles_many(a[0], a[1], arr[:, 0], arr[:, 1])
    for (lat, lon), d in zip(others, many, strict=True):
        assert d == pytest.approx(geo.haversine_miles(*a, lat, lon), abs=1e-6)


@given(points, points)
def test_chord_on_unit_vectors_matches_great_circle(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    chord = float(np.linalg.norm(geo.unit_vector(*a) - geo.unit_vector(*b)))
    assert geo.miles_for_chord(chord) == pytest.approx(geo.haversine_miles(*a, *b), abs=1e-3)


@given(st.floats(min_value=0, max_value=12000))
def test_chord_and_miles_convert_both_ways(miles: float) -> None:
    assert geo.miles_for_chord(geo.chord_for_miles(miles)) == pytest.approx(miles, abs=1e-6)


def test_denver_to_new_york_is_about_1630_miles() -> None:
    denver, nyc = geo.zip_centroid("80202"), geo.zip_centroid("10001")
    assert geo.haversine_miles(*denver, *nyc) == pytest.approx(1628, abs=10)


def test_zip_plus_four_is_cut_to_five_digits() -> None:
    assert geo.zip_centroid("80202-1234") == geo.zip_centroid("80202")


@pytest.mark.parametrize(
    "text",
    ["8020", "802021", "abcde", "", "80 202", "\u0668\u0660\u0662\u0660\u0662", "\u00b20202"],
)
def test_malformed_zip_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        geo.zip_centroid(text)
    assert info.value.field == "zip"


def test_unknown_zip_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown ZIP"):
        geo.zip_centroid("00000")


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=5, max_size=5))
def test_a_zip_of_any_non_ascii_digit_is_refused_naming_the_field(text: str) -> None:
    if text.isascii():
        return
    with pytest.raises(InvalidInput) as info:
        geo.parse_zip(text)
    assert info.value.field == "zip"
