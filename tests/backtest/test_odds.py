"""Tests of the outcome-odds scores, baselines and the leave-one-case-out precision fit."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import parley.backtest.odds as odds_mod
from parley.backtest.cases import load_cases
from parley.backtest.odds import LOG_FLOOR, log_score, score_outcomes
from tests.backtest.conftest import TOY, write_case


def test_log_score_is_floored() -> None:
    assert log_score({"a": 0.5, "no_agreement": 0.5}, "a") == pytest.approx(math.log(0.5))
    assert log_score({"a": 1.0, "no_agreement": 0.0}, "no_agreement") == math.log(LOG_FLOOR)
    assert log_score({"a": 1.0}, "b") == math.log(LOG_FLOOR)


def test_loco_fit_and_baselines_hand_worked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three cases agreeing on 'hi'. At precision 1 every case gives 'hi' 0.8, at 2 case c1
    gives it 0.1 and the others 0.9. Sums of logs: grid 1 -> 3 ln 0.8 = -0.669; grid 2 ->
    ln 0.1 + 2 ln 0.9 = -2.513: the full fit is 1. Held out: without c1, grid 2 wins
    (2 ln 0.9 = -0.211 > 2 ln 0.8 = -0.446), so c1 is scored at 2 (0.1 on 'hi'); without c2
    or c3, grid 1 wins (-0.446 > ln 0.1 + ln 0.9 = -2.408)."""
    for name in ("c1", "c2", "c3"):
        write_case(tmp_path, name, TOY, {"source": "s", "issues": {}, "agreed": "hi"})

    def fake(case, precision, draws=0, seed=0):  # type: ignore[no-untyped-def]
        p = 0.8 if precision == 1 else (0.1 if case.name == "c1" else 0.9)
        return {"lo": 0.0, "hi": p, "no_agreement": 1 - p}

    monkeypatch.setattr(odds_mod, "category_probabilities", fake)
    res = score_outcomes(load_cases(tmp_path), grid=(1.0, 2.0))
    assert res["fit"]["precision"] == 1.0 and res["fit"]["on_boundary"]
    assert [res["cases"][c]["precision"] for c in ("c1", "c2", "c3")] == [2.0, 1.0, 1.0]
    # held-out log score: (ln 0.1 + 2 ln 0.8) / 3
    assert res["log_score"] == pytest.approx((math.log(0.1) + 2 * math.log(0.8)) / 3)
    # Brier of c1 at 0.1: (0.1 - 1)^2 + 0.9^2 = 1.62; of c2, c3: 0.04 + 0.04 = 0.08
    assert res["brier"] == pytest.approx((1.62 + 0.08 + 0.08) / 3)
    # uniform over lo, hi, no_agreement: (2/3)^2 + 2 (1/3)^2 = 2/3
    assert res["baselines"]["uniform"]["brier"] == pytest.approx(2 / 3)
    assert res["baselines"]["uniform"]["log_score"] == pytest.approx(math.log(1 / 3))
    # no agreement always: 1 + 1 = 2, log floored
    assert res["baselines"]["no_agreement"]["brier"] == pytest.approx(2.0)
    assert res["n_cases"] == 3


def test_no_case_with_agreed_gives_no_scores() -> None:
    res = score_outcomes([])
    assert res["n_cases"] == 0 and res["brier"] is None
