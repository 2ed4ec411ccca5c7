"""Tests of parley.simulation.sampling: inputs, inverse distribution functions, draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from pydantic import ValidationError

from parley.errors import ModelError
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Estimate, Scenario
from parley.simulation.sampling import from_unit, inverse_cdf, sample, uncertain_inputs
from tests.scenario.test_arrays_contract import DATA


def _arr():  # type: ignore[no-untyped-def]
    return to_arrays(Scenario.model_validate(DATA))


def test_inputs_group_an_actors_overall_capability() -> None:
    inputs = uncertain_inputs(_arr())
    labels = [i.label for i in inputs]
    assert labels == ["salience b/x", "capability a"]
    cap = inputs[1]
    assert cap.cells == ((0, 0),)  # a's issue-specific capability on y is certain
    assert inputs[0].dist == "truncnormal" and inputs[1].dist == "uniform"
    assert uncertain_inputs(_arr(), "triangular")[1].dist == "triangular"
    with pytest.raises(ModelError, match="unknown distribution"):
        uncertain_inputs(_arr(), "beta")


def test_draws_stay_in_range_and_fixed_numbers_stay_fixed() -> None:
    arr = _arr()
    d = sample(arr, 400, seed=1)
    assert d.position.shape == (400, 2, 2) and d.draws == 400
    assert_allclose(d.position, np.broadcast_to(arr.position, d.position.shape))
    s = d.salience[:, 1, 0]
    assert s.min() >= 0.2 and s.max() <= 0.9 and abs(s.mean() - 0.5) < 0.03
    raw = d.raw_capability[:, 0, 0]
    assert raw.min() >= 1 and raw.max() <= 3 and abs(raw.mean() - 2) < 0.1
    assert_allclose(d.capability.sum(axis=-2)[:, 0], 1.0)
    assert_allclose(d.raw_capability[:, 0, 1], 4.0)


def test_same_seed_same_draws() -> None:
    a, b = sample(_arr(), 50, seed=9), sample(_arr(), 50, seed=9)
    assert_allclose(a.salience, b.salience)
    assert not np.allclose(a.salience, sample(_arr(), 50, seed=10).salience)


def test_inverse_cdfs_against_known_quantiles() -> None:
    u = np.array([[0.0, 0.0, 0.5], [0.5, 0.5, 0.975], [1.0, 0.125, 0.025]])
    lo, val, hi = np.array([0.0, 0.0, -10.0]), np.array([5.0, 2.0, 0.0]), np.array([10.0, 4.0, 10])
    dist = np.array(["uniform", "triangular", "truncnormal"])
    x = inverse_cdf(u, lo, val, hi, dist, np.array([1.0, 1.0, 1.0]))
    assert_allclose(x[:, 0], [0, 5, 10])
    # symmetric triangle on [0, 4], mode 2: median 2; F(1) = 1/8
    assert_allclose(x[1:, 1], [2.0, 1.0])
    # a standard normal cut far out in its tails: quantiles of the normal itself
    assert_allclose(x[:, 2], [0.0, 1.959964, -1.959964], atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(0, 50), st.floats(0, 50), st.floats(0.01, 50),
    st.sampled_from(["uniform", "triangular", "truncnormal"]),
)
def test_draws_lie_within_the_range(lo: float, width: float, sd: float, dist: str) -> None:
    hi = lo + width
    u = np.linspace(0, 1, 21)[:, None]
    x = inverse_cdf(u, np.array([lo]), np.array([lo + width / 3]), np.array([hi]),
                    np.array([dist]), np.array([sd]))
    assert (x >= lo - 1e-9).all() and (x <= hi + 1e-9).all()
    assert (np.diff(x[:, 0]) >= -1e-9).all()  # monotone in u


def test_from_unit_checks_the_shape_and_draws_the_count() -> None:
    arr = _arr()
    with pytest.raises(ModelError, match="shape"):
        from_unit(arr, uncertain_inputs(arr), np.zeros((3, 5)))
    with pytest.raises(ModelError, match="draws"):
        sample(arr, 0)


def test_sd_needs_truncnormal() -> None:
    with pytest.raises(ValidationError, match="truncnormal"):
        Estimate.model_validate({"value": 1, "low": 0, "high": 2, "sd": 1})
    with pytest.raises(ValidationError):
        Estimate.model_validate({"value": 1, "dist": "beta"})


def test_builtin_scenario_has_inputs() -> None:
    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    inputs = uncertain_inputs(arr)
    assert len(inputs) > 10
    d = sample(arr, 100, seed=0)
    for inp in inputs:
        a, i = inp.cells[0]
        f = "raw_capability" if inp.field == "capability" else inp.field
        v = getattr(d, f)[:, a, i]
        assert v.min() >= inp.low - 1e-9 and v.max() <= inp.high + 1e-9


def test_triangular_draws() -> None:
    from parley.simulation.sampling import triangular_draws

    rng = np.random.default_rng(0)
    lo, mode, hi = np.array([0.0, 5.0]), np.array([2.0, 5.0]), np.array([10.0, 5.0])
    x = triangular_draws(rng, lo, mode, hi, 20000)
    assert (x[:, 0] >= 0).all() and (x[:, 0] <= 10).all()
    assert x[:, 0].mean() == pytest.approx(4.0, abs=0.1)  # (0 + 2 + 10) / 3
    assert (x[:, 1] == 5.0).all()
