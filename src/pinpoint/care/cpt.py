"""CPT coding of a dry needling session: the one place the counting rule lives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pinpoint.errors import InvalidInput

ONE_OR_TWO_MUSCLES = "20560"
THREE_OR_MORE_MUSCLES = "20561"


class NeedledMuscle(Protocol):
    """Anything naming a muscle needled in a session (a request item or a stored row)."""

    @property
    def muscle(self) -> str: ...


def cpt_for_muscles(muscles: Iterable[NeedledMuscle | str]) -> str:
    """The CPT code for one session, from the muscles needled in it.

    The code follows the number of *distinct muscles*, not needles or insertions:
    1 or 2 muscles -> ``20560``, 3 or more -> ``20561``; one unit per session.

    A muscle counts once by name whatever its side: the right and left upper trapezius
    (two entries, ``left`` and ``right``) or one ``bilateral`` entry are one muscle, and
    so is the same muscle listed twice. This is the conservative reading of the CPT
    descriptor "1 or 2 muscle(s)"; a session never bills a higher code because of sides.

    Raises InvalidInput (field ``muscles``) when no muscle was needled.
    """
    names = {m if isinstance(m, str) else m.muscle for m in muscles}
    if not names:
        raise InvalidInput(
            "a session needs at least one muscle needled (no CPT code without one)",
            field="muscles",
        )
    return ONE_OR_TWO_MUSCLES if len(names) <= 2 else THREE_OR_MORE_MUSCLES
