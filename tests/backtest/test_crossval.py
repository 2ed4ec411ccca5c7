"""Tests of leave-one-case-out cross-validation of the ensemble's weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parley.backtest import score_cases
from parley.backtest.cases import load_cases
from parley.backtest.crossval import loco_ensemble, simplex_grid
from parley.errors import ParleyError
from tests.backtest.conftest import TOY, write_case


def test_simplex_grid() -> None:
    g = simplex_grid(3, 0.5)
    assert g.shape == (6, 3)
    np.testing.assert_allclose(g.sum(axis=1), 1.0)
    assert len(simplex_grid(4, 0.25)) == 35  # C(4 + 3, 3)
    with pytest.raises(ParleyError):
        simplex_grid(2, 0.3)


def _three_cases(d: Path) -> list:
    # the same scenario with outcomes at the compromise (7.5 on x), at the median (10) and
    # halfway between; y is not recorded
    for name, x in (("a_comp", 7.5), ("b_med", 10.0), ("c_mid", 8.75)):
        write_case(d, name, TOY, {"source": "s", "issues": {"x": {"outcome": x}}})
    return load_cases(d)


def test_held_out_weights_are_fitted_without_the_held_out_case(tmp_path: Path) -> None:
    cases = _three_cases(tmp_path)
    cv = loco_ensemble(cases, ["compromise", "median"], step=0.5)
    # leaving out a_comp: b_med (want median) and c_mid (want 0.5/0.5) -> errors over the grid
    # [w_comp, w_med] = [0,1]: 0 + 12.5; [0.5,0.5]: 12.5 + 0; [1,0]: 25 + 12.5 -> tie, the
    # first in grid order ([0, 1]) wins; forecast for a_comp is 10, error |10 - 7.5| / 10 * 100
    assert cv.folds["a_comp"]["weights"] == {"compromise": 0.0, "median": 1.0}
    assert cv.folds["a_comp"]["mae"] == pytest.approx(25.0)
    # leaving out c_mid: a_comp wants compromise, b_med wants median; [0.5, 0.5] gives
    # 12.5 + 12.5, the extremes 0 + 25: all tie at 12.5 mean -> [0, 1]; error 12.5 on c_mid
    assert cv.folds["c_mid"]["mae"] == pytest.approx(12.5)
    assert cv.held_out["n"] == 3


def test_folds_match_the_registered_ensemble(tmp_path: Path) -> None:
    """Each fold's score equals running the registered ensemble with the fold's weights."""
    cases = _three_cases(tmp_path)
    cv = loco_ensemble(cases, ["compromise", "median"], step=0.25)
    for case in cases:
        fold = cv.folds[case.name]
        params = {"ensemble": {"members": ["compromise", "median"], "weights": fold["weights"]}}
        res = score_cases([case], ["ensemble"], params=params)
        assert res.models["ensemble"]["mae"] == pytest.approx(fold["mae"])
    json.dumps(cv.to_dict(), allow_nan=False)


def test_needs_two_cases(tmp_path: Path) -> None:
    write_case(tmp_path, "one", TOY, {"source": "s", "issues": {"x": {"outcome": 1}}})
    with pytest.raises(ParleyError, match="at least two cases"):
        loco_ensemble(load_cases(tmp_path), ["compromise", "median"])
