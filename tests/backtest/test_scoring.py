"""Tests of parley.backtest.scoring against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.backtest.scoring import (
    brier_score,
    nearest_package,
    scaled_error,
    summarise,
    uniform_brier,
)
from parley.errors import ParleyError


def test_scaled_error_hand_computed() -> None:
    # 37.5 vs 35 on a 0-50 scale: 2.5 / 50 * 100 = 5 points
    assert scaled_error(37.5, 35.0, 0.0, 50.0) == pytest.approx(5.0)
    # a real-unit scale: 5060 vs 6104 centrifuges on 0-20000: 1044 / 20000 * 100 = 5.22
    assert scaled_error(5060, 6104, 0, 20000) == pytest.approx(5.22)
    assert_allclose(scaled_error([1, 9], [3, 3], [0, 0], [10, 20]), [20.0, 30.0])


def test_scaled_error_rejects_empty_scale() -> None:
    with pytest.raises(ParleyError):
        scaled_error(1, 2, 5, 5)


@given(
    f=st.floats(0, 1),
    o=st.floats(0, 1),
    lo=st.floats(-1e3, 1e3),
    span=st.floats(1e-2, 1e4),
)
def test_scaled_error_invariant_under_change_of_units(f: float, o: float, lo: float,
                                                      span: float) -> None:
    """The same relative positions on any scale give the same scaled error."""
    unit = scaled_error(f, o, 0.0, 1.0)
    rescaled = scaled_error(lo + f * span, lo + o * span, lo, lo + span)
    assert_allclose(rescaled, unit, atol=1e-6)
    assert 0.0 <= float(unit) <= 100.0


def test_summarise_hand_computed() -> None:
    s = summarise([0.0, 5.0, 10.0, 30.0])
    assert s["mae"] == pytest.approx(11.25)
    assert s["median_ae"] == pytest.approx(7.5)
    assert s["within_10"] == pytest.approx(0.75)  # 10 itself counts as within
    assert s["n"] == 4


def test_summarise_empty() -> None:
    s = summarise([])
    assert s["n"] == 0 and math.isnan(s["mae"])


def test_brier_hand_computed() -> None:
    p = {"a": 0.7, "b": 0.2, "c": 0.1}
    # agreed a: (0.7-1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01
    assert brier_score(p, "a") == pytest.approx(0.14)
    # agreed b: 0.49 + 0.64 + 0.01
    assert brier_score(p, "b") == pytest.approx(1.14)
    # agreed package given no probability at all: 0.49 + 0.04 + 0.01 + 1
    assert brier_score(p, "d") == pytest.approx(1.54)
    assert brier_score({"a": 1.0, "b": 0.0}, "a") == 0.0
    assert brier_score({"a": 0.0, "b": 1.0}, "a") == pytest.approx(2.0)


@given(k=st.integers(1, 30), agreed=st.integers(0, 29))
def test_uniform_forecast_scores_one_minus_one_over_k(k: int, agreed: int) -> None:
    probs = {f"p{j}": 1.0 / k for j in range(k)}
    assert brier_score(probs, f"p{agreed % k}") == pytest.approx(uniform_brier(k))


@pytest.mark.parametrize("bad", [{"a": 0.5, "b": 0.4}, {"a": 1.2, "b": -0.2}, {}])
def test_brier_rejects_non_distributions(bad: dict[str, float]) -> None:
    with pytest.raises(ParleyError):
        brier_score(bad, "a")


def test_nearest_package() -> None:
    pkgs = {"lo": {"x": 2, "y": 40}, "hi": {"x": 8, "y": 160}}
    spans = {"x": 10.0, "y": 200.0}
    assert nearest_package({"x": 7.5, "y": 150}, pkgs, spans) == "hi"
    assert nearest_package({"x": 3, "y": 10}, pkgs, spans) == "lo"
    # y counts on its own scale: x favours hi by 2 points of 10 (20), y favours lo by 50 of 200
    # (25 points), so lo is nearer on average
    assert nearest_package({"x": 6, "y": 50}, pkgs, spans) == "lo"
    assert np.isfinite(uniform_brier(3))
