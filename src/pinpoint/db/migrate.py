"""Applying the Alembic schema history programmatically (on start and in tests)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = resources.files("pinpoint.db") / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to date (idempotent)."""
    command.upgrade(alembic_config(engine), revision)
