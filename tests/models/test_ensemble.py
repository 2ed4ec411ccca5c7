"""Tests of the ensemble model (weighted average of the other models' forecasts)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.errors import ModelError
from parley.forecast import forecast
from parley.models import registry
from parley.models.ensemble import combine, default_members
from parley.models.registry import ModelSpec
from parley.scenario.yaml_io import parse_yaml
from tests.backtest.conftest import TOY


def test_combine_hand_computed() -> None:
    f = np.array([[0.0, 10.0], [10.0, 30.0]])  # two members, two issues
    assert_allclose(combine(f, np.array([1.0, 3.0])), [7.5, 25.0])
    assert_allclose(combine(f, np.array([0.0, 2.0])), [10.0, 30.0])


@given(
    st.lists(st.floats(0, 100), min_size=3, max_size=3),
    st.lists(st.floats(0.01, 10), min_size=3, max_size=3),
)
def test_combination_lies_between_the_members(xs: list[float], ws: list[float]) -> None:
    x = float(combine(np.array(xs)[:, None], np.array(ws))[0])
    assert min(xs) - 1e-9 <= x <= max(xs) + 1e-9


@pytest.mark.parametrize("w", [[-1.0, 2.0], [0.0, 0.0], [np.nan, 1.0]])
def test_bad_weights(w: list[float]) -> None:
    with pytest.raises(ModelError):
        combine(np.zeros((2, 1)), np.array(w))


def test_equal_weights_on_the_toy_case() -> None:
    s = parse_yaml(TOY)
    fc = forecast(s, ["ensemble"], params={"ensemble": {"members": ["compromise", "median"]}})
    # compromise x = 7.5, median x = 10 (see tests/backtest/conftest.py): mean 8.75
    assert fc.models["ensemble"].issues["x"].position == pytest.approx(8.75)
    assert fc.models["ensemble"].issues["y"].position == pytest.approx(175.0)
    weighted = forecast(
        s,
        ["ensemble"],
        params={"ensemble": {"members": ["compromise", "median"], "weights": {"median": 3}}},
    )
    # compromise gets weight 0 (not given): the median alone
    assert weighted.models["ensemble"].issues["x"].position == pytest.approx(10.0)


def test_default_members_exclude_the_ensemble() -> None:
    assert "ensemble" not in default_members()
    assert set(default_members()) == set(registry.MODEL_NAMES) - {"ensemble"}


@pytest.mark.parametrize(
    "params",
    [{"members": ["ensemble"]}, {"members": ["median"], "weights": {"compromise": 1}}],
)
def test_bad_parameters(params: dict) -> None:
    with pytest.raises(ModelError):
        forecast(parse_yaml(TOY), ["ensemble"], params={"ensemble": params})


def test_failing_member_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(arrays, options):  # type: ignore[no-untyped-def]
        raise ModelError("cannot")

    mod = types.ModuleType("tests_failing_member")
    mod.SPEC = ModelSpec("failing", "F", "none", False, run)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_failing_member", mod)
    monkeypatch.setitem(registry._MODULES, "failing", "tests_failing_member")
    fc = forecast(
        parse_yaml(TOY), ["ensemble"], params={"ensemble": {"members": ["median", "failing"]}}
    )
    res = fc.models["ensemble"]
    assert res.issues["x"].position == pytest.approx(10.0)
    assert any("failing" in n for n in res.notes)
