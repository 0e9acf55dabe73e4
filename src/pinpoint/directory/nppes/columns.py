"""The NPPES npidata file's header, and the columns the import reads.

The distributed file has 330 columns, every field quoted; the exact header is in
``shared/reference/nppes``. The import reads 79 of them: the person, the practice location
(never the mailing address), the dates and the 15 taxonomy/license slots.
"""

from __future__ import annotations

SLOTS = range(1, 16)


def _header() -> tuple[str, ...]:
    flat = """NPI|Entity Type Code|Replacement NPI|Employer Identification Number (EIN)|
Provider Organization Name (Legal Business Name)|Provider Last Name (Legal Name)|
Provider First Name|Provider Middle Name|Provider Name Prefix Text|Provider Name Suffix Text|
Provider Credential Text|Provider Other Organization Name|
Provider Other Organization Name Type Code|Provider Other Last Name|Provider Other First Name|
Provider Other Middle Name|Provider Other Name Prefix Text|Provider Other Name Suffix Text|
Provider Other Credential Text|Provider Other Last Name Type Code|
Provider First Line Business Mailing Address|Provider Second Line Business Mailing Address|
Provider Business Mailing Address City Name|Provider Business Mailing Address State Name|
Provider Business Mailing Address Postal Code|
Provider Business Mailing Address Country Code (If outside U.S.)|
Provider Business Mailing Address Telephone Number|Provider Business Mailing Address Fax Number|
Provider First Line Business Practice Location Address|
Provider Second Line Business Practice Location Address|
Provider Business Practice Location Address City Name|
Provider Business Practice Location Address State Name|
Provider Business Practice Location Address Postal Code|
Provider Business Practice Location Address Country Code (If outside U.S.)|
Provider Business Practice Location Address Telephone Number|
Provider Business Practice Location Address Fax Number|Provider Enumeration Date|
Last Update Date|NPI Deactivation Reason Code|NPI Deactivation Date|NPI Reactivation Date|
Provider Sex Code|Authorized Official Last Name|Authorized Official First Name|
Authorized Official Middle Name|Authorized Official Title or Position|
Authorized Official Telephone Number"""
    names = [n.strip() for n in flat.replace("\n", "").split("|")]
    for i in SLOTS:
        names += [
            f"Healthcare Provider Taxonomy Code_{i}",
            f"Provider License Number_{i}",
            f"Provider License Number State Code_{i}",
            f"Healthcare Provider Primary Taxonomy Switch_{i}",
        ]
    for i in range(1, 51):
        names += [
            f"Other Provider Identifier_{i}",
            f"Other Provider Identifier Type Code_{i}",
            f"Other Provider Identifier State_{i}",
            f"Other Provider Identifier Issuer_{i}",
        ]
    names += [
        "Is Sole Proprietor",
        "Is Organization Subpart",
        "Parent Organization LBN",
        "Parent Organization TIN",
        "Authorized Official Name Prefix Text",
        "Authorized Official Name Suffix Text",
        "Authorized Official Credential Text",
    ]
    names += [f"Healthcare Provider Taxonomy Group_{i}" for i in SLOTS]
    return (*names, "Certification Date")


NPPES_COLUMNS: tuple[str, ...] = _header()

PRACTICE = "Provider Business Practice Location Address"
# Short names for the single-valued columns the import reads.
COL: dict[str, str] = {
    "npi": "NPI",
    "entity": "Entity Type Code",
    "last_name": "Provider Last Name (Legal Name)",
    "first_name": "Provider First Name",
    "middle_name": "Provider Middle Name",
    "name_prefix": "Provider Name Prefix Text",
    "name_suffix": "Provider Name Suffix Text",
    "credential": "Provider Credential Text",
    "line1": "Provider First Line Business Practice Location Address",
    "line2": "Provider Second Line Business Practice Location Address",
    "city": f"{PRACTICE} City Name",
    "state": f"{PRACTICE} State Name",
    "postal": f"{PRACTICE} Postal Code",
    "country": f"{PRACTICE} Country Code (If outside U.S.)",
    "phone": f"{PRACTICE} Telephone Number",
    "enumerated": "Provider Enumeration Date",
    "updated": "Last Update Date",
    "deactivated": "NPI Deactivation Date",
    "reactivated": "NPI Reactivation Date",
}


def tax(i: int) -> str:
    return f"Healthcare Provider Taxonomy Code_{i}"


def lic(i: int) -> str:
    return f"Provider License Number_{i}"


def lic_state(i: int) -> str:
    return f"Provider License Number State Code_{i}"


def switch(i: int) -> str:
    return f"Healthcare Provider Primary Taxonomy Switch_{i}"


# Every column the import reads (the header must carry them all).
NEEDED_COLUMNS: tuple[str, ...] = (
    *COL.values(),
    *(c for i in SLOTS for c in (tax(i), lic(i), lic_state(i), switch(i))),
)


# --- the frames the transform produces and the merge writes --------------------------------

PRACTITIONER_COLUMNS: tuple[str, ...] = (
    "npi", "last_name", "first_name", "middle_name", "name_prefix", "name_suffix", "credential",
    "profession", "taxonomy", "address_line", "city", "state", "zip5", "country", "phone",
    "latitude", "longitude", "enumerated_on", "updated_on", "deactivated_on", "reactivated_on",
    "active", "synthetic", "row_digest",
)  # fmt: skip
# What a merge compares to tell an updated practitioner from an unchanged one (the digest
# only says whether the row can be passed over unread).
COMPARED_COLUMNS: tuple[str, ...] = tuple(
    c for c in PRACTITIONER_COLUMNS if c not in ("npi", "row_digest")
)
# ``left_reason`` says why a staged practitioner is inactive when a later row in the same
# file took them out of search (see ``transform.settle``).
PRACTITIONER_STAGE_COLUMNS: tuple[str, ...] = ("seq", *PRACTITIONER_COLUMNS, "left_reason")
LICENSE_COLUMNS: tuple[str, ...] = ("npi", "taxonomy", "number", "state", "primary")
LICENSE_STAGE_COLUMNS: tuple[str, ...] = ("seq", *LICENSE_COLUMNS)
# A status row changes only whether an NPI already in the directory is in search: a blank
# deactivation notice (``kind`` "notice", with its dates) or a row whose taxonomies are no
# longer relevant (``kind`` "exit").
STATUS_STAGE_COLUMNS: tuple[str, ...] = (
    "seq", "npi", "kind", "deactivated_on", "reactivated_on", "active",
)  # fmt: skip

NOTICE = "notice"
EXIT = "exit"
# Why a practitioner left search, as counted in the summary.
LEFT_DEACTIVATED = "npi_deactivated"
LEFT_NOT_RELEVANT = "taxonomy_not_relevant"
