"""The clinic pages: log in, find and add patients, document care through the forms.

Everything goes through the real forms (CSRF included) of an app on the test database;
contexts are checked directly where the page's facts matter more than its HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pinpoint.accounts.service import authenticate, create_clinic, create_user
from pinpoint.actors import Role
from pinpoint.care import service
from pinpoint.care.codes import Muscle
from pinpoint.care.models import NeedlingSession
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.config import Settings
from pinpoint.web.app import create_app
from pinpoint.web.pages import clinic_forms, clinic_tasks, clinic_words
from tests.care import factories as care

PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html"}
TODAY = date.today().isoformat()


@pytest.fixture
def client(db_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db_settings), follow_redirects=False, headers=HTML) as c:
        yield c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def staffed_clinic(
    engine: Engine, name: str = "Clinic A", state: str = "CO", email: str = "clin-a@example.org"
) -> str:
    """A clinic with a clinician whose NPI is eligible there; returns the NPI."""
    create_clinic(engine, name, state)
    npi = care.trained_npi(engine, state)
    create_user(engine, email, "clinician", PASSWORD, name, npi=npi)
    return npi


def login(client: TestClient, email: str = "clin-a@example.org", home: str = "/clinic") -> str:
    """Log in through the form; the session's CSRF token for later posts."""
    token = _csrf(client.get("/login").text)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == home
    return _csrf(client.get(home, follow_redirects=True).text)


def post(client: TestClient, url: str, csrf: str, **data: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf, **data})


