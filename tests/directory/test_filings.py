"""Board filings: recording them, and how they count toward a verdict, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, insert

from pinpoint.directory.filings import add_filing, parse_filing
from pinpoint.directory.models import BoardFiling
from pinpoint.directory.schemas_filings import FilingCreate, FilingKind
from pinpoint.directory.search import cache
from pinpoint.directory.service import find_practitioners_near, get_practitioner
from pinpoint.errors import Conflict, InvalidInput, NotFound
from tests.directory import factories as f

MIAMI = "33130"
ON = date(2025, 6, 1)


def _trained_in_florida(engine: Engine, **practitioner: Any) -> str:
    """A Florida physical therapist whose courses meet every Florida minimum."""
    row = f.practitioner(MIAMI, state="FL", city="Miami", **practitioner)
    course = f.credential(row["npi"], hours=50, supervised_sessions=25)
    f.add(engine, [row], [course])
    return str(row["npi"])


def _filing(**values: Any) -> FilingCreate:
    return FilingCreate.model_validate(
        {"state": "FL", "kind": "attestation", "filed_on": "2024-05-01", **values}
    )


def _verdict(engine: Engine, npi: str, on: date = ON) -> str:
    return get_practitioner(engine, npi, on).eligibility.verdict.value


def _search_verdict(engine: Engine, npi: str, on: date = ON) -> str:
    results = find_practitioners_near(engine, MIAMI, 5, on=on).results
    return next(h.eligibility.verdict.value for h in results if h.npi == npi)


# ---- the verdict ------------------------------------------------------------------------


def test_training_without_the_filing_is_training_unknown_naming_the_filing(
    engine: Engine,
) -> None:
    npi = _trained_in_florida(engine)
    answer = get_practitioner(engine, npi, ON)
    assert answer.eligibility.verdict == "training_unknown"
    assert len(answer.eligibility.reasons) == 1
    assert "attestation form filed with the Board" in answer.eligibility.reasons[0]
    assert answer.filings == []


def test_a_filing_in_force_makes_a_trained_practitioner_eligible_and_is_listed(
    engine: Engine,
) -> None:
    npi = _trained_in_florida(engine)
    stored = add_filing(engine, npi, _filing(reference="DN-0042"), recorded_by=7)
    assert (stored.npi, stored.state, stored.kind, stored.reference) == (
        npi,
        "FL",
        FilingKind.ATTESTATION,
        "DN-0042",
    )
    assert stored.recorded_by == 7
    assert stored.recorded_at.tzinfo is not None
    answer = get_practitioner(engine, npi, ON)
    assert answer.eligibility.verdict == "eligible"
    [listed] = answer.filings
    assert (listed.state, listed.kind, listed.filed_on) == ("FL", "attestation", date(2024, 5, 1))
    assert (listed.reference, listed.expires_on, listed.in_force) == ("DN-0042", None, True)


def test_a_filing_counts_from_its_day_through_its_last_day_in_force(engine: Engine) -> None:
    npi = _trained_in_florida(engine)
    add_filing(engine, npi, _filing(filed_on="2024-05-01", expires_on="2025-04-30"))
    assert _verdict(engine, npi, date(2024, 4, 30)) == "training_unknown"
    assert _verdict(engine, npi, date(2024, 5, 1)) == "eligible"
    assert _verdict(engine, npi, date(2025, 4, 30)) == "eligible"
    assert _verdict(engine, npi, date(2025, 5, 1)) == "training_unknown"
    [listed] = get_practitioner(engine, npi, date(2025, 5, 1)).filings
    assert listed.in_force is False


def test_a_filing_in_another_state_does_not_count(engine: Engine) -> None:
    npi = _trained_in_florida(engine)
    add_filing(engine, npi, _filing(state="GA"))
    assert _verdict(engine, npi) == "training_unknown"
    assert _search_verdict(engine, npi) == "training_unknown"


def test_a_filing_without_training_is_still_no_training(engine: Engine) -> None:
    row = f.practitioner(MIAMI, state="FL")
    f.add(engine, [row])
    add_filing(engine, row["npi"], _filing())
    answer = get_practitioner(engine, row["npi"], ON)
    assert answer.eligibility.reasons == ["no dry needling training on record"]


def test_search_verdict_changes_after_a_filing(engine: Engine) -> None:
    npi = _trained_in_florida(engine)
    assert _search_verdict(engine, npi) == "training_unknown"
    before = find_practitioners_near(engine, MIAMI, 5, eligible_only=True, on=ON)
    assert before.total == 0
    add_filing(engine, npi, _filing(expires_on="2025-12-31"))  # no explicit invalidate here
    assert _search_verdict(engine, npi) == "eligible"
    assert _search_verdict(engine, npi, date(2026, 1, 1)) == "training_unknown"
    after = find_practitioners_near(engine, MIAMI, 5, eligible_only=True, on=ON)
    assert [h.npi for h in after.results] == [npi]


def test_the_bounded_search_of_the_cli_counts_a_filing_too(engine: Engine) -> None:
    npi = _trained_in_florida(engine)
    add_filing(engine, npi, _filing(expires_on="2025-12-31"))
    for on, verdict in ((ON, "eligible"), (date(2026, 1, 1), "training_unknown")):
        found = find_practitioners_near(engine, MIAMI, 5, on=on, backend="bounded")
        assert [(h.npi, h.eligibility.verdict) for h in found.results] == [(npi, verdict)]


def test_another_process_adding_a_filing_reaches_the_index(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    npi = _trained_in_florida(engine)
    assert _search_verdict(engine, npi) == "training_unknown"
    with engine.begin() as conn:  # as another process would: no invalidate() here
        conn.execute(insert(BoardFiling), [f.filing(npi)])
    monkeypatch.setattr(cache, "CHECK_INTERVAL_S", 0.0)
    deadline = time.monotonic() + 10
    while _search_verdict(engine, npi) != "eligible":
        assert time.monotonic() < deadline, "the background refresh never saw the filing"
        time.sleep(0.02)


# ---- recording --------------------------------------------------------------------------


def test_recording_refuses_unknown_and_malformed_npis_and_repeats(engine: Engine) -> None:
    npi = _trained_in_florida(engine)
    with pytest.raises(NotFound) as unknown:
        add_filing(engine, f.npi_from(999_999_999), _filing())
    assert unknown.value.field == "npi"
    with pytest.raises(InvalidInput) as malformed:
        add_filing(engine, "1234567890", _filing())
    assert malformed.value.field == "npi"
    add_filing(engine, npi, _filing())
    with pytest.raises(Conflict) as repeated:
        add_filing(engine, npi, _filing(reference="other"))
    assert repeated.value.field == "filed_on"
    add_filing(engine, npi, _filing(kind="registration"))  # another kind on the same day
    assert len(get_practitioner(engine, npi, ON).filings) == 2


def _field_of(values: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        _filing(**values)
    return ".".join(str(p) for p in caught.value.errors()[0]["loc"])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"state": "XX"}, "state"),
        ({"state": ""}, "state"),
        ({"kind": "licence"}, "kind"),
        ({"filed_on": (date.today() + timedelta(days=1)).isoformat()}, "filed_on"),
        ({"filed_on": "1899-12-31"}, "filed_on"),
        ({"filed_on": "2024-5-1"}, "filed_on"),
        ({"filed_on": "\uff12\uff10\uff12\uff14-05-01"}, "filed_on"),  # fullwidth digits
        ({"filed_on": "\u0662\u0660\u0662\u0664-05-01"}, "filed_on"),  # Arabic-Indic digits
        ({"filed_on": 1714521600}, "filed_on"),  # a timestamp is not a day
        ({"filed_on": "2024-05-01T00:00:00"}, "filed_on"),
        ({"expires_on": "2024-05-01"}, "expires_on"),
        ({"expires_on": "2024-04-30"}, "expires_on"),
        ({"reference": "DN\u00b2"}, "reference"),
        ({"reference": "DN\u202e42"}, "reference"),
        ({"reference": "x" * 41}, "reference"),
        ({"extra": "field"}, "extra"),
    ],
)
def test_bad_filing_input_names_the_field(values: dict[str, Any], field: str) -> None:
    assert _field_of(values) == field


def test_good_filing_input_is_normalised() -> None:
    data = _filing(state=" fl ", reference="  ", expires_on=None)
    assert (data.state, data.reference, data.kind) == ("FL", None, FilingKind.ATTESTATION)
    assert _filing(filed_on=date.today()).filed_on == date.today()


def test_parse_filing_turns_a_bad_value_into_invalid_input_naming_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_filing({"state": "FL", "kind": "attestation", "filed_on": "01/05/2024"})
    assert caught.value.field == "filed_on"
    assert caught.value.message.startswith("filed_on: use a date written YYYY-MM-DD")
