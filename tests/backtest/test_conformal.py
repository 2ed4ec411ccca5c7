"""Tests of the split-conformal intervals (hand-worked quantiles, clipping, held-out coverage)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.backtest.conformal import (
    Calibration,
    calibration_data,
    check_level,
    conformal_quantile,
    interval,
    load_calibration,
    loco_coverage,
)
from parley.errors import ParleyError


def test_quantile_is_the_finite_sample_rank() -> None:
    # n = 9, level 0.8: k = ceil(10 * 0.8) = 8 -> the 8th smallest
    assert conformal_quantile([9, 1, 8, 2, 7, 3, 6, 4, 5], 0.8) == 8
    # n = 4, level 0.8: k = ceil(5 * 0.8) = 4 -> the largest
    assert conformal_quantile([3, 1, 2, 4], 0.8) == 4
    # n = 3, level 0.8: k = ceil(3.2) = 4 > 3 -> too few scores: infinite
    assert math.isinf(conformal_quantile([1, 2, 3], 0.8))
    assert math.isinf(conformal_quantile([], 0.5))


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5, float("nan"), "x"])
def test_level_must_lie_strictly_between_0_and_1(bad: object) -> None:
    with pytest.raises(ParleyError, match="interval level"):
        check_level(bad)  # type: ignore[arg-type]


def test_interval_is_scaled_to_the_issue_and_clipped() -> None:
    lo, hi = interval(np.array([5.0, 1.0]), 20.0, np.array([0.0, 0.0]), np.array([10.0, 4.0]))
    # half-width 20 points of 100 = 2 units on 0-10 and 0.8 on 0-4
    np.testing.assert_allclose(lo, [3.0, 0.2])
    np.testing.assert_allclose(hi, [7.0, 1.8])
    lo, hi = interval(np.array([9.5]), 20.0, 0.0, 10.0)
    assert (float(lo[0]), float(hi[0])) == pytest.approx((7.5, 10.0))
    lo, hi = interval(np.array([3.0]), math.inf, 0.0, 10.0)
    assert (float(lo[0]), float(hi[0])) == (0.0, 10.0)


def test_loco_coverage_hand_worked() -> None:
    # case a's interval comes from b's errors only, and b's from a's:
    # a: rest [10, 30], level 0.5 -> k = ceil(1.5) = 2 -> q = 30; a's errors 5, 40 -> 1 of 2
    # b: rest [5, 40] -> q = 40; b's errors 10, 30 -> 2 of 2.  Coverage 3/4.
    errors = {"a": [5.0, 40.0], "b": [10.0, 30.0]}
    where = {"a": [50.0, 50.0], "b": [90.0, 50.0]}
    out = loco_coverage(errors, where, 0.5)
    assert out["coverage"] == pytest.approx(0.75)
    # widths: a: 2*30 = 60 twice; b: at 90, [50, 100] = 50 (clipped) and [10, 90] = 80
    assert out["width"] == pytest.approx((60 + 60 + 50 + 80) / 4)
    assert out["n"] == 4


def test_loco_coverage_of_exchangeable_errors_is_near_nominal() -> None:
    """With i.i.d. errors the held-out coverage is at least the level, up to sampling noise."""
    rng = np.random.default_rng(3)
    errors = {f"c{k}": list(np.abs(rng.normal(0, 10, size=6))) for k in range(60)}
    where = {c: [50.0] * 6 for c in errors}
    for level in (0.5, 0.8, 0.9):
        cov = loco_coverage(errors, where, level)["coverage"]
        assert level - 0.04 <= cov <= level + 0.06


@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.floats(0.05, 0.95))
def test_quantile_is_a_score_or_infinite_and_grows_with_the_level(
    scores: list[float], level: float
) -> None:
    q = conformal_quantile(scores, level)
    assert math.isinf(q) or q in scores
    assert conformal_quantile(scores, min(level + 0.04, 0.99)) >= q


def test_calibration_round_trip() -> None:
    data = calibration_data({"m": {"a": [3.0, 1.0], "b": [2.0]}}, "here")
    assert data["models"]["m"] == {"n": 3, "n_cases": 2, "scores": [1.0, 2.0, 3.0]}
    cal = Calibration(json.loads(json.dumps(data)))
    assert cal.half_width("m", 0.5) == 2.0  # k = ceil(4 * 0.5) = 2
    assert cal.half_width("other", 0.5) is None


def test_malformed_calibration_is_a_clear_error() -> None:
    with pytest.raises(ParleyError, match="malformed"):
        Calibration({"models": {"m": {}}})


def test_shipped_calibration_covers_every_registered_model() -> None:
    from parley.models.registry import MODEL_NAMES

    cal = load_calibration()
    assert set(cal.models) == set(MODEL_NAMES)
    assert all(s.size >= 20 for s in cal.models.values())


@pytest.mark.slow
def test_shipped_calibration_equals_a_fresh_computation() -> None:
    """The shipped file must be what the documented command writes from cases/ today.

    If this fails after a change to a model or a case, regenerate it with
    ``parley backtest cases/ --write-calibration src/parley/data/calibration.json``.
    """
    from pathlib import Path

    from parley.backtest import run_backtest

    cases = Path(__file__).resolve().parents[2] / "cases"
    fresh = run_backtest(cases).calibration()
    shipped = load_calibration().data
    assert set(shipped["models"]) == set(fresh["models"])
    for name, entry in fresh["models"].items():
        got = shipped["models"][name]
        assert got["n"] == entry["n"] and got["n_cases"] == entry["n_cases"], name
        np.testing.assert_allclose(got["scores"], entry["scores"], atol=1e-8, err_msg=name)
