"""Names, credentials, places and phones as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinpoint.directory.display import credentials, person_name, phone, title


def test_an_nppes_name_reads_as_people_write_it() -> None:
    assert person_name("MAYA", "RENEE", "CAMPBELL", None, "P.T., D.P.T.") == (
        "Maya R. Campbell, PT, DPT"
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("SEAN", None, "O'BRIEN", "JR.", "DC"), "Sean O'Brien Jr., DC"),
        (("ANA", "M", "MCDONALD-LOPEZ", "III", None), "Ana M. McDonald-Lopez III"),
        (("Kim", None, "de la Cruz", None, "PhD, PT"), "Kim de la Cruz, PhD, PT"),
        (("LEE", None, "DEMO-YOUNG", None, "PT PT DPT"), "Lee Demo-Young, PT, DPT"),
        ((None, None, "SMITH", None, " "), "Smith"),
    ],
)
def test_names_suffixes_and_credentials(parts: tuple[str | None, ...], expected: str) -> None:
    first, middle, last, suffix, credential = parts
    assert person_name(first, middle, str(last), suffix, credential) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 MAIN ST", "1 Main St"),
        ("200 W 2ND AVE STE 10", "200 W 2nd Ave Ste 10"),
        ("PO BOX 12", "PO Box 12"),
        ("NEW YORK", "New York"),
        ("ÉMILE-ZOLA", "Émile-Zola"),
        ("Ste. Genevieve", "Ste. Genevieve"),  # typed in mixed case: kept
        ("  ", None),
        (None, None),
    ],
)
def test_places_in_mixed_case(text: str | None, expected: str | None) -> None:
    assert title(text) == expected


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("3035550100", "(303) 555-0100"),
        ("13035550100", "(303) 555-0100"),
        ("303-555-0100", "(303) 555-0100"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("", None),
        (None, None),
    ],
)
def test_phones(digits: str | None, expected: str | None) -> None:
    assert phone(digits) == expected


# Letters whose other case is one letter (not the Turkish dotted capital I, say).
SIMPLE = st.characters(categories=["Lu", "Ll"]).filter(
    lambda c: len(c.lower()) == 1 and len(c.upper()) == 1 and c.lower().upper() == c.upper()
)
names = st.text(alphabet=SIMPLE | st.sampled_from("-' "), max_size=20)


@given(names, names, names.filter(lambda s: s.strip()), names)
def test_a_name_keeps_its_letters_and_order(
    first: str, middle: str, last: str, credential: str
) -> None:
    shown = person_name(first, middle, last, None, credential)
    assert title(last) is not None
    assert str(title(last)).lower() in shown.lower()
    letters = "".join(c for c in shown.split(",")[0] if c.isalpha()).lower()
    assert "".join(c for c in last if c.isalpha()).lower() in letters


@given(st.lists(st.sampled_from(["PT", "DPT", "P.T.", "ATC", "phd", "DC"]), max_size=6))
def test_credentials_are_listed_once_each(parts: list[str]) -> None:
    shown = credentials(", ".join(parts))
    listed = shown.split(", ") if shown else []
    assert len(listed) == len(set(listed))
    assert {p.replace(".", "").upper() for p in parts} == {c.upper() for c in listed}
