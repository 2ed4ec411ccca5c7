"""Tests of the weighted median model."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from numpy.testing import assert_allclose

from parley.models.median import weighted_median
from tests.strategies import ModelArrays, model_arrays


def _abs_dev(x: np.ndarray, w: np.ndarray, y: float) -> float:
    return float(np.sum(w * np.abs(x - y)))


@given(model_arrays(integer_positions=True))
def test_is_a_weighted_median(a: ModelArrays) -> None:
    """The result is an actor's position, at most half the weight lies strictly on either side
    of it, and it minimises the weighted sum of absolute deviations over the actors' positions."""
    w = a.salience * a.capability
    out = weighted_median(a.position, w)
    for i in range(a.position.shape[1]):
        x, wi, y = a.position[:, i], w[:, i], out[i]
        if wi.sum() == 0:
            wi = np.ones_like(wi)
        assert y in x
        total = wi.sum()
        assert wi[x < y].sum() <= total / 2 + 1e-9
        assert wi[x > y].sum() <= total / 2 + 1e-9
        best = min(_abs_dev(x, wi, v) for v in x)
        assert _abs_dev(x, wi, y) <= best + 1e-9 * max(1.0, best)


def test_lower_median_on_exact_tie() -> None:
    x = np.array([[10.0], [90.0]])
    w = np.array([[1.0], [1.0]])
    assert_allclose(weighted_median(x, w), [10.0])


def test_heavy_actor_decides() -> None:
    x = np.array([[10.0], [50.0], [90.0]])
    w = np.array([[0.1], [0.1], [0.9]])
    assert_allclose(weighted_median(x, w), [90.0])


def test_mask_and_no_actor() -> None:
    x = np.array([[10.0, np.nan], [50.0, np.nan], [90.0, np.nan]])
    w = np.ones((3, 2))
    mask = np.array([[False, False], [True, False], [True, False]])
    out = weighted_median(x, w, mask)
    assert out[0] == 50.0
    assert np.isnan(out[1])


def test_leading_draws_axis() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, (6, 5, 3))
    w = rng.uniform(0, 1, (6, 5, 3))
    out = weighted_median(x, w)
    assert out.shape == (6, 3)
    for d in range(6):
        assert_allclose(out[d], weighted_median(x[d], w[d]))
