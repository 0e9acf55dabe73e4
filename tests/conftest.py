"""Shared fixtures: settings in a temporary folder, and a fresh database per test.

The ``engine`` fixture runs each test that uses it twice: on a new SQLite file and on a
new schema in the PostgreSQL server named by ``PINPOINT_TEST_POSTGRES_URL`` (default
127.0.0.1:5432, database ``test``). Without that server the PostgreSQL half is skipped
with a visible reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pinpoint.config import Settings
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "PINPOINT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_URL} unreachable: {type(exc).__name__}"
    return None


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'test.db'}")


def _postgres_schema_url(schema: str) -> str:
    joiner = "&" if "?" in POSTGRES_URL else "?"
    # Only the test's own schema: tables another run left in public can never be seen.
    return f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite, or a fresh PostgreSQL schema."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that needs a database on SQLite and PostgreSQL.

    ``@pytest.mark.backends("postgres")`` limits a test to the backends it is about.
    """
    if "database_url" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    wanted = set(marker.args) if marker else {"sqlite", "postgres"}
    params: list[object] = []
    if "sqlite" in wanted:
        params.append("sqlite")
    if "postgres" in wanted:
        params.append(pytest.param("postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("database_url", params, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the combinations that do not exist rather than skip them: the PostGIS
    search path (``backend`` "postgis") on SQLite."""
    kept: list[pytest.Item] = []
    gone: list[pytest.Item] = []
    for item in items:
        spec = getattr(item, "callspec", None)
        params = spec.params if spec is not None else {}
        missing = params.get("database_url") == "sqlite" and params.get("backend") == "postgis"
        (gone if missing else kept).append(item)
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = kept


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database on the parametrized backend."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def db_settings(tmp_path: Path, database_url: str, engine: Engine) -> Settings:
    """Settings pointing at the migrated test database."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with cheap Argon2 parameters (the real ones take ~0.1 s a hash), except where
    the hashing itself is under test."""
    if request.module.__name__.endswith("test_passwords"):
        return
    from argon2 import PasswordHasher

    from pinpoint.accounts import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever reads or writes the real per-user data folder or a configured database."""
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(tmp_path_factory.mktemp("pinpoint-data")))
    monkeypatch.delenv("PINPOINT_DATABASE_URL", raising=False)
