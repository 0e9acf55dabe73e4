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


def test_a_zip_without_a_centroid_is_refused_not_placed_at_zero_zero() -> None:
    """The ZIP source writes 0, 0 for military and some PO box codes: no centre to search."""
    with pytest.raises(InvalidInput, match="no known centroid") as refused:
        geo.zip_centroid("09001")  # an APO code
    assert refused.value.field == "zip"
    assert "09001" not in geo.known_zip_codes()
    assert "80202" in geo.known_zip_codes()


def _in_box(box: geo.Box, lat: float, lon: float) -> bool:
    return box.south <= lat <= box.north and any(w <= lon <= e for w, e in box.lons)


def _destination(lat: float, lon: float, bearing: float, miles: float) -> tuple[float, float]:
    """The point ``miles`` from (lat, lon) on ``bearing`` (radians), longitude wrapped."""
    phi, lam, d = math.radians(lat), math.radians(lon), miles / geo.EARTH_RADIUS_MILES
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(bearing))
    lam2 = lam + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(phi),
        math.cos(d) - math.sin(phi) * math.sin(phi2),
    )
    lon2 = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return math.degrees(phi2), lon2


@given(
    points,
    st.floats(min_value=0.01, max_value=500),
    st.floats(min_value=0, max_value=2 * math.pi),
    st.floats(min_value=0, max_value=1.000001),
)
def test_the_bounding_box_holds_every_point_within_the_radius(
    centre: tuple[float, float], miles: float, bearing: float, share: float
) -> None:
    """Points on and inside the circle (by the canonical haversine) are in the box, around
    the poles and across the 180th meridian too."""
    lat, lon = _destination(*centre, bearing, miles * share)
    if geo.haversine_miles(*centre, lat, lon) <= miles:
        assert _in_box(geo.bounding_box(*centre, miles), lat, lon)


@pytest.mark.parametrize(
    ("zip5", "miles"),
    [("99546", 300), ("96507", 300), ("96813", 500), ("96799", 200), ("96950", 100)],
)
def test_boxes_across_the_180th_meridian_take_both_sides(zip5: str, miles: float) -> None:
    """Adak, Alaska (west of 180) and Amchitka (east of it) are 170 miles apart."""
    centre = geo.zip_centroid(zip5)
    box = geo.bounding_box(*centre, miles)
    for other in ("99546", "96507", "96505", "96813", "96799", "96950", "96910"):
        point = geo.zip_centroid(other)
        inside = geo.haversine_miles(*centre, *point) <= miles
        assert not inside or _in_box(box, *point), other


def test_the_bounding_box_is_not_much_larger_than_the_circle() -> None:
    box = geo.bounding_box(40.75, -73.99, 25)
    ((west, east),) = box.lons
    assert box.north - box.south == pytest.approx(2 * 25 / 69.09, rel=1e-3)
    assert east - west == pytest.approx(2 * 25 / (69.09 * math.cos(math.radians(40.75))), rel=1e-2)
    polar = geo.bounding_box(89.9, 10.0, 50)
    assert polar.lons == ((-180.0, 180.0),)


@pytest.mark.parametrize(
    ("lat", "lon", "miles"),
    [
        (40.7506, -73.9972, 25),  # New York
        (61.2176, -149.8631, 500),  # Anchorage
        (64.5011, -165.4064, 500),  # Nome
        (51.8549, -177.0888, 300),  # Adak: the circle crosses the 180th meridian
        (51.5672, 178.8775, 300),  # Amchitka, on the other side
        (21.3069, -157.8583, 200),  # Honolulu
        (-14.2756, -170.7020, 100),  # Pago Pago, south of the equator
        (13.4762, 144.7516, 500),  # Guam, east longitude
        (18.4655, -66.1057, 50),  # San Juan
        (0.5, 179.95, 50),  # on the equator and the meridian
        (89.5, 0.0, 50),  # a circle around the pole
    ],
)
def test_the_bounding_box_holds_the_whole_circle_edge(lat: float, lon: float, miles: float) -> None:
    """A million points of the circle's edge and just inside it (where the box is
    tightest: its widest longitudes are reached at one bearing only) all lie in the box."""
    bearing = np.linspace(0, 2 * math.pi, 1_000_000, endpoint=False)
    box = geo.bounding_box(lat, lon, miles)
    for share in (1.0, 1 - 1e-12):
        phi, lam, d = math.radians(lat), math.radians(lon), miles * share / geo.EARTH_RADIUS_MILES
        phi2 = np.arcsin(
            math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * np.cos(bearing)
        )
        lam2 = lam + np.arctan2(
            np.sin(bearing) * math.sin(d) * math.cos(phi),
            math.cos(d) - math.sin(phi) * np.sin(phi2),
        )
        lats2 = np.degrees(phi2)
        lons2 = (np.degrees(lam2) + 540.0) % 360.0 - 180.0
        inside = geo.haversine_miles_many(lat, lon, lats2, lons2) <= miles
        in_box = (lats2 >= box.south) & (lats2 <= box.north)
        in_box &= np.logical_or.reduce([(lons2 >= w) & (lons2 <= e) for w, e in box.lons])
        assert not (inside & ~in_box).any()
