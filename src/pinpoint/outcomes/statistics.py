"""Interval estimates for outcome figures: pure functions over plain numbers.

- ``wilson_interval``: a proportion (share of episodes reaching the MCID), Wilson's score
  interval (Wilson, J Am Stat Assoc 1927;22:209-212), which keeps inside 0..1 and behaves
  at 0 and n successes where the textbook Wald interval does not.
- ``t_interval``: a mean (mean change), Student's t interval on n - 1 degrees of freedom.
- ``poisson_interval``: a count of events over an exposure (adverse events per 100
  sessions), the exact (Garwood 1936) interval from the gamma quantiles of the count.

A figure resting on fewer than ``SMALL_NUMBER`` episodes is not shown as a rate: with so
few, a percentage says more about chance than about the clinic, and it may identify
patients. (The same rule as the de-identified registry's.)
"""

from __future__ import annotations

from math import isfinite, sqrt
from statistics import NormalDist, fmean, stdev

from scipy.special import gammaincinv, stdtrit

CONFIDENCE = 0.95
SMALL_NUMBER = 11


def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval for ``successes`` out of ``n`` (a share from 0 to 1)."""
    if n < 1:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = _z(confidence)
    share = successes / n
    spread = z * z / n
    centre = (share + spread / 2) / (1 + spread)
    half = z * sqrt(share * (1 - share) / n + spread / (4 * n)) / (1 + spread)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def t_interval(values: list[float], confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """The mean of ``values`` and its t interval: ``(mean, low, high)``; needs two values."""
    _check_confidence(confidence)
    if len(values) < 2:
        raise ValueError("a confidence interval for a mean needs at least two values")
    if not all(isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    mean = fmean(values)
    spread = stdev(values, mean)
    if spread == 0:
        return mean, mean, mean
    quantile = float(stdtrit(len(values) - 1, 0.5 + confidence / 2))
    half = quantile * spread / sqrt(len(values))
    return mean, mean - half, mean + half


def poisson_interval(
    count: int, exposure: float = 1.0, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """The exact interval of an event rate: ``count`` events over ``exposure`` units.

    Lower bound: the gamma quantile of shape ``count`` at (1 - confidence) / 2 (0 when
    no event was seen); upper: the quantile of shape ``count + 1`` at the other tail.
    """
    _check_confidence(confidence)
    if count < 0:
        raise ValueError("a count cannot be negative")
    if not exposure > 0 or not isfinite(exposure):
        raise ValueError("the exposure must be a positive number")
    tail = (1 - confidence) / 2
    low = 0.0 if count == 0 else float(gammaincinv(count, tail))
    high = float(gammaincinv(count + 1, 1 - tail))
    return low / exposure, high / exposure


def rests_on_enough(episodes: int) -> bool:
    """Whether a figure resting on ``episodes`` episodes may be shown as a rate."""
    return episodes >= SMALL_NUMBER


def too_few_reason(episodes: int) -> str:
    """Why a figure is withheld, in words."""
    noun = "episode" if episodes == 1 else "episodes"
    return (
        f"not shown as a rate: it rests on {episodes} {noun}, fewer than {SMALL_NUMBER}; "
        "so few say more about chance than about the clinic"
    )