def add_patient(client: TestClient, csrf: str, mrn: str = "MRN-7", family: str = "Doe") -> int:
    answer = post(
        client,
        "/clinic/patients",
        csrf,
        mrn=mrn,
        given_name="Riley",
        family_name=family,
        birth_date="1979-04-03",
        sex="female",
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def add_episode(client: TestClient, csrf: str, patient_id: int) -> int:
    answer = post(
        client,
        f"/clinic/patients/{patient_id}/episodes",
        csrf,
        region="lumbar",
        icd10="M54.50, M62.830",
        started_on=TODAY,
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("-", 1)[1])


def session_form(npi: str, muscles: list[str], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "performed_on": TODAY,
        "practitioner_npi": npi,
        "technique": "pistoning",
        "pain_before": "7",
        "pain_after": "3",
        "co_interventions": ["therapeutic_exercise", "heat"],
        "notes": "Tolerated well.",
    }
    for i, muscle in enumerate(muscles):
        data |= {
            f"muscle_{i}": muscle,
            f"side_{i}": "left",
            f"needles_{i}": "2",
            f"twitch_{i}": "on",
        }
    return data | extra


def ready_episode(client: TestClient, csrf: str) -> tuple[int, int]:
    """A patient with a screened, consented episode, through the forms."""
    patient_id = add_patient(client, csrf)
    episode_id = add_episode(client, csrf, patient_id)
    answer = post(client, f"/clinic/episodes/{episode_id}/screening", csrf, findings=["diabetes"])
    assert answer.status_code == 303, answer.text
    answer = post(
        client,
        f"/clinic/episodes/{episode_id}/consent",
        csrf,
        signed_on=TODAY,
        signed_by="Riley Doe",
        form_version="v1",
    )
    assert answer.status_code == 303, answer.text
    return patient_id, episode_id


# ---- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/clinic", "/clinic/patients/1", "/clinic/episodes/1/sessions/new"]
)
def test_visitors_who_are_not_logged_in_are_sent_to_the_login_page(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next={path}"


def test_another_clinics_patient_is_a_404_page(engine: Engine, client: TestClient) -> None:
    staffed_clinic(engine)
    staffed_clinic(engine, "Clinic B", "CO", "clin-b@example.org")
    csrf_b = login(client, "clin-b@example.org")
    theirs = add_patient(client, csrf_b, "CLINIC-B-ONLY-7781")
    login(client)
    answer = client.get(f"/clinic/patients/{theirs}")
    assert answer.status_code == 404
    assert "We could not find that page" in answer.text
    assert "CLINIC-B-ONLY-7781" not in answer.text


def test_a_patient_user_sees_only_their_own_chart_read_only(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    csrf = login(client)
    own, _episode = ready_episode(client, csrf)
    other = add_patient(client, csrf, "MRN-8", "Other")
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-7")
    login(client, "pat@example.org", home="/portal")
    home = client.get("/clinic")
    assert home.status_code == 303
    assert home.headers["location"] == "/portal"
    chart = client.get(f"/clinic/patients/{own}")
    assert chart.status_code == 200
    assert "Riley Doe" in chart.text
    assert "Document a session" not in chart.text
    assert "New episode of care" not in chart.text
    assert client.get(f"/clinic/patients/{other}").status_code == 404
    assert client.get(f"/clinic/patients/{own}/episodes/new").status_code == 403


def test_an_operator_gets_a_403_page(engine: Engine, client: TestClient) -> None:
    create_user(engine, "op@example.org", "operator", PASSWORD)
    token = _csrf(client.get("/login").text)
    client.post(
        "/login", data={"email": "op@example.org", "password": PASSWORD, "csrf_token": token}
    )
    answer = client.get("/clinic")
    assert answer.status_code == 403
    assert "operators" in answer.text


def test_a_form_post_without_the_session_csrf_token_is_refused(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    login(client)
    answer = post(client, "/clinic/patients", "forged", mrn="X", given_name="A", family_name="B")
    assert answer.status_code == 403


# ---- patients --------------------------------------------------------------------------------


def test_the_staff_home_lists_and_searches_patients(engine: Engine, client: TestClient) -> None:
    staffed_clinic(engine)
    csrf = login(client)
    assert "0 patients" in client.get("/clinic").text
    add_patient(client, csrf, "MRN-1", "Alvarez")
    add_patient(client, csrf, "MRN-2", "Baker")
    listing = client.get("/clinic").text
    assert "2 patients" in listing
    assert listing.index("Alvarez") < listing.index("Baker")
    by_name = client.get("/clinic", params={"q": "bak"}).text
    assert "Baker" in by_name
    assert "Alvarez" not in by_name
    assert "Alvarez" in client.get("/clinic", params={"q": "MRN-1"}).text


def test_a_duplicate_mrn_comes_back_with_the_typed_values_and_a_409(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    csrf = login(client)
    add_patient(client, csrf, "MRN-1")
    answer = post(
        client,
        "/clinic/patients",
        csrf,
        mrn="MRN-1",
        given_name="Typed",
        family_name="Again",
        birth_date="1990-01-01",
        sex="male",
    )
    assert answer.status_code == 409
    assert 'value="Typed"' in answer.text
    assert 'id="mrn-error"' in answer.text
    assert 'aria-invalid="true"' in answer.text


def test_an_unknown_icd10_code_is_refused_next_to_the_field(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    csrf = login(client)
    patient_id = add_patient(client, csrf)
    answer = post(
        client,
        f"/clinic/patients/{patient_id}/episodes",
        csrf,
        region="lumbar",
        icd10="M54.5",
        started_on=TODAY,
    )
    assert answer.status_code == 422
    assert 'id="icd10-error"' in answer.text
    assert 'value="M54.5"' in answer.text


# ---- the documented episode --------------------------------------------------------------


def test_a_clinician_documents_a_session_of_three_muscles_and_sees_cpt_20561(
    engine: Engine, client: TestClient
) -> None:
    npi = staffed_clinic(engine)
    csrf = login(client)
    patient_id, episode_id = ready_episode(client, csrf)
    plan = post(
        client,
        f"/clinic/episodes/{episode_id}/plan",
        csrf,
        components=["dry_needling", "therapeutic_exercise"],
        frequency="twice a week",
    )
    assert plan.status_code == 303
    form = client.get(f"/clinic/episodes/{episode_id}/sessions/new")
    assert form.status_code == 200
    assert "Precautions:" in form.text
    assert "Diabetes" in form.text
    assert f'value="{npi}"' in form.text  # the clinician's own NPI, preselected
    muscles = ["upper_trapezius", "levator_scapulae", "infraspinatus"]
    saved = post(
        client, f"/clinic/episodes/{episode_id}/sessions", csrf, **session_form(npi, muscles)
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/clinic/patients/{patient_id}#episode-{episode_id}"
    chart = client.get(f"/clinic/patients/{patient_id}").text
    assert '<strong class="cpt">20561</strong>' in chart
    assert "Levator scapulae" in chart
    assert "7 → 3" in chart
    assert "M62.830" in chart
    assert re.search(rf"Sam Testperson\d+, PT<br><span class=\"muted\">NPI {npi}</span>", chart)


def test_a_session_of_two_muscles_is_cpt_20560_and_takes_an_adverse_event(
    engine: Engine, client: TestClient
) -> None:
    npi = staffed_clinic(engine)
    csrf = login(client)
    patient_id, episode_id = ready_episode(client, csrf)
    form = session_form(npi, ["gluteus_medius", "piriformis"])
    post(client, f"/clinic/episodes/{episode_id}/sessions", csrf, **form)
    with engine.connect() as conn:
        session_id = conn.scalar(select(NeedlingSession.id))
    form_page = client.get(f"/clinic/sessions/{session_id}/adverse-events/new").text
    assert re.search(rf"Sam Testperson\d+, PT, NPI {npi}", form_page)  # the needler by name
    answer = post(
        client,
        f"/clinic/sessions/{session_id}/adverse-events",
        csrf,
        type="bruising",
        severity="mild",
        onset_on=TODAY,
        resolved="on",
    )
    assert answer.status_code == 303, answer.text
    chart = client.get(f"/clinic/patients/{patient_id}").text
    assert '<strong class="cpt">20560</strong>' in chart
    assert "badge-severity-mild" in chart
    assert "Bruising" in chart


def test_the_consent_form_shows_the_disclosure_colorado_requires(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    csrf = login(client)
    episode_id = add_episode(client, csrf, add_patient(client, csrf))
    page = client.get(f"/clinic/episodes/{episode_id}/consent").text
    assert "CO requires written consent" in page
    assert "Colorado law" in page
    assert "pneumothorax" in page


def test_a_session_before_consent_comes_back_with_409_and_what_was_typed(
    engine: Engine, client: TestClient
) -> None:
    npi = staffed_clinic(engine)
    csrf = login(client)
    episode_id = add_episode(client, csrf, add_patient(client, csrf))
    post(client, f"/clinic/episodes/{episode_id}/screening", csrf)
    form = session_form(npi, ["upper_trapezius"], notes="Keep me")
    answer = post(client, f"/clinic/episodes/{episode_id}/sessions", csrf, **form)
    assert answer.status_code == 409
    assert "no informed consent" in answer.text
    assert "Keep me" in answer.text
    assert '<option value="upper_trapezius" selected>' in answer.text


def test_a_session_without_muscles_is_refused_next_to_the_muscle_picker(
    engine: Engine, client: TestClient
) -> None:
    npi = staffed_clinic(engine)
    csrf = login(client)
    _patient, episode_id = ready_episode(client, csrf)
    answer = post(client, f"/clinic/episodes/{episode_id}/sessions", csrf, **session_form(npi, []))
    assert answer.status_code == 422
    assert 'id="muscles-error"' in answer.text
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(NeedlingSession)) == 0


def test_an_ineligible_needler_is_refused_with_the_reason(
    engine: Engine, client: TestClient
) -> None:
    staffed_clinic(engine)
    untrained = care.untrained_npi(engine)
    csrf = login(client)
    _patient, episode_id = ready_episode(client, csrf)
    form = session_form(untrained, ["upper_trapezius"])
    answer = post(client, f"/clinic/episodes/{episode_id}/sessions", csrf, **form)
    assert answer.status_code == 409
    assert 'id="practitioner_npi-error"' in answer.text


def test_add_another_muscle_works_without_javascript_and_with_htmx(
    engine: Engine, client: TestClient
) -> None:
    npi = staffed_clinic(engine)
    csrf = login(client)
    _patient, episode_id = ready_episode(client, csrf)
    blank = client.get(f"/clinic/episodes/{episode_id}/sessions/new").text
    assert blank.count('class="muscle-row"') == 6
    form = session_form(npi, ["upper_trapezius"], add_row="1")
    again = post(client, f"/clinic/episodes/{episode_id}/sessions", csrf, **form)
    assert again.status_code == 200
    assert again.text.count('class="muscle-row"') == 7
    assert '<option value="upper_trapezius" selected>' in again.text
    row = client.get("/clinic/muscle-row", params={"index": 6}).text
    assert 'id="muscle_6"' in row
    assert 'hx-swap-oob="true"' in row
    assert "index=7" in row


# ---- contexts -------------------------------------------------------------------------------


def test_the_session_form_context_offers_the_clinics_needlers(engine: Engine) -> None:
    npi = staffed_clinic(engine)
    actor = authenticate(engine, "clin-a@example.org", PASSWORD)
    patient = service.create_patient(engine, actor, care.patient_data())
    episode = service.create_episode(engine, actor, patient.id, care.episode_data())
    page = clinic_tasks.session_page(engine, actor, episode.id)
    assert page.clinic is not None
    assert [n.npi for n in page.clinic.needlers] == [npi]
    assert page.form.value("practitioner_npi") == npi
    assert len(page.rows) == clinic_forms.MIN_MUSCLE_ROWS
    assert page.episode.needling_blocked == (
        "No screening recorded for this episode: screen the patient before the first session."
    )
    assert actor.role is Role.CLINICIAN


def test_every_muscle_is_in_exactly_one_group_of_the_picker() -> None:
    grouped = [m for _label, muscles in clinic_words.MUSCLE_GROUPS for m in muscles]
    assert sorted(grouped) == sorted(set(grouped))
    assert set(grouped) == set(Muscle)
