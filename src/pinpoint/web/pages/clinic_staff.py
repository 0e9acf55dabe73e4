"""The clinic a page is about, and the staff who may be named as the needler."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care.needlers import clinic_needlers


@dataclass(frozen=True)
class NpiChoice:
    npi: str
    label: str


@dataclass(frozen=True)
class ClinicInfo:
    """The actor's clinic, and the NPIs of its staff (the needler choices)."""

    name: str
    state: str
    needlers: tuple[NpiChoice, ...] = ()
    own_npi: str | None = None


def clinic_info(engine: Engine, actor: Actor) -> ClinicInfo:
    """The clinic of a staff or patient user; Forbidden for operators."""
    staff = clinic_needlers(engine, actor)
    choices = tuple(NpiChoice(n.npi, f"{n.npi} · {n.name}") for n in staff.needlers)
    own = next((n.npi for n in staff.needlers if n.user_id == actor.user_id), None)
    return ClinicInfo(staff.clinic_name, staff.state, choices, own)
