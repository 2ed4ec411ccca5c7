"""``parley compare``: baseline and variant side by side."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from parley.analysis.utility import batna_utility, package_utility
from parley.cli.app import app
from parley.compare import NO_AGREEMENT, compare
from parley.odds import outcomes
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario

runner = CliRunner()


def test_json_contract() -> None:
    res = runner.invoke(app, ["compare", "--lever", "usa.us-large-scale-sanctions", "-n", "50",
                              "-m", "compromise", "-m", "median", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"scenario", "baseline", "variant", "diff"}
    for side in ("baseline", "variant"):
        assert {"forecasts", "zone", "outcomes", "expected_utility"} <= set(data[side])
        assert set(data[side]["forecasts"]) == {"compromise", "median"}
        assert sum(v for k, v in data[side]["outcomes"].items()
                   if k not in (NO_AGREEMENT, "talks-without-commitment")) + data[side][
            "outcomes"][NO_AGREEMENT] == pytest.approx(1.0)
    d = data["diff"]
    for k, v in d["outcomes"].items():
        assert v == pytest.approx(data["variant"]["outcomes"][k] - data["baseline"]["outcomes"][k])
    assert data["variant"]["levers_in_force"] == ["us-large-scale-sanctions"]
    # a threat moves no forecast
    assert all(abs(x) < 1e-12 for m in d["forecasts"].values() for x in m.values())


def test_nothing_to_compare_exits_2() -> None:
    res = runner.invoke(app, ["compare"])
    assert res.exit_code == 2
    assert "--lever or --set" in res.output


def test_expected_utility_hand_computed() -> None:
    """EU at the point estimates, from the outcome probabilities and the utilities."""
    loaded = load_scenario("germany-coalition-2021")
    data = compare(loaded, sets=["spd.taxes.salience=0.1"], models=[], draws=0, zone=False)
    s = loaded.scenario
    arr = to_arrays(s)
    r = outcomes(s, draws=0)
    P = r.candidates.positions
    agree = np.array([bool(pp.parties) for pp in r.parties])
    p = np.where(agree, r.probability, 0.0)
    eu = p @ package_utility(P, arr) + (1 - p.sum()) * batna_utility(arr)
    got = data["baseline"]["expected_utility"]
    for a, x in zip(arr.actors, eu, strict=True):
        assert got[a] == pytest.approx(x)


def test_setting_a_value_to_itself_changes_nothing() -> None:
    loaded = load_scenario("ukraine-2025")
    st = loaded.scenario.stance("usa", "crimea")
    assert st is not None
    data = compare(loaded, sets=[f"usa.crimea.salience={st.salience.value}"], models=["median"],
                   draws=0, zone=True)
    d = data["diff"]
    assert all(abs(v) < 1e-12 for v in d["outcomes"].values())
    assert all(abs(v) < 1e-12 for v in d["expected_utility"].values())
    assert not d["zone"]["exists_changed"]


def test_table_marks_differences() -> None:
    res = runner.invoke(app, ["compare", "--set", "russia.ceasefire.position=50", "-n", "0",
                              "-m", "compromise"])
    assert res.exit_code == 0, res.output
    assert "->" in res.output and "Expected utility" in res.output
