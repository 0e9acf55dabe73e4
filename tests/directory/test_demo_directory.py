"""The demo directory (``pinpoint serve --demo``): synthetic practitioners with courses and,
where a state's law asks for one, the filing with the board that lets them needle."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from pinpoint.config import Settings
from pinpoint.directory import demo
from pinpoint.directory.models import BoardFiling, Practitioner, TrainingCredential
from pinpoint.directory.service import get_practitioner
from pinpoint.law.service import law_status
from pinpoint.law.vocabulary import Profession

pytestmark = pytest.mark.backends("sqlite")


@pytest.fixture
def loaded(engine: Engine, db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(demo, "DEMO_ROWS", 24_000)  # about 6,000 practitioners
    demo.load_demo_directory(engine, db_settings)
    return engine


def test_filings_are_made_where_the_law_asks_for_one_and_only_there(loaded: Engine) -> None:
    with loaded.connect() as conn:
        rows = conn.execute(
            select(
                BoardFiling.npi,
                BoardFiling.state,
                BoardFiling.kind,
                BoardFiling.filed_on,
                Practitioner.state,
                Practitioner.profession,
            ).join(Practitioner, Practitioner.npi == BoardFiling.npi)
        ).all()
        trained = set(conn.scalars(select(TrainingCredential.npi)))
    assert rows, "the demo has practitioners in states that ask for a filing"
    kinds = set()
    for npi, filed_with, kind, filed_on, state, profession in rows:
        assert filed_with == state  # with the board of the state they practise in
        assert npi in trained
        rules = law_status(state, Profession(profession), date.today()).requirements
        assert rules.registration_required, (state, profession)
        assert filed_on <= date.today()
        kinds.add((state, profession, kind))
    # The kind follows the law's wording: Florida's physical therapists file an attestation,
    # Maryland's register, Louisiana's sign an acknowledgement.
    found = {(s, p): k for s, p, k in kinds}
    assert found[("FL", "physical_therapist")] == "attestation"
    assert found[("MD", "physical_therapist")] == "registration"
    assert found[("LA", "physical_therapist")] == "acknowledgement"
    assert found[("AZ", "physical_therapist")] == "proof_of_training"


def test_a_demo_practitioner_with_the_filing_can_be_eligible(loaded: Engine) -> None:
    with loaded.connect() as conn:
        npis = list(conn.scalars(select(BoardFiling.npi).order_by(BoardFiling.npi)))
    verdicts = {get_practitioner(loaded, npi).eligibility.verdict.value for npi in npis[:40]}
    assert "eligible" in verdicts, verdicts


def test_loading_again_changes_nothing(loaded: Engine, db_settings: Settings) -> None:
    with loaded.connect() as conn:
        before = len(conn.execute(select(BoardFiling.id)).all())
    demo.load_demo_directory(loaded, db_settings)
    with loaded.connect() as conn:
        assert len(conn.execute(select(BoardFiling.id)).all()) == before
