"""Public pages: home, law map, state page, learn, ZIP lookup, and their error pages."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from pinpoint.config import Settings
from pinpoint.law.jurisdictions import MAPPED_CODES
from pinpoint.law.schemas import RequirementsPublic
from pinpoint.law.service import law_status, list_law
from pinpoint.law.vocabulary import Profession, Status
from pinpoint.web.app import create_app
from pinpoint.web.pages import law_context, wording
from pinpoint.web.pages.learn import REFERENCES

HTML = {"accept": "text/html"}


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), headers=HTML)


class _Tiles(HTMLParser):
    """Collects the attributes of every ``<a class="tile ...">``."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "a" and "tile" in found.get("class", "").split():
            self.tiles.append(found)


def tiles_in(html: str) -> list[dict[str, str]]:
    parser = _Tiles()
    parser.feed(html)
    return parser.tiles


@pytest.mark.parametrize("path", ["/", "/law", "/law/CO", "/law/co", "/learn"])
def test_each_public_page_answers_200_with_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="#main"' in response.text  # skip link
    assert "Not legal advice" in response.text


@pytest.mark.parametrize("path", ["/", "/law"])
def test_map_has_51_tiles_whose_status_matches_the_law_list(client: TestClient, path: str) -> None:
    tiles = tiles_in(client.get(path).text)
    expected = {
        law.jurisdiction: law.status.value
        for law in list_law().jurisdictions
        if law.jurisdiction in MAPPED_CODES
    }
    assert len(tiles) == 51
    assert {t["href"].removeprefix("/law/"): t["data-status"] for t in tiles} == expected
    for tile in tiles:
        assert f"status-{tile['data-status']}" in tile["class"].split()
        assert tile["aria-label"].endswith(f": {tile['data-status']}")


def test_colorado_tile_is_labelled_with_name_and_status(client: TestClient) -> None:
    tiles = {t["href"]: t for t in tiles_in(client.get("/law").text)}
    status = law_status("CO").status.value
    assert tiles["/law/CO"]["aria-label"] == f"Colorado, CO: {status}"


def test_map_follows_the_on_date_and_profession(client: TestClient) -> None:
    response = client.get("/law", params={"on": "2012-06-01", "profession": "chiropractor"})
    assert response.status_code == 200
    tiles = tiles_in(response.text)
    old = list_law(Profession.CHIROPRACTOR, date(2012, 6, 1))
    expected = {law.jurisdiction: law.status.value for law in old.jurisdictions}
    assert all(t["data-status"] == expected[t["href"].split("?")[0][5:]] for t in tiles)
    assert "on=2012-06-01" in tiles[0]["href"]
    assert "1 June 2012" in response.text


def test_law_table_lists_every_jurisdiction_in_state_name_order(client: TestClient) -> None:
    page = law_context.law_map(law_context.Query.parse(None, None))
    names = [row.name for row in page.rows]
    assert names == sorted(names)
    assert len(page.rows) == len(list_law().jurisdictions)
    html = client.get("/law").text
    assert "data-sortable" in html
    assert 'aria-sort="ascending"' in html


def test_state_page_shows_colorado_sources_and_disagreements(client: TestClient) -> None:
    law = law_status("CO")
    html = client.get("/law/CO").text
    assert law.sources
    for source in law.sources:
        assert source.title.replace("'", "&#39;") in html
        if source.url:
            assert f'href="{source.url}"' in html
    assert "Where sources disagree" in html
    assert "How the law changed" in html


def test_state_page_context_says_requirements_in_plain_words() -> None:
    page = law_context.state_page("co", law_context.Query.parse(None, None))
    assert page.law.jurisdiction == "CO"
    assert page.headline.startswith("In Colorado")
    hours = page.law.requirements.min_training_hours
    if hours is not None:
        assert any(line.startswith(f"At least {hours:g} hours") for line in page.requirements)
    assert len(page.conflicts) == len(page.law.conflicts)
    assert sum(p.current for p in page.periods) <= 1


def test_state_page_answers_the_law_then_in_force(client: TestClient) -> None:
    response = client.get("/law/CO", params={"on": "1990-01-01"})
    assert response.status_code == 200
    assert law_status("CO", on=date(1990, 1, 1)).status is Status.UNKNOWN
    assert "Unknown" in response.text


def test_unknown_state_gives_a_404_page(client: TestClient) -> None:
    response = client.get("/law/XX")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "XX" in response.text
    assert "Not legal advice" in response.text


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/law?on=2026-13-01", "invalid date"),
        ("/law/CO?profession=dentist", "unknown profession"),
    ],
)
def test_bad_query_gives_a_422_page_saying_why(client: TestClient, path: str, words: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    assert words in response.text


def test_zip_redirects_to_its_state_page(client: TestClient) -> None:
    response = client.get("/zip", params={"zip": "80202"}, follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/law/CO"


def test_zip_plus_four_is_cut_to_five_digits(client: TestClient) -> None:
    response = client.get("/zip", params={"zip": "80202-1234"}, follow_redirects=False)
    assert response.headers["location"] == "/law/CO"


@pytest.mark.parametrize(
    ("zip_code", "words"),
    [("abc", "not a ZIP code"), ("00000", "not a US ZIP code in use"), ("", "not a ZIP code")],
)
def test_bad_or_unknown_zip_gives_a_422_page(client: TestClient, zip_code: str, words: str) -> None:
    response = client.get("/zip", params={"zip": zip_code})
    assert response.status_code == 422
    assert words in response.text


def test_learn_page_cites_only_listed_sources(client: TestClient) -> None:
    html = client.get("/learn").text
    cited = set(re.findall(r'href="#ref-([a-z0-9-]+)"', html))
    listed = {ref.key for ref in REFERENCES}
    assert cited == listed
    for title in ("How Physical Therapists Use Dry Needling", "Dry Needling for Back Pain"):
        assert title in html
    assert 'href="/law"' in html


def test_pages_include_htmx_and_the_stylesheet(client: TestClient) -> None:
    html = client.get("/").text
    assert "/static/vendor/htmx.min.js" in html
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    assert client.get("/static/pinpoint.css").status_code == 200
    assert client.get("/static/sort.js").status_code == 200


def test_requirement_sentences_read_as_plain_english() -> None:
    req = RequirementsPublic(
        min_training_hours=50,
        min_in_person_hours=40,
        min_years_licensed=1,
        written_consent=True,
        adverse_event_reporting=True,
        adverse_event_deadline_days=30,
        may_delegate=False,
    )
    assert wording.requirement_sentences(req) == [
        "At least 50 hours of training, 40 of them in person.",
        "Licensed for at least 1 year before needling.",
        "The patient signs a written consent before treatment.",
        "Serious side effects must be reported to the board within 30 days.",
        "It may not be delegated to assistants.",
    ]
    assert wording.requirement_sentences(RequirementsPublic()) == []


def test_same_hours_in_person_reads_as_all_in_person() -> None:
    req = RequirementsPublic(min_training_hours=54, min_in_person_hours=54)
    assert wording.requirement_sentences(req) == [
        "At least 54 hours of training, all of them in person."
    ]


def test_timeline_links_each_past_period_to_its_own_date(client: TestClient) -> None:
    page = law_context.state_page("NJ", law_context.Query.parse(None, None))
    html = client.get("/law/NJ").text
    for period in page.periods:
        link = f'href="/law/NJ?on={period.on.isoformat()}"'
        assert (link in html) is not period.current
