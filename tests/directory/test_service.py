"""``find_practitioners_near`` and ``get_practitioner``: validation, verdicts, detail shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from pinpoint.directory.npi import parse_npi
from pinpoint.directory.service import find_practitioners_near, get_practitioner
from pinpoint.errors import InvalidInput, NotFound
from tests.directory import factories as f

ON = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"zip_code": "8020"}, "zip"),
        ({"zip_code": "00000"}, "zip"),
        ({"radius_miles": -1}, "radius_miles"),
        ({"radius_miles": 0}, "radius_miles"),
        ({"radius_miles": 501}, "radius_miles"),
        ({"radius_miles": "far"}, "radius_miles"),
        ({"radius_miles": float("nan")}, "radius_miles"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"professions": ["dentist"]}, "profession"),
    ],
)
def test_bad_search_input_is_refused_naming_the_field(
    engine: Engine, kwargs: dict[str, Any], field: str
) -> None:
    args: dict[str, Any] = {"zip_code": "80202", **kwargs}
    with pytest.raises(InvalidInput) as info:
        find_practitioners_near(engine, **args)
    assert info.value.field == field


def test_unknown_npi_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound):
        get_practitioner(engine, f.npi_from(999_999_999))


@pytest.mark.parametrize("npi", ["123", "12345678901", "abcdefghij", "1234567890"])
def test_malformed_npi_is_invalid_input(engine: Engine, npi: str) -> None:
    with pytest.raises(InvalidInput) as info:
        get_practitioner(engine, npi)
    assert info.value.field == "npi"


def test_npi_check_digit_is_verified() -> None:
    assert parse_npi("1234567893") == "1234567893"
    with pytest.raises(InvalidInput, match="check digit"):
        parse_npi("1234567890")


def test_several_courses_add_up_to_meet_the_hours(engine: Engine) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row], [f.credential(row["npi"], hours=27), f.credential(row["npi"], hours=27)])
    detail = get_practitioner(engine, row["npi"], ON)
    assert detail.eligibility.verdict == "eligible"
    assert len(detail.training) == 2
    hit = find_practitioners_near(engine, "80202", 5, on=ON).results[0]
    assert hit.eligibility == detail.eligibility


def test_practitioner_without_training_has_training_unknown(engine: Engine) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row])
    detail = get_practitioner(engine, row["npi"], ON)
    assert detail.eligibility.verdict == "training_unknown"
    assert detail.eligibility.reasons == ["no dry needling training on record"]


def test_detail_has_find_fields_plus_licenses_training_and_law(engine: Engine) -> None:
    row = f.practitioner("80202")
    f.add(
        engine,
        [row],
        [f.credential(row["npi"])],
        [
            {
                "npi": row["npi"],
                "taxonomy": "225100000X",
                "number": "PT123",
                "state": "CO",
                "primary": True,
            }
        ],
    )
    data = get_practitioner(engine, row["npi"], ON).model_dump(mode="json")
    for key in (
        "npi",
        "name",
        "profession",
        "taxonomy",
        "city",
        "state",
        "zip",
        "eligibility",
        "licenses",
        "training",
        "law",
    ):
        assert key in data
    assert "distance_miles" not in data
    assert data["licenses"] == [
        {"taxonomy": "225100000X", "number": "PT123", "state": "CO", "primary": True}
    ]
    assert data["law"]["jurisdiction"] == "CO"
    assert data["law"]["sources"]
    assert set(data["eligibility"]) == {"verdict", "reasons"}


def test_search_hits_have_the_spec_fields_and_the_practice_address(engine: Engine) -> None:
    f.add(engine, [f.practitioner("80202")])
    data = find_practitioners_near(engine, "80202").model_dump(mode="json")
    assert set(data) == {"query", "total", "results"}
    assert set(data["results"][0]) == {
        "npi",
        "name",
        "profession",
        "taxonomy",
        "city",
        "state",
        "zip",
        "distance_miles",
        "eligibility",
        "address_line",  # added beside SPEC's fields: the practice address and phone
        "phone",
    }
