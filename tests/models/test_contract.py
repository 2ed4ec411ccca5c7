"""The contract every registered model keeps (shapes, determinism, order invariance, bounds).

New models are picked up automatically from the registry.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from parley.forecast import forecast
from parley.models.registry import MODEL_NAMES
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario
from tests.strategies import scenarios

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _permuted(s: Scenario, order: list[int]) -> Scenario:
    data = s.model_dump()
    data["actors"] = [data["actors"][k] for k in order]
    return Scenario.model_validate(data)


@pytest.mark.parametrize("name", MODEL_NAMES)
@SETTINGS
@given(scenarios(full=False))
def test_every_issue_gets_a_finite_forecast_within_the_positions(name: str, s: Scenario) -> None:
    fc = forecast(s, [name], rounds=3)
    res = fc.models[name]
    arr = to_arrays(s)
    assert list(res.issues) == s.issue_ids
    for i, iid in enumerate(s.issue_ids):
        x = res.issues[iid].position
        assert math.isfinite(x)
        present = arr.position[arr.mask[:, i], i]
        assert present.min() - 1e-9 <= x <= present.max() + 1e-9
        rounds = res.issues[iid].rounds
        if rounds is not None:
            assert rounds[-1] == pytest.approx(x)
            assert all(present.min() - 1e-9 <= r <= present.max() + 1e-9 for r in rounds)


@pytest.mark.parametrize("name", MODEL_NAMES)
@SETTINGS
@given(scenarios())
def test_same_input_same_output(name: str, s: Scenario) -> None:
    a = forecast(s, [name], rounds=3, seed=7).to_dict()
    b = forecast(s, [name], rounds=3, seed=7).to_dict()
    assert a == b


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_actor_order_changes_nothing(name: str) -> None:
    """On data without ties (continuous random numbers), reordering actors changes no forecast."""
    rng = np.random.default_rng(11)
    n, m = 7, 3
    data = {
        "title": "random",
        "actors": [{"id": f"a{k}", "capability": float(rng.uniform(1, 10))} for k in range(n)],
        "issues": [{"id": f"i{j}"} for j in range(m)],
        "stances": {
            f"a{k}": {
                f"i{j}": {
                    "position": float(rng.uniform(0, 100)),
                    "salience": float(rng.uniform(0.1, 1)),
                }
                for j in range(m)
            }
            for k in range(n)
        },
    }
    s = Scenario.model_validate(data)
    base = forecast(s, [name], rounds=5).models[name].positions
    for _ in range(3):
        order = list(rng.permutation(n))
        other = forecast(_permuted(s, order), [name], rounds=5).models[name].positions
        for iid in base:
            assert other[iid] == pytest.approx(base[iid], abs=1e-9)
