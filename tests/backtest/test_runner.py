"""Tests of parley.backtest.runner: hand-worked scores, failure isolation, JSON shape."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from parley.backtest import run_backtest
from parley.backtest import runner as runner_mod
from parley.errors import ModelError
from parley.models import registry
from parley.models.registry import ModelSpec, static_result
from tests.backtest.conftest import TOY, TOY_OUTCOME, write_case


def test_hand_worked_scores(toy_dir: Path) -> None:
    res = run_backtest(toy_dir, ["compromise", "median"])
    c = res.cases["toy"]["compromise"]
    assert c["x"].forecast == pytest.approx(7.5)
    assert c["x"].error == pytest.approx(25.0)
    assert c["x"].error_raw == pytest.approx(2.5)
    assert c["y"].forecast == pytest.approx(150.0)
    assert c["y"].error == pytest.approx(25.0)
    assert c["y"].error_raw == pytest.approx(50.0)
    m = res.cases["toy"]["median"]
    assert (m["x"].forecast, m["y"].forecast) == (10.0, 200.0)
    assert res.models["compromise"]["mae"] == pytest.approx(25.0)
    assert res.models["median"]["mae"] == pytest.approx(50.0)
    assert res.models["median"]["median_ae"] == pytest.approx(50.0)
    assert res.models["median"]["within_10"] == 0.0
    assert res.models["median"]["vs_compromise"] == pytest.approx(2.0)
    assert res.models["compromise"]["vs_compromise"] == pytest.approx(1.0)
    assert res.models["median"]["n"] == 2
    assert res.skipped == {"toy": ["z"]} and res.n_skipped == 1
    # both forecasts lie nearer the agreed package "hi" than "lo"
    assert res.package_hits == {"compromise": {"toy": True}, "median": {"toy": True}}


def test_baseline_runs_even_when_not_asked(toy_dir: Path) -> None:
    res = run_backtest(toy_dir, ["median"])
    assert list(res.models) == ["median"]
    assert set(res.cases["toy"]) == {"median"}
    assert res.models["median"]["vs_compromise"] == pytest.approx(2.0)


def test_unknown_model_is_an_error(toy_dir: Path) -> None:
    with pytest.raises(ModelError, match="unknown model"):
        run_backtest(toy_dir, ["nonesuch"])


@pytest.fixture
def flaky_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """A registered model that fails on scenarios titled 'Toy' and returns the scale's lower
    end elsewhere."""

    def run(arrays, options):  # type: ignore[no-untyped-def]
        if "b" in arrays.actors and arrays.n_issues == 3 and arrays.upper[0] == 10:
            raise RuntimeError("boom")
        return static_result("flaky", arrays, arrays.lower.copy())

    mod = types.ModuleType("tests_flaky_model")
    mod.SPEC = ModelSpec("flaky", "Flaky", "none", False, run)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_flaky_model", mod)
    monkeypatch.setitem(registry._MODULES, "flaky", "tests_flaky_model")
    return "flaky"


def test_failing_model_and_case_are_isolated(tmp_path: Path, flaky_model: str) -> None:
    write_case(tmp_path, "toy", TOY, TOY_OUTCOME)
    other = TOY.replace("max: 10}", "max: 20}")
    write_case(tmp_path, "wide", other, TOY_OUTCOME)
    write_case(tmp_path, "broken", "title: [", TOY_OUTCOME)
    res = run_backtest(tmp_path, ["compromise", flaky_model])
    fails = {(f.case, f.model) for f in res.failures}
    assert fails == {("broken", None), ("toy", "flaky")}
    assert "boom" in next(f.error for f in res.failures if f.model == "flaky")
    assert set(res.cases["toy"]) == {"compromise"}
    assert set(res.cases["wide"]) == {"compromise", "flaky"}
    assert res.cases["broken"] == {}
    # flaky forecasts the lower end (0): on 'wide' x 5 of 0-20 -> 25, y 100 of 0-200 -> 50
    assert res.models["flaky"]["mae"] == pytest.approx(37.5)
    assert res.models["flaky"]["n"] == 2 and res.models["flaky"]["n_cases"] == 1
    # the ratio is taken over the pairs both models scored: compromise on 'wide' is
    # x 7.5 of 0-20 -> 12.5, y 150 -> 25, so the mean is 18.75
    assert res.models["flaky"]["vs_compromise"] == pytest.approx(37.5 / 18.75)
    assert res.models["compromise"]["n"] == 4


def test_json_shape(toy_dir: Path) -> None:
    d = run_backtest(toy_dir, ["compromise", "median"]).to_dict()
    json.dumps(d, allow_nan=False)
    assert set(d) >= {"cases", "models"}
    for per_model in d["cases"].values():
        for per_issue in per_model.values():
            for score in per_issue.values():
                assert set(score) >= {"forecast", "outcome", "error"}
    for summary in d["models"].values():
        assert set(summary) >= {"mae", "median_ae", "within_10", "n", "vs_compromise"}


def test_brier_of_agreed_package(toy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        runner_mod, "package_probabilities", lambda case, seed=None: {"lo": 0.2, "hi": 0.8}
    )
    res = run_backtest(toy_dir, ["compromise"])
    info = res.packages["toy"]
    # agreed hi: (0.8 - 1)^2 + 0.2^2 = 0.08; uniform over 2 packages: 0.5
    assert info["brier"] == pytest.approx(0.08)
    assert info["uniform_brier"] == pytest.approx(0.5)


def test_progress_is_reported(toy_dir: Path) -> None:
    seen: list[tuple[int, int]] = []
    run_backtest(toy_dir, ["median"], progress=lambda d, t, label: seen.append((d, t)))
    # median plus the compromise baseline on one case
    assert seen == [(1, 2), (2, 2)]
    assert np.all(np.diff([d for d, _ in seen]) > 0)


def test_brier_from_the_outcomes_analysis(toy_dir: Path) -> None:
    """With parley.analysis.outcomes installed, the Brier score is the sum of squared
    differences between its probabilities and the agreed package (checked term by term)."""
    pytest.importorskip("parley.analysis.outcomes")
    res = run_backtest(toy_dir, ["compromise"], seed=3)
    info = res.packages["toy"]
    probs = info["probabilities"]
    assert {"lo", "hi"} <= set(probs)
    assert sum(probs.values()) == pytest.approx(1.0)
    expected = 0.0
    for k, p in probs.items():
        expected += (p - (1.0 if k == "hi" else 0.0)) ** 2
    assert info["brier"] == pytest.approx(expected)
    assert info["uniform_brier"] == pytest.approx(1 - 1 / len(probs))
