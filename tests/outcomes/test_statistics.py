"""The dashboard's interval functions against independent formulations from SciPy."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pinpoint.outcomes.statistics import (
    SMALL_NUMBER,
    poisson_interval,
    rests_on_enough,
    t_interval,
    too_few_reason,
    wilson_interval,
)


@st.composite
def trials(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=5000))
    return draw(st.integers(min_value=0, max_value=n)), n


@given(trials(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_scipys_binomtest_wilson_interval(
    given_trials: tuple[int, int], level: float
) -> None:
    successes, n = given_trials
    expected = stats.binomtest(successes, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = wilson_interval(successes, n, level)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)
    assert 0 <= low <= successes / n <= high <= 1


def test_wilson_is_closed_at_none_and_all() -> None:
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == 1.0
    # A textbook value: 8 of 10 gives about 0.490 to 0.943.
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


values = st.lists(
    st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=300,
)


@given(values, st.sampled_from([0.9, 0.95, 0.99]))
def test_t_interval_matches_scipys_t_distribution(sample: list[float], level: float) -> None:
    mean, low, high = t_interval(sample, level)
    assert mean == pytest.approx(sum(sample) / len(sample), abs=1e-9)
    sem = stats.sem(sample)
    if sem == 0 or not math.isfinite(sem):
        assert low == high == pytest.approx(mean)
        return
    expected = stats.t.interval(level, len(sample) - 1, loc=stats.tmean(sample), scale=sem)
    assert low == pytest.approx(expected[0], rel=1e-7, abs=1e-7)
    assert high == pytest.approx(expected[1], rel=1e-7, abs=1e-7)


def test_t_interval_of_a_textbook_sample() -> None:
    # 5 values with mean 3 and SD 1.5811: t(0.975, 4) = 2.7764, half width 1.9632.
    mean, low, high = t_interval([1, 2, 3, 4, 5])
    assert mean == 3
    assert (round(low, 3), round(high, 3)) == (1.037, 4.963)


@given(
    st.integers(min_value=0, max_value=20000),
    st.floats(min_value=0.5, max_value=1e5),
    st.sampled_from([0.9, 0.95, 0.99]),
)
@settings(max_examples=200)
def test_exact_poisson_interval_has_the_defining_tail_probabilities(
    count: int, exposure: float, level: float
) -> None:
    """Garwood's interval: at the upper bound P(X <= count) is the lower tail; at the lower
    bound P(X >= count) is; checked with SciPy's Poisson distribution."""
    tail = (1 - level) / 2
    low, high = poisson_interval(count, exposure, level)
    assert stats.poisson.cdf(count, high * exposure) == pytest.approx(tail, rel=1e-6)
    if count == 0:
        assert low == 0
    else:
        assert stats.poisson.sf(count - 1, low * exposure) == pytest.approx(tail, rel=1e-6)
    assert low <= count / exposure <= high


def test_exact_poisson_interval_matches_the_chi_square_formulation() -> None:
    for count in (0, 1, 7, 1463):
        low, high = poisson_interval(count, 1.0)
        chi_low = stats.chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
        chi_high = stats.chi2.ppf(0.975, 2 * count + 2) / 2
        assert low == pytest.approx(chi_low, rel=1e-9)
        assert high == pytest.approx(chi_high, rel=1e-9)


def test_zero_events_have_the_familiar_upper_bound() -> None:
    # 0 of n: the exact upper bound is -ln(0.025) = 3.689 events, a little above the
    # "rule of three".
    assert poisson_interval(0, 1.0)[1] == pytest.approx(3.6889, abs=1e-4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wilson_interval(1, 0), "at least one trial"),
        (lambda: wilson_interval(5, 4), "between 0 and n"),
        (lambda: wilson_interval(1, 2, 1.5), "confidence"),
        (lambda: t_interval([1.0]), "at least two"),
        (lambda: t_interval([1.0, math.nan]), "finite"),
        (lambda: poisson_interval(-1, 1.0), "negative"),
        (lambda: poisson_interval(1, 0.0), "positive"),
    ],
)
def test_impossible_inputs_are_refused_with_a_reason(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_the_small_number_rule_starts_at_eleven() -> None:
    assert SMALL_NUMBER == 11
    assert not rests_on_enough(10)
    assert rests_on_enough(11)
    assert "10 episodes, fewer than 11" in too_few_reason(10)
    assert "1 episode," in too_few_reason(1)
