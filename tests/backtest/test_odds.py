"""Tests of the outcome-odds scores, baselines and the leave-one-case-out parameter fit."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import parley.backtest.odds as odds_mod
from parley.backtest.cases import NO_AGREEMENT, load_cases
from parley.backtest.odds import (
    LOG_FLOOR,
    ModelInputs,
    category_probabilities,
    grid_points,
    loco_indices,
    log_score,
    ml_index,
    model_inputs,
    score_outcomes,
)
from parley.odds import outcomes
from tests.backtest.conftest import TOY, write_case

CASES = Path(__file__).resolve().parents[2] / "cases"


def test_log_score_is_floored() -> None:
    assert log_score({"a": 0.5, "no_agreement": 0.5}, "a") == pytest.approx(math.log(0.5))
    assert log_score({"a": 1.0, "no_agreement": 0.0}, "no_agreement") == math.log(LOG_FLOOR)
    assert log_score({"a": 1.0}, "b") == math.log(LOG_FLOOR)


def test_grid_points_and_the_fit_on_a_table() -> None:
    pts = grid_points({"precision": (1.0, 2.0), "consent_bias": (0.0, 3.0)})
    assert pts == [{"precision": 1.0, "consent_bias": 0.0}, {"precision": 1.0, "consent_bias": 3.0},
                   {"precision": 2.0, "consent_bias": 0.0}, {"precision": 2.0, "consent_bias": 3.0}]
    L = np.log(np.array([[0.5, 0.9, 0.1], [0.5, 0.1, 0.9], [0.5, 0.9, 0.2]]))
    # totals: ln .125 = -2.08, ln .0081 = -4.8, ln .018 = -4.0: point 0; without case 1,
    # point 1 (ln .81 = -0.21 > ln .25 = -1.39); without case 0 or 2, point 0
    assert ml_index(L) == 0
    assert loco_indices(L).tolist() == [0, 1, 0]


def _fake(case, loss, points, draws=0, seed=0):  # type: ignore[no-untyped-def]
    """'hi' gets 0.8 at precision 1; at 2, 0.1 in case c1 and 0.9 elsewhere; 0.5 at any
    point off the test grid (the shipped defaults' column)."""
    rows = []
    for p in points:
        on_grid = p["consent_bias"] == 0 and p["no_proposal"] == 0 and p["precision"] in (1, 2)
        if not on_grid:
            x = 0.5
        elif p["precision"] == 1:
            x = 0.8
        else:
            x = 0.1 if case.name == "c1" else 0.9
        rows.append({"lo": 0.0, "hi": x, NO_AGREEMENT: 1 - x})
    return rows, "hi"


def test_loco_fit_and_baselines_hand_worked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three cases agreeing on 'hi'. Sums of logs: precision 1 -> 3 ln 0.8 = -0.669;
    precision 2 -> ln 0.1 + 2 ln 0.9 = -2.513: the full fit is 1. Held out: without c1,
    precision 2 wins (2 ln 0.9 = -0.211 > 2 ln 0.8 = -0.446), so c1 is scored at 2 (0.1 on
    'hi'); without c2 or c3, precision 1 wins (-0.446 > ln 0.1 + ln 0.9 = -2.408)."""
    for name in ("c1", "c2", "c3"):
        write_case(tmp_path, name, TOY, {"source": "s", "issues": {}, "agreed": "hi"})
    monkeypatch.setattr(odds_mod, "probability_table", _fake)
    grid = {"precision": (1.0, 2.0), "consent_bias": (0.0,), "no_proposal": (0.0,)}
    res = score_outcomes(load_cases(tmp_path), grid=grid, losses=("linear",))
    fit = res["fit"]
    assert fit["precision"] == 1.0 and fit["on_boundary"] and fit["boundary"]["precision"]
    assert fit["log_likelihood"] == pytest.approx([3 * math.log(0.8),
                                                   math.log(0.1) + 2 * math.log(0.9)])
    assert fit["folds_at_full_fit"] == 2
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
    # the shipped defaults are off this grid: 0.5 on 'hi' in every case
    assert res["defaults"]["log_score"] == pytest.approx(math.log(0.5))
    assert res["defaults"]["brier"] == pytest.approx(0.25 + 0.25)


def test_no_case_with_agreed_gives_no_scores() -> None:
    res = score_outcomes([])
    assert res["n_cases"] == 0 and res["brier"] is None


def _synthetic(rng: np.random.Generator, n_cases: int, true: dict[str, float]
               ) -> tuple[list[ModelInputs], list[str]]:
    """Cases of three actors and three packages (all needing everyone), surpluses drawn at
    random, the agreed category drawn from the model's own probabilities at ``true``."""
    inputs, agreed = [], []
    for _ in range(n_cases):
        S = rng.normal(0.0, 0.6, (20, 3, 3)) + rng.normal(0.0, 0.6, (1, 3, 3))
        inp = ModelInputs(["a", "b", "c"], S, np.zeros_like(S, dtype=bool),
                          np.ones((3, 3), dtype=bool), 0, np.arange(3))
        p = category_probabilities(inp, true)
        cats = list(p)
        agreed.append(cats[int(rng.choice(len(cats), p=np.array(list(p.values())) /
                                          sum(p.values())))])
        inputs.append(inp)
    return inputs, agreed


@pytest.mark.parametrize("seed", [0, 1])
def test_ml_fit_recovers_the_parameters_of_synthetic_data(seed: int) -> None:
    true = {"precision": 3.0, "consent_bias": 1.0, "no_proposal": -2.0}
    grid = {"precision": (0.0, 1.0, 3.0, 10.0), "consent_bias": (-1.0, 1.0, 3.0),
            "no_proposal": (-6.0, -2.0, 2.0)}
    inputs, agreed = _synthetic(np.random.default_rng(seed), 400, true)
    points = grid_points(grid)
    L = np.array([[log_score(category_probabilities(i, p), a) for p in points]
                  for i, a in zip(inputs, agreed, strict=True)])
    assert points[ml_index(L)] == true
    # and the likelihood is not flat: the truth beats its grid neighbours clearly
    total = L.sum(axis=0)
    assert total.max() - np.sort(total)[-2] > 1.0


def test_fast_inputs_match_the_outcome_analysis() -> None:
    """The fit's shortcut (sampled surpluses computed once per case) gives what
    :func:`parley.analysis.outcomes.outcomes` gives at the same parameters and draws."""
    case = next(c for c in load_cases(CASES) if c.name == "eu-car-co2-2018")
    params = {"precision": 3.0, "consent_bias": 1.0, "no_proposal": -2.0}
    fast = category_probabilities(model_inputs(case, "quadratic", draws=60, seed=5), params)
    assert case.loaded is not None
    res = outcomes(case.loaded.scenario, loss="quadratic", draws=60, seed=5, **params)
    slow = dict(zip(res.candidates.ids, res.probability.tolist(), strict=True))
    for k, v in slow.items():
        assert fast[k] == pytest.approx(v, abs=1e-12)
    assert fast[NO_AGREEMENT] == pytest.approx(res.no_agreement, abs=1e-12)
    assert_allclose(sum(fast.values()), 1.0)
