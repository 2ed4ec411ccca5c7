"""Tests of parley.simulation.sensitivity against hand-worked indices of a linear model."""

from __future__ import annotations

import pytest

from parley.errors import ModelError
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario
from parley.simulation.sensitivity import sensitivity

pytest.importorskip("SALib")


def _linear() -> Scenario:
    # equal weights: the compromise is (x_a + x_b) / 2, x_a uniform on [0, 20], x_b on [90, 100]
    return Scenario.model_validate({
        "title": "lin",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x"}],
        "stances": {
            "a": {"x": {"position": {"value": 10, "low": 0, "high": 20}, "salience": 1}},
            "b": {"x": {"position": {"value": 95, "low": 90, "high": 100}, "salience": 1}},
        },
    })


def test_morris_effects_of_a_linear_model() -> None:
    data = sensitivity(to_arrays(_linear()), models=["compromise"], samples=10)
    (out,) = [o for o in data["outputs"] if o["output"] == "compromise/x"]
    ranks = {r["input"]: r for r in out["ranking"]}
    # d(forecast)/d(u_a) = 20 / 2 = 10 scale units = 0.1 of the 0-100 scale; b: 0.05
    assert ranks["position a/x"]["mu_star"] == pytest.approx(0.1)
    assert ranks["position b/x"]["mu_star"] == pytest.approx(0.05)
    assert ranks["position a/x"]["sigma"] == pytest.approx(0.0, abs=1e-12)
    assert out["ranking"][0]["input"] == "position a/x"
    t = data["tornado"]["compromise/x"]
    assert t["base"] == pytest.approx(52.5)
    assert t["bars"][0] == pytest.approx(
        {"input": "position a/x", "low": 47.5, "high": 57.5, "swing": 10.0})


def test_sobol_indices_of_a_linear_model() -> None:
    data = sensitivity(to_arrays(_linear()), method="sobol", models=["compromise"], samples=512)
    (out,) = [o for o in data["outputs"] if o["output"] == "compromise/x"]
    ranks = {r["input"]: r for r in out["ranking"]}
    # variances 10^2 : 5^2, so S1 = ST = 0.8 and 0.2
    for name, expected in (("position a/x", 0.8), ("position b/x", 0.2)):
        assert ranks[name]["S1"] == pytest.approx(expected, abs=0.08)
        assert ranks[name]["ST"] == pytest.approx(expected, abs=0.08)
        assert ranks[name]["S1_conf"] > 0


def test_bad_arguments() -> None:
    arr = to_arrays(_linear())
    with pytest.raises(ModelError, match="method"):
        sensitivity(arr, method="fast")
    with pytest.raises(ModelError, match="power of 2"):
        sensitivity(arr, method="sobol", samples=100)
