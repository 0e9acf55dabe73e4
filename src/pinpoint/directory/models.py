"""Directory tables: practitioners from NPPES, their licenses, training credentials and board
filings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pinpoint.db.base import Base


class Practitioner(Base):
    """An individual provider (NPPES entity type 1) with a dry-needling-relevant taxonomy."""

    __tablename__ = "practitioners"

    npi: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    name_prefix: Mapped[str | None] = mapped_column(String(20))
    name_suffix: Mapped[str | None] = mapped_column(String(20))
    credential: Mapped[str | None] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(30))
    taxonomy: Mapped[str] = mapped_column(String(10))
    address_line: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip5: Mapped[str | None] = mapped_column(String(5))
    country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    enumerated_on: Mapped[date | None] = mapped_column(Date)
    updated_on: Mapped[date | None] = mapped_column(Date)
    deactivated_on: Mapped[date | None] = mapped_column(Date)
    reactivated_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    row_digest: Mapped[int | None] = mapped_column(BigInteger)
    """A hash of the NPPES row last imported (name, place, licenses, status): a re-import
    passes over an unchanged row without writing it."""

    licenses: Mapped[list[License]] = relationship(
        back_populates="practitioner", cascade="all, delete-orphan", order_by="License.id"
    )
    credentials: Mapped[list[TrainingCredential]] = relationship(
        back_populates="practitioner",
        cascade="all, delete-orphan",
        order_by="TrainingCredential.id",
    )
    filings: Mapped[list[BoardFiling]] = relationship(
        back_populates="practitioner",
        cascade="all, delete-orphan",
        order_by="[BoardFiling.filed_on, BoardFiling.id]",
    )

    __table_args__ = (Index("ix_practitioners_active_geo", "active", "latitude", "longitude"),)


class License(Base):
    """One license number with its state, as listed in an NPPES taxonomy slot."""

    __tablename__ = "practitioner_licenses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    npi: Mapped[str] = mapped_column(
        ForeignKey("practitioners.npi", ondelete="CASCADE"), index=True
    )
    taxonomy: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    primary: Mapped[bool] = mapped_column(Boolean, default=False)

    practitioner: Mapped[Practitioner] = relationship(back_populates="licenses")


class TrainingCredential(Base):
    """A completed dry needling course, from a provider's roster or entered by an operator."""

    __tablename__ = "training_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    npi: Mapped[str] = mapped_column(
        ForeignKey("practitioners.npi", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(200))
    course: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column(Float)
    in_person_hours: Mapped[float | None] = mapped_column(Float)
    completed_on: Mapped[date] = mapped_column(Date)
    certificate_id: Mapped[str] = mapped_column(String(100))
    licensed_since: Mapped[date | None] = mapped_column(Date)
    supervised_sessions: Mapped[int | None] = mapped_column(Integer)

    practitioner: Mapped[Practitioner] = relationship(back_populates="credentials")

    __table_args__ = (UniqueConstraint("provider", "certificate_id"),)


class BoardFiling(Base):
    """A filing with a state board that its law asks for before needling (registration,
    endorsement, attestation...), as an operator records it."""

    __tablename__ = "board_filings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    npi: Mapped[str] = mapped_column(
        ForeignKey("practitioners.npi", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(30))
    filed_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)
    # The user who recorded it (no key to ``users``: accounts sit above the directory);
    # None for the command line, which acts as the machine's owner.
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    practitioner: Mapped[Practitioner] = relationship(back_populates="filings")

    __table_args__ = (UniqueConstraint("npi", "state", "kind", "filed_on"),)


class SearchRefresh(Base):
    """When a derived search structure was last brought up to date, and from what: the
    directory's state (``source``) it then held. PostgreSQL's ``practitioner_points`` view
    is refreshed by the search side when ``source`` no longer matches the directory."""

    __tablename__ = "search_refreshes"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
