"""Public pages: home, law map, state page, learn, ZIP lookup, and their error pages."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

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
        "The patient gives informed consent, in writing or recorded in the chart, "
        "before treatment.",
        "Serious side effects must be reported to the board within 30 days.",
        "It may not be delegated to assistants or anyone else.",
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


# ---- law pages: review dates, who may needle, each requirement's source --------------------


def test_state_page_says_when_sources_were_checked_and_who_may_needle(client: TestClient) -> None:
    html = client.get("/law/NY").text
    assert "Sources last checked" in html
    assert "1 December 2026" in html
    assert "Who may needle" in html
    assert "certified in acupuncture" in html


def test_state_page_names_the_source_of_each_requirement() -> None:
    page = law_context.state_page("NV", law_context.Query.parse(None, None))
    consent = next(r for r in page.requirement_views if "consent" in r.text)
    assert [s.title for s in consent.sources]
    assert consent.sources[0].title.startswith("Nev. Admin. Code")
    filing = next(r for r in page.requirement_views if "file with the board" in r.text)
    assert "proof" in filing.text


def test_state_page_is_honest_where_no_hours_are_recorded(client: TestClient) -> None:
    assert law_status("AK").requirements.min_training_hours is None
    html = client.get("/law/AK").text
    assert "give no minimum number of training hours" in html
    assert "lists the hours" not in html


def test_a_review_older_than_a_year_is_flagged_on_the_page(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pinpoint.law.knowledge import DATA_DIR, LAW_DIR_ENV

    folder = tmp_path / "law"
    folder.mkdir()
    text = Path(str(DATA_DIR / "NH.toml")).read_text(encoding="utf-8")
    (folder / "NH.toml").write_text(
        text.replace('reviewed_on = "2026-12-01"', 'reviewed_on = "2019-05-01"'), encoding="utf-8"
    )
    monkeypatch.setenv(LAW_DIR_ENV, str(folder))
    html = client.get("/law/NH").text
    assert "more than a year ago" in html
    assert "1 May 2019" in html
    assert "more than a year ago" not in client.get("/law/VT").text or date.today() > date(
        2027, 12, 1
    )


# ---- learn page ---------------------------------------------------------------------------


class _Sections(HTMLParser):
    """Each paragraph and list item of the article's text sections, and whether it cites."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, bool]] = []
        self._section = ""
        self._depth = 0
        self._text: list[str] = []
        self._cites = False
        self._in_table = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self._section = found.get("id") or ""
        if tag == "table":
            self._in_table += 1
        if tag in ("p", "li") and self._section not in ("", "sources") and not self._in_table:
            if self._depth == 0:
                self._text, self._cites = [], False
            self._depth += 1
        if tag == "sup" and "cite" in (found.get("class") or ""):
            self._cites = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table -= 1
        if tag in ("p", "li") and self._depth and not self._in_table:
            self._depth -= 1
            if self._depth == 0:
                self.blocks.append((" ".join("".join(self._text).split()), self._cites))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)


ADVICE = ("Ask ", "Tell ", "Check ")  # imperative advice, not a claim of fact


def test_every_claim_on_the_learn_page_cites_a_source(client: TestClient) -> None:
    parser = _Sections()
    parser.feed(client.get("/learn").text)
    assert parser.blocks
    # A citation covers the sentences before it in its paragraph or list item; whatever
    # follows the last citation of a block is a sentence no source backs.
    trailing = [re.split(r"\[\d+\]", text)[-1].strip() for text, _cites in parser.blocks]
    uncited = [
        sentence.strip()
        for rest in trailing
        for sentence in re.findall(r"[^.!?]+[.!?]", rest)
        if not sentence.strip().startswith(ADVICE)
    ]
    assert uncited == []


def test_learn_page_separates_contraindications_from_precautions(client: TestClient) -> None:
    html = client.get("/learn").text
    assert "Do not needle (absolute contraindications)" in html
    assert "relative precautions" in html
    table = html[html.index('class="precautions"') : html.index("</table>")]
    absolute, relative = table.split("relative precautions")[1].split("</td>")[:2]
    assert "fear of needles" in absolute
    assert "blood-thinning" not in absolute
    assert "blood-thinning" in relative
    assert "Pregnancy" in relative


def test_learn_page_says_the_major_event_examples_are_what_the_survey_asked(
    client: TestClient,
) -> None:
    html = " ".join(client.get("/learn").text.split())
    assert "asked about major events" in html
    assert "Major events, such as a collapsed lung" not in html


def test_learn_page_lists_the_written_consent_states_from_the_law_data(client: TestClient) -> None:
    html = " ".join(client.get("/learn").text.split())
    expected = [
        a.jurisdiction_name for a in list_law().jurisdictions if a.requirements.written_consent
    ]
    assert len(expected) >= 6
    start = html.index("Some states' laws also ask")
    sentence = html[start : html.index("Your state's page on the", start)]
    for name in expected:
        assert name in sentence
    assert "Texas" not in sentence


def test_learn_page_names_where_no_hours_are_recorded(client: TestClient) -> None:
    html = " ".join(client.get("/learn").text.split())
    assert "Your state's page lists the hours it asks for" not in html
    none = [
        a.jurisdiction_name
        for a in list_law().jurisdictions
        if a.status is Status.PERMITTED
        and a.requirements.min_training_hours is None
        and a.requirements.min_in_person_hours is None
    ]
    assert f"For physical therapists in {len(none)} places" in html
    assert all(name in html for name in none)
