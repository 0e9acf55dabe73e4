"""``pinpoint clinic`` and ``pinpoint user``: create clinics and accounts.

A password is never taken as an argument (it would land in shell history and process
lists): ``--password-stdin`` reads it from standard input, otherwise a strong one is
generated and printed once.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pinpoint.cli.output import console, print_json

clinic_app = typer.Typer(
    help="Clinics: the practices whose records Pinpoint keeps.", no_args_is_help=True
)
user_app = typer.Typer(
    help="User accounts: clinicians, clinic admins, patients, operators.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _engine() -> Any:
    from pinpoint.cli.database import open_engine

    return open_engine()


@clinic_app.command("create")
def create_clinic(
    name: Annotated[str, typer.Argument(help="Clinic name, unique.")],
    state: Annotated[
        str, typer.Option("--state", help="USPS code of the clinic's state, e.g. CO.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Create a clinic in a US state (its law governs consent and eligibility)."""
    from pinpoint.accounts.service import create_clinic as create

    clinic = create(_engine(), name, state)
    if as_json:
        print_json(clinic)
    else:
        console().print(f"Created clinic {clinic.id}: {clinic.name} ({clinic.state})")


def _read_password() -> str:
    from pinpoint.errors import InvalidInput

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput("no password on standard input", field="password")
    return password


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="Email address; the login name.")],
    role: Annotated[
        str, typer.Option("--role", help="clinician, clinic_admin, patient or operator.")
    ],
    clinic: Annotated[
        str | None, typer.Option("--clinic", help="Clinic name (all roles but operator).")
    ] = None,
    patient_mrn: Annotated[
        str | None,
        typer.Option("--patient-mrn", help="For a patient account: their record number."),
    ] = None,
    npi: Annotated[str | None, typer.Option("--npi", help="A clinician's NPI.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create an account. Without --password-stdin a strong password is generated and shown once."""
    from pinpoint.accounts.passwords import generate_password
    from pinpoint.accounts.service import create_user as create
    from pinpoint.accounts.service import parse_role
    from pinpoint.actors import Role
    from pinpoint.care.patient_accounts import create_patient_user
    from pinpoint.errors import InvalidInput

    password = _read_password() if password_stdin else generate_password()
    if patient_mrn is None:
        user = create(_engine(), email, role, password, clinic, npi)
    elif parse_role(role) is not Role.PATIENT:
        raise InvalidInput("only patient accounts are linked to a patient", field="patient_mrn")
    else:
        user = create_patient_user(_engine(), email, password, clinic or "", patient_mrn)
    generated = None if password_stdin else password
    if as_json:
        data = user.model_dump(mode="json")
        if generated:
            data["password"] = generated
        print_json(data)
        return
    where = f" at {user.clinic}" if user.clinic else ""
    console().print(f"Created {user.role.value} {user.id}: {user.email}{where}")
    if generated:
        console().print(f"Password (shown once, store it safely): {generated}", soft_wrap=True)
