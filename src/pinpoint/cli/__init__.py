"""The ``pinpoint`` command: thin shells over library calls.

Every command parses its arguments, calls one library function and prints the result
(``--json`` for scripts). ``main`` turns any error into one line on stderr and an exit
code: 2 for bad input, 1 for anything else.
"""

from __future__ import annotations

import gc
import os
import sys

import typer

try:  # Typer 0.2x ships its own copy of Click.
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older Typer uses Click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

from pinpoint.cli import accounts, directory, fhir, find, law, serve
from pinpoint.cli import backup as backups
from pinpoint.cli.database import close_engines
from pinpoint.cli.score import score
from pinpoint.errors import PinpointError

app = typer.Typer(
    name="pinpoint",
    help="Dry needling for back and neck pain: state law, practitioners, clinic records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(law.app, name="law")
app.add_typer(directory.app, name="directory")
app.add_typer(accounts.clinic_app, name="clinic")
app.add_typer(accounts.user_app, name="user")
app.add_typer(fhir.app, name="fhir")
app.command("serve")(serve.serve)
app.command("find")(find.find)
app.command("practitioner")(find.practitioner)
app.command("score")(score)
app.command("backup")(backups.backup)
app.command("restore")(backups.restore)
app.add_typer(backups.db_app, name="db")


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    try:
        result = app(args=argv, prog_name="pinpoint", standalone_mode=False)
    except PinpointError as exc:
        return _fail(exc.message, exc.exit_code)
    except click_exceptions.NoArgsIsHelpError:
        return 0
    except click_exceptions.ClickException as exc:
        return _fail(exc.format_message(), 2)
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return _fail("interrupted", 1)
    except Exception as exc:
        if os.environ.get("PINPOINT_DEBUG"):
            raise
        return _fail(f"internal error ({type(exc).__name__}): {exc}", 1)
    return result if isinstance(result, int) else 0


def main() -> None:
    code = run()
    close_engines()
    # Leave the objects the command made to the operating system: everything is written,
    # committed and closed by now, and the collector's last passes over them at exit took
    # 0.13-0.26 s after an NPPES import (the floor process's whole exit: 0.08 s).
    gc.freeze()
    sys.exit(code)
