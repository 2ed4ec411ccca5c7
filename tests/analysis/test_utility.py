"""Tests of parley.analysis.utility: spatial utilities, BATNAs, red lines, acceptability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.analysis.utility import (
    SQ_TOL,
    acceptable,
    batna_utility,
    batna_vector,
    crosses_red_line,
    package_utility,
    status_quo,
    surplus,
)
from parley.errors import ModelError
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario
from tests.strategies import scenarios

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def two_actor(red_a: float | None = None, nd_a: float | None = None) -> Scenario:
    """Actor a at 20 (salience 1) and b at 80 (salience 0.5) on x (0-100); on y (0-10) a at 0
    (salience 0.5), b at 10 (salience 1)."""
    sa_x: dict = {"position": 20, "salience": 1.0}
    if red_a is not None:
        sa_x["red_line"] = red_a
    if nd_a is not None:
        sa_x["no_deal"] = nd_a
    return Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": "a", "capability": 3}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}, {"id": "y", "scale": {"min": 0, "max": 10}}],
            "stances": {
                "a": {"x": sa_x, "y": {"position": 0, "salience": 0.5, "no_deal": 5}},
                "b": {
                    "x": {"position": 80, "salience": 0.5, "no_deal": 50},
                    "y": {"position": 10, "salience": 1.0, "no_deal": 5},
                },
            },
        }
    )


def test_hand_worked_linear_and_quadratic() -> None:
    arr = to_arrays(two_actor())
    P = np.array([[50.0, 5.0], [20.0, 10.0]])
    # package 1: a: -(1*30/100 + 0.5*5/10) = -0.55; b: -(0.5*30/100 + 1*5/10) = -0.65
    # package 2: a: -(0 + 0.5*1) = -0.5; b: -(0.5*0.6 + 0) = -0.3
    assert_allclose(package_utility(P, arr), [[-0.55, -0.65], [-0.5, -0.3]])
    # quadratic: a: -(0.09 + 0.5*0.25) = -0.215; b: -(0.5*0.09 + 0.25) = -0.295
    assert_allclose(package_utility(P, arr, "quadratic")[0], [-0.215, -0.295])


def test_batna_defaults_to_status_quo_then_compromise() -> None:
    arr = to_arrays(two_actor())
    # a gives no no-deal on x: the status quo is b's (the only one given): 50
    assert_allclose(batna_vector(arr)[0], [50.0, 5.0])
    assert_allclose(status_quo(arr), [50.0, 5.0])
    # a: -(1*0.3 + 0.5*0.5) = -0.55
    assert_allclose(batna_utility(arr)[0], -0.55)
    bare = Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": "a", "capability": 3}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": {"a": {"x": {"position": 0, "salience": 1}},
                        "b": {"x": {"position": 100, "salience": 1}}},
        }
    )
    # no no-deal anywhere: compromise = (3*0 + 1*100)/4 = 25
    assert_allclose(status_quo(to_arrays(bare)), [25.0])


def test_red_line_sides_and_as_it_stands_exception() -> None:
    arr = to_arrays(two_actor(red_a=40, nd_a=70))
    P = np.array([[30.0, 0], [40.0, 0], [41.0, 0], [70.0, 0], [70 + 100 * SQ_TOL + 1, 0]])
    crossed = crosses_red_line(P, arr)[:, 0]
    # a sits at 20 with a red line at 40: above 40 crosses, except at its no-deal point 70 (+-5)
    assert crossed.tolist() == [False, False, True, False, True]
    assert not crosses_red_line(P, arr)[:, 1].any()  # b has no red line


def test_red_line_below_position() -> None:
    s = Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": "a", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": {"a": {"x": {"position": 90, "salience": 1, "red_line": 60,
                                    "no_deal": 60}}},
        }
    )
    crossed = crosses_red_line(np.array([[59.0], [30.0], [61.0]]), to_arrays(s))[:, 0]
    assert crossed.tolist() == [False, True, False]  # 59 is within 5 of the no-deal point


def test_bad_input() -> None:
    arr = to_arrays(two_actor())
    with pytest.raises(ModelError):
        package_utility(np.zeros((2, 3)), arr)
    with pytest.raises(ModelError):
        package_utility(np.zeros((1, 2)), arr, "cubic")
    with pytest.raises(ModelError):
        package_utility(np.array([[np.nan, 1.0]]), arr)


@FAST
@given(scenarios(max_actors=4, max_issues=3, full=False), st.data())
def test_utility_decreases_with_distance(scenario: Scenario, data: st.DataObject) -> None:
    arr = to_arrays(scenario)
    m = arr.n_issues
    bounds = zip(arr.lower, arr.upper, strict=True)
    base = np.array([data.draw(st.floats(lo, hi)) for lo, hi in bounds])
    i = data.draw(st.integers(0, m - 1))
    a = data.draw(st.integers(0, arr.n_actors - 1))
    if not arr.mask[a, i]:
        return
    p = arr.position[a, i]
    # move issue i further from actor a's position, staying on the scale
    far = arr.lower[i] if base[i] <= p else arr.upper[i]
    moved = base.copy()
    moved[i] = far
    for loss in ("linear", "quadratic"):
        u = package_utility(np.vstack([base, moved]), arr, loss)[:, a]
        assert u[1] <= u[0] + 1e-12
        if arr.salience[a, i] > 0 and abs(far - p) > abs(base[i] - p) + 1e-9:
            assert u[1] < u[0]
        # the actor's own ideal point is its best package
        ideal = np.where(arr.mask[a], arr.position[a], base)
        assert package_utility(ideal[None], arr, loss)[0, a] == pytest.approx(0.0, abs=1e-12)


@FAST
@given(scenarios(max_actors=4, max_issues=3), st.data())
def test_acceptable_implies_no_red_line_and_positive_surplus(
    scenario: Scenario, data: st.DataObject
) -> None:
    arr = to_arrays(scenario)
    # give every actor a red line and a no-deal point drawn on the scale
    bounds = list(zip(arr.lower, arr.upper, strict=True))
    red = np.array([[data.draw(st.floats(lo, hi)) for lo, hi in bounds] for _ in arr.actors])
    nd = np.array([[data.draw(st.floats(lo, hi)) for lo, hi in bounds] for _ in arr.actors])
    arr = arr.with_values(red_line=red, no_deal=nd)
    rng = np.random.default_rng(0)
    P = arr.lower + rng.random((30, arr.n_issues)) * (arr.upper - arr.lower)
    ok = acceptable(P, arr)
    assert not (ok & crosses_red_line(P, arr)).any()
    assert (surplus(P, arr)[ok] > 0).all()
    # packages at an actor's own position never cross its red line
    own = crosses_red_line(np.where(arr.mask, arr.position, 0.0), arr)
    assert not np.diag(own).any()


@FAST
@given(scenarios(max_actors=4, max_issues=3))
def test_actor_order_invariance_and_draw_broadcasting(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    rng = np.random.default_rng(1)
    P = arr.lower + rng.random((5, arr.n_issues)) * (arr.upper - arr.lower)
    U = package_utility(P, arr)
    perm = np.arange(arr.n_actors)[::-1]
    flipped = arr.with_values(
        position=arr.position[perm], salience=arr.salience[perm], mask=arr.mask[perm],
        red_line=arr.red_line[perm], no_deal=arr.no_deal[perm],
        capability=arr.capability[perm],
    )
    assert_allclose(package_utility(P, flipped), U[:, perm])
    # a leading draws axis on the arrays broadcasts: (d, k, n)
    stacked = arr.with_values(
        position=np.stack([arr.position, arr.position]),
        salience=np.stack([arr.salience, 2 * arr.salience / 2]),
    )
    out = package_utility(P, stacked)
    assert out.shape == (2, *U.shape)
    assert_allclose(out[1], U)


@pytest.mark.parametrize("name", ["ukraine-2025", "paris-2015", "germany-coalition-2021"])
@pytest.mark.parametrize("loss", ["linear", "quadratic"])
def test_package_evaluator_gives_exactly_the_plain_functions_numbers(name: str, loss: str) -> None:
    import parley
    from parley.analysis.utility import package_evaluator

    arrays = parley.to_arrays(parley.load_scenario(name).scenario)
    rng = np.random.default_rng(1)
    P = rng.uniform(arrays.lower, arrays.upper, (500, arrays.n_issues))
    P[:250] = np.round(P[:250] / 5) * 5  # on the grid where red lines and no-deal points lie
    for actors in (None, [0, arrays.n_actors - 1]):
        cols = slice(None) if actors is None else actors
        utility, crosses = package_evaluator(arrays, loss, actors)
        np.testing.assert_array_equal(utility(P), package_utility(P, arrays, loss)[:, cols])
        np.testing.assert_array_equal(crosses(P), crosses_red_line(P, arrays)[:, cols])
