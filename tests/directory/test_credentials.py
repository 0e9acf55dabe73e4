"""Training credential rosters and API entries: validation, idempotence, hours add up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from pinpoint.directory.credentials import add_credential, import_credentials
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.directory.npi import make_npi
from pinpoint.directory.schemas_credentials import CredentialCreate
from pinpoint.errors import Conflict, InvalidInput

NPI_A = make_npi("100000001")
NPI_B = make_npi("100000002")
NOT_IN_DIRECTORY = make_npi("100000003")
HEADER = (
    "npi,provider,course,hours,in_person_hours,completed_on,certificate_id,"
    "licensed_since,supervised_sessions"
)


@pytest.fixture
def directory(engine: Engine) -> Engine:
    with engine.begin() as conn:
        for npi in (NPI_A, NPI_B):
            conn.execute(
                insert(Practitioner).values(
                    npi=npi,
                    last_name="DEMO-X",
                    profession="physical_therapist",
                    taxonomy="225100000X",
                    state="CO",
                    zip5="80202",
                    active=True,
                    synthetic=True,
                )
            )
    return engine


def roster(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([header, *lines]) + "\n")
    return path


GOOD = (
    f"{NPI_A},Demo Institute,Level 1,27,24,2024-03-01,C-1,2015-06-01,",
    f"{NPI_A},Demo Institute,Level 2,27,20,2024-09-01,C-2,,10",
    f"{NPI_B},Other Academy,Spine,16,,2023-01-15,X-9,,",
)


def test_good_rows_are_imported_and_hours_add_up(directory: Engine, tmp_path: Path) -> None:
    summary = import_credentials(directory, roster(tmp_path, *GOOD))
    assert (summary.rows_read, summary.added, summary.updated, summary.rejected) == (3, 3, 0, [])
    with directory.connect() as conn:
        hours = dict(
            conn.execute(
                select(TrainingCredential.npi, func.sum(TrainingCredential.hours)).group_by(
                    TrainingCredential.npi
                )
            ).all()
        )
    assert hours == {NPI_A: 54.0, NPI_B: 16.0}


def test_reimport_is_idempotent_and_changes_update(directory: Engine, tmp_path: Path) -> None:
    import_credentials(directory, roster(tmp_path, *GOOD))
    again = import_credentials(directory, roster(tmp_path, *GOOD))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD[0].replace(",27,24,", ",30,24,")
    third = import_credentials(directory, roster(tmp_path, changed, *GOOD[1:]))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    with directory.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(TrainingCredential)) == 3


def test_bad_rows_are_reported_with_line_and_reason(directory: Engine, tmp_path: Path) -> None:
    bad_check = NPI_A[:9] + str((int(NPI_A[9]) + 1) % 10)
    path = roster(
        tmp_path,
        GOOD[0],
        f"{bad_check},P,C,10,,2024-01-01,B-1,,",
        f"{NOT_IN_DIRECTORY},P,C,10,,2024-01-01,B-2,,",
        f"{NPI_A},P,C,ten,,2024-01-01,B-3,,",
        f"{NPI_A},P,C,10,,2024-02-30,B-4,,",
        f"{NPI_A},P,C,10,12,2024-01-01,B-5,,",
        f"{NPI_A},Demo Institute,Again,5,,2024-01-01,C-1,,",
    )
    summary = import_credentials(directory, path)
    assert summary.added == 1
    reasons = {r.row: r.reason for r in summary.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert reasons[3].startswith("npi:")
    assert reasons[4] == "npi: not in the directory"
    assert reasons[5].startswith("hours:")
    assert reasons[6].startswith("completed_on:")
    assert "in_person_hours exceeds hours" in reasons[7]
    assert "repeats row 2" in reasons[8]


def test_a_missing_required_column_is_named(directory: Engine, tmp_path: Path) -> None:
    path = roster(tmp_path, header="npi,provider,course,hours,completed_on,certificate_id")
    with pytest.raises(InvalidInput, match="in_person_hours") as raised:
        import_credentials(directory, path)
    assert raised.value.field == "in_person_hours"


def test_add_credential_records_one_and_refuses_repeats(directory: Engine) -> None:
    data = CredentialCreate(
        npi=NPI_B,
        provider="Demo Institute",
        course="Level 1",
        hours=27,
        in_person_hours=24,
        completed_on=date(2024, 5, 1),
        certificate_id="API-1",
    )
    created = add_credential(directory, data)
    assert created.id > 0
    assert created.hours == 27
    with pytest.raises(Conflict):
        add_credential(directory, data)
    unknown = data.model_copy(update={"npi": NOT_IN_DIRECTORY, "certificate_id": "API-2"})
    with pytest.raises(InvalidInput, match="not in the directory"):
        add_credential(directory, unknown)
