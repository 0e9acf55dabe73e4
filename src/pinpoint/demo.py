"""Synthetic demo data for ``pinpoint serve --demo``: clearly labelled, never real people."""

from __future__ import annotations

from sqlalchemy import Engine

from pinpoint.care.demo import load_demo_clinic
from pinpoint.config import Settings
from pinpoint.directory.demo import load_demo_directory
from pinpoint.outcomes.demo import load_demo_outcomes


def load_demo(engine: Engine, settings: Settings) -> None:
    """Load the demo data sets each domain provides (idempotent).

    The law base ships inside the package and needs no loading; the directory, clinic
    and outcomes domains register their demo loaders in ``DEMO_LOADERS`` (in this order:
    each builds on the one before).
    """
    for loader in DEMO_LOADERS:
        loader(engine, settings)


DEMO_LOADERS: list = [load_demo_directory, load_demo_clinic, load_demo_outcomes]  # type: ignore[type-arg]
