"""Typed settings, read from the environment with the ``PINPOINT_`` prefix."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user folder where the embedded SQLite database lives."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("pinpoint", appauthor=False))


class Settings(BaseSettings):
    """Every setting Pinpoint reads. Each field documents its environment variable."""

    model_config = SettingsConfigDict(env_prefix="PINPOINT_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="PINPOINT_DATA_DIR: folder for the embedded database and imports.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "PINPOINT_DATABASE_URL: SQLAlchemy URL. Empty means SQLite at DATA_DIR/pinpoint.db; "
            "use postgresql+psycopg://user@host/db for server mode."
        ),
    )
    host: str = Field(default="127.0.0.1", description="PINPOINT_HOST: address `serve` binds.")
    port: int = Field(
        default=8000, ge=1, le=65535, description="PINPOINT_PORT: port `serve` binds."
    )
    workers: int = Field(default=1, ge=1, le=64, description="PINPOINT_WORKERS: web worker count.")
    demo: bool = Field(default=False, description="PINPOINT_DEMO: serve with synthetic demo data.")
    law_dir: Path | None = Field(
        default=None,
        description=(
            "PINPOINT_LAW_DIR: folder of law data files (XX.toml, the shipped format) that "
            "replace the shipped file of each jurisdiction they name, so an operator can "
            "correct or add law without a new release. Checked with the same schema, checks "
            "and precedence rule; a bad file stops start-up. Try it first with "
            "`pinpoint law check DIR`."
        ),
    )
    log_level: str = Field(default="info", description="PINPOINT_LOG_LEVEL: uvicorn log level.")
    access_log: bool = Field(
        default=False,
        description=(
            "PINPOINT_ACCESS_LOG: log every request line. Off by default because URLs of "
            "clinical searches could carry patient data into the logs."
        ),
    )

    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description=(
            "PINPOINT_MAX_BODY_BYTES: largest request body the web server accepts (bytes); "
            "larger ones answer 413 before they are read."
        ),
    )

    trusted_proxies: str = Field(
        default="",
        description=(
            "PINPOINT_TRUSTED_PROXIES: comma-separated addresses or networks (CIDR) of reverse "
            "proxies in front of Pinpoint. Only requests from these have X-Forwarded-For and "
            "X-Forwarded-Proto honoured (the client address in the audit log and login "
            "throttle, HTTPS for the Secure cookie). Empty: no proxy is trusted."
        ),
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in _split(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {item!r}") from None
        return ",".join(_split(value))

    def trusted_proxy_list(self) -> list[str]:
        return _split(self.trusted_proxies)

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'pinpoint.db'}"


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def get_settings() -> Settings:
    """Build settings from the current environment (never cached at import time)."""
    return Settings()
