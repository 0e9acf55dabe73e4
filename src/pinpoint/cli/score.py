"""``pinpoint score``: score one questionnaire from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from pinpoint.cli.output import print_json


def score(
    instrument: Annotated[str, typer.Argument(help="nprs, odi, ndi, phq2, phq9 or psfs.")],
    responses: Annotated[
        str,
        typer.Argument(
            help="Answers in item order, comma-separated; leave a blank for a missing "
            "item, e.g. 1,2,3,,4,5,0,1,2,3."
        ),
    ],
    activity: Annotated[
        list[str] | None,
        typer.Option("--activity", help="PSFS: the name of each activity, in order (repeat)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score a questionnaire by its published rule: score, band, missing items."""
    from pinpoint.outcomes import describe, score_responses

    result = score_responses(instrument, responses.split(","), activity or None)
    if as_json:
        print_json(result)
    else:
        for line in describe(result):
            typer.echo(line)
