"""Tests of parley.analysis.outcomes: the outcome model and the Monte Carlo sampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.analysis.outcomes import (
    _triangular,
    outcome_probabilities,
    outcomes,
    sample_arrays,
)
from parley.errors import ModelError
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sig(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def test_hand_worked_two_packages() -> None:
    # actors: setter 0 and one other party 1; package 0 needs both, package 1 is the setter's
    # unilateral move, package 2 is the status quo (no parties)
    S = np.array([[0.2, 0.1], [-0.1, -0.3], [0.0, 0.0]])
    C = np.zeros_like(S, dtype=bool)
    parties = np.array([[True, True], [True, False], [False, False]])
    lam = 10.0
    p_other = sig(lam * 0.1)
    # values of proposing packages 0 and 1; the status quo is not proposable; "no proposal"
    # is worth 0 (weight e^0 = 1)
    w = np.exp(lam * np.array([p_other * 0.2, -0.1]))
    pi = w / (w.sum() + 1.0)
    out = outcome_probabilities(S, C, parties, setter=0, precision=lam)
    assert_allclose(out, [pi[0] * p_other, pi[1], 0.0])


def test_red_lines_block_and_setter_never_proposes_across_its_own() -> None:
    S = np.array([[0.5, 0.5], [0.5, 0.5]])
    C = np.array([[False, True], [True, False]])
    parties = np.ones((2, 2), dtype=bool)
    out = outcome_probabilities(S, C, parties, setter=0)
    assert_allclose(out, [0.0, 0.0])
    with pytest.raises(ModelError):
        outcome_probabilities(S, C, parties, setter=0, precision=-1)


@FAST
@given(
    st.integers(1, 5),
    st.integers(1, 4),
    st.floats(0, 50),
    st.integers(0, 2**31),
)
def test_probabilities_are_a_sub_distribution(k: int, n: int, lam: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    S = rng.normal(0, 0.5, (3, k, n))
    C = rng.random((3, k, n)) < 0.2
    parties = rng.random((k, n)) < 0.6
    out = outcome_probabilities(S, C, parties, setter=int(rng.integers(n)), precision=lam)
    assert out.shape == (3, k)
    assert (out >= 0).all() and (out.sum(axis=-1) <= 1 + 1e-12).all()
    assert (out[:, ~parties.any(axis=1)] == 0).all()


def test_triangular_sampler() -> None:
    rng = np.random.default_rng(0)
    lo, mode, hi = np.array([0.0, 5.0]), np.array([2.0, 5.0]), np.array([10.0, 5.0])
    x = _triangular(rng, lo, mode, hi, 20000)
    assert (x[:, 0] >= 0).all() and (x[:, 0] <= 10).all()
    assert x[:, 0].mean() == pytest.approx(4.0, abs=0.1)  # (0 + 2 + 10) / 3
    assert (x[:, 1] == 5.0).all()


def test_sample_arrays_respects_ranges_and_mask() -> None:
    s = load_scenario("ukraine-2025").scenario
    arr = to_arrays(s)
    from parley.analysis.outcomes import _raw_capability_matrix

    draws = sample_arrays(arr, _raw_capability_matrix(s, arr), 50, np.random.default_rng(1))
    assert draws.position.shape == (50, arr.n_actors, arr.n_issues)
    m = arr.mask
    lo, hi = arr.low["position"], arr.high["position"]
    assert ((draws.position[:, m] >= lo[m] - 1e-12) & (draws.position[:, m] <= hi[m] + 1e-12)).all()
    assert np.isnan(draws.position[:, ~m]).all()
    assert_allclose(draws.capability.sum(axis=1), 1.0)


def test_seed_determinism_and_point_estimates() -> None:
    s = load_scenario("ukraine-2025").scenario
    a = outcomes(s, draws=200, seed=3).probability
    b = outcomes(s, draws=200, seed=3).probability
    c = outcomes(s, draws=200, seed=0).probability
    assert_allclose(a, b)
    assert not np.allclose(a, c)
    p0 = outcomes(s, draws=0).probability
    assert p0.sum() == pytest.approx(1.0)
    with pytest.raises(ModelError):
        outcomes(s, draws=-1)
    with pytest.raises(ModelError):
        outcomes(s, setter="nobody")
