"""The surplus issue by issue, and red lines crossed by how much."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import parley
from parley.analysis.explain import explain_package, surplus_by_issue
from parley.analysis.utility import red_line_crossings, surplus
from parley.scenario.arrays import to_arrays
from tests.strategies import scenarios


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_terms_add_up_to_the_surplus(s) -> None:  # type: ignore[no-untyped-def]
    a = to_arrays(s)
    P = np.random.default_rng(0).uniform(a.lower, a.upper, (7, a.n_issues))
    for loss in ("linear", "quadratic"):
        np.testing.assert_allclose(
            surplus_by_issue(P, a, loss).sum(axis=-1), surplus(P, a, loss), atol=1e-12
        )


@pytest.mark.parametrize("name", ["ukraine-2025", "paris-2015"])
def test_red_lines_crossed_are_those_of_the_shared_rule(name: str) -> None:
    a = to_arrays(parley.load_scenario(name).scenario)
    for k in range(a.packages.shape[0]):
        why = explain_package(a.packages[k], a)
        crossed = red_line_crossings(a.packages[k][None, :], a)[0]
        for i, aid in enumerate(a.actors):
            issues = {r["issue"] for r in why[aid]["red_lines_crossed"]}
            assert issues == {a.issues[j] for j in np.flatnonzero(crossed[i])}
            for r in why[aid]["red_lines_crossed"]:
                assert r["beyond"] == pytest.approx(abs(r["position"] - r["red_line"]))
