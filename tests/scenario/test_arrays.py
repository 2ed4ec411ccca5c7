"""Tests of scenario -> arrays conversion."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from numpy.testing import assert_allclose

from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario
from tests.scenario.test_schema import BASE
from tests.strategies import scenarios


def test_base_arrays() -> None:
    arr = to_arrays(Scenario.model_validate(BASE))
    assert arr.actors == ("a", "b") and arr.issues == ("x",)
    assert_allclose(arr.position, [[1], [9]])
    assert_allclose(arr.capability, [[1 / 3], [2 / 3]])
    assert_allclose(arr.red_line[0], [5])
    assert np.isnan(arr.red_line[1, 0])
    assert_allclose(arr.low["salience"][1], [0.5])
    assert_allclose(arr.high["salience"][1], [0.9])
    assert_allclose(arr.lower, [0]) and assert_allclose(arr.upper, [10])


@given(scenarios(full=False))
def test_mask_conventions(s: Scenario) -> None:
    arr = to_arrays(s)
    assert arr.position.shape == (len(s.actors), len(s.issues))
    assert np.all(np.isnan(arr.position[~arr.mask]))
    assert np.all(~np.isnan(arr.position[arr.mask]))
    assert np.all(arr.salience[~arr.mask] == 0) and np.all(arr.capability[~arr.mask] == 0)
    assert_allclose(arr.capability.sum(axis=0), 1.0)


def test_issue_specific_capability_overrides_actor() -> None:
    data = {
        "title": "t",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x"}, {"id": "y"}],
        "stances": {
            "a": {
                "x": {"position": 0, "salience": 1, "capability": 3},
                "y": {"position": 0, "salience": 1},
            },
            "b": {"x": {"position": 1, "salience": 1}, "y": {"position": 1, "salience": 1}},
        },
    }
    arr = to_arrays(Scenario.model_validate(data))
    assert_allclose(arr.capability, [[0.75, 0.5], [0.25, 0.5]])
