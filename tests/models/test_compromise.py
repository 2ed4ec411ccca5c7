"""Tests of the compromise model (weighted mean)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.models.compromise import compromise
from tests.strategies import ModelArrays, model_arrays


def test_hand_worked_example() -> None:
    """Three actors on one issue: weights c*s = 0.5*1, 0.25*0.5, 0.25*0.5 = 0.5, 0.125, 0.125.
    Weighted mean = (0.5*10 + 0.125*50 + 0.125*100) / 0.75 = 23.75 / 0.75 = 31.666..."""
    x = np.array([[10.0], [50.0], [100.0]])
    s = np.array([[1.0], [0.5], [0.5]])
    c = np.array([[0.5], [0.25], [0.25]])
    assert_allclose(compromise(x, s, c), [23.75 / 0.75])


@given(model_arrays())
def test_within_range_of_positions(a: ModelArrays) -> None:
    out = compromise(a.position, a.salience, a.capability)
    assert np.all(out >= a.position.min(axis=0) - 1e-9)
    assert np.all(out <= a.position.max(axis=0) + 1e-9)


@given(model_arrays(), st.floats(1e-3, 1e3))
def test_scaling_capabilities_changes_nothing(a: ModelArrays, k: float) -> None:
    base = compromise(a.position, a.salience, a.capability)
    assert_allclose(compromise(a.position, a.salience, a.capability * k), base, atol=1e-9)


@given(model_arrays(), st.randoms(use_true_random=False))
def test_actor_order_changes_nothing(a: ModelArrays, rnd) -> None:  # type: ignore[no-untyped-def]
    perm = list(range(a.position.shape[0]))
    rnd.shuffle(perm)
    base = compromise(a.position, a.salience, a.capability)
    out = compromise(a.position[perm], a.salience[perm], a.capability[perm])
    assert_allclose(out, base, atol=1e-9)


def test_zero_saliences_fall_back_to_capability_weights() -> None:
    x = np.array([[0.0], [100.0]])
    s = np.zeros((2, 1))
    c = np.array([[3.0], [1.0]])
    assert_allclose(compromise(x, s, c), [25.0])


def test_mask_excludes_absent_actors() -> None:
    x = np.array([[0.0, 10.0], [np.nan, 30.0]])
    s = np.ones((2, 2))
    c = np.ones((2, 2))
    mask = np.array([[True, True], [False, True]])
    assert_allclose(compromise(x, s, c, mask), [0.0, 20.0])


def test_leading_draws_axis() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, (5, 4, 3))
    s = rng.uniform(0, 1, (5, 4, 3))
    c = rng.uniform(0.1, 1, (5, 4, 3))
    out = compromise(x, s, c)
    assert out.shape == (5, 3)
    for d in range(5):
        assert_allclose(out[d], compromise(x[d], s[d], c[d]))
