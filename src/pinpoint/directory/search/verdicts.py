"""Every practitioner's verdict on one date, judged once per distinct combination of facts.

Two practitioners in the same state, of the same profession, with the same summed training
and alike in having a board filing in force that day get the same verdict, so a directory
of a million rows holds a few thousand combinations: each is judged once by the law base
(:func:`training.directory_verdict`) and every row points at its combination.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from pinpoint.directory.training import (
    FilingDates,
    TrainingTotals,
    directory_verdict,
    eligibility_facts,
    registered_in,
)
from pinpoint.law.eligibility import Eligibility, Verdict
from pinpoint.law.vocabulary import Profession

PROFESSIONS: tuple[Profession, ...] = tuple(Profession)
PROFESSION_CODE = {p.value: i for i, p in enumerate(PROFESSIONS)}

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TrainingColumns:
    """Each row's summed training (NaN where not on record; ``since`` as a date ordinal)."""

    hours: FloatArray
    in_person: FloatArray
    since: FloatArray
    supervised: FloatArray

    def totals(self, key: tuple[float, float, float, float]) -> TrainingTotals:
        hours, in_person, since, supervised = (None if v < 0 else float(v) for v in key)
        return TrainingTotals(
            hours=hours,
            in_person_hours=in_person,
            licensed_since=None if since is None else date.fromordinal(int(since)),
            supervised_sessions=None if supervised is None else int(supervised),
        )


@dataclass(frozen=True)
class RowFilings:
    """The board filings of the rows that have any, in the state each row is judged in."""

    by_row: Mapping[int, tuple[FilingDates, ...]]

    def registered(self, states: npt.NDArray[np.bytes_], on: date) -> FloatArray:
        """Each row's ``registered`` fact on ``on``: 1 for True, NaN for not on record."""
        column = np.full(len(states), np.nan)
        for row, filings in self.by_row.items():
            if registered_in(filings, states[row].decode(), on):
                column[row] = 1.0
        return column


@dataclass(frozen=True)
class Verdicts:
    """Every row's verdict on one date: a combination id per row and each combination's answer."""

    combo: IntArray
    answers: list[Eligibility]
    eligible: npt.NDArray[np.bool_]


def judge_all(
    states: npt.NDArray[np.bytes_],
    professions: npt.NDArray[np.int8],
    training: TrainingColumns,
    filings: RowFilings,
    on: date,
) -> Verdicts:
    """The verdict of every row on ``on`` (rows of no known profession are "law silent")."""
    names, state_code = np.unique(states, return_inverse=True)
    keys = np.column_stack(
        (
            state_code,
            professions,
            training.hours,
            training.in_person,
            training.since,
            training.supervised,
            filings.registered(states, on),
        )
    )
    keys = np.where(np.isnan(keys), -1.0, keys)
    combos, combo = np.unique(keys, axis=0, return_inverse=True)
    answers: list[Eligibility] = []
    for key in combos:
        state = names[int(key[0])].decode()
        profession = PROFESSIONS[int(key[1])] if key[1] >= 0 else None
        registered = True if key[6] > 0 else None
        facts = eligibility_facts(training.totals(tuple(key[2:6])), on, registered)
        answers.append(directory_verdict(state, profession, facts, on))
    eligible = np.array([a.verdict is Verdict.ELIGIBLE for a in answers], dtype=bool)
    combo = combo.reshape(-1).astype(np.int64)
    return Verdicts(combo=combo, answers=answers, eligible=eligible[combo])
