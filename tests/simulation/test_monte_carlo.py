"""Tests of parley.simulation.monte_carlo: the simulation's numbers and their reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from parley.errors import ModelError
from parley.forecast import forecast
from parley.odds import outcomes
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario
from parley.simulation.monte_carlo import BLOCK, simulate

FAST = ["compromise", "median"]


def _two(red_a: object = 50) -> Scenario:
    return Scenario.model_validate({
        "title": "two",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x"}],
        "stances": {
            "a": {"x": {"position": 0, "salience": 1, "red_line": red_a, "no_deal": 0}},
            "b": {"x": {"position": 100, "salience": 1, "red_line": 50, "no_deal": 100}},
        },
        "veto_players": ["a", "b"],
    })


def test_json_contract_and_order_of_statistics() -> None:
    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    data = simulate(arr, 600, 3, scenario="u", models=FAST, space_draws=20).to_dict()
    assert {"scenario", "draws", "seed", "models", "outcomes", "space"} <= set(data)
    assert data["draws"] == 600 and data["seed"] == 3 and data["scenario"] == "u"
    assert list(data["models"]) == FAST
    for res in data["models"].values():
        assert list(res["issues"]) == list(arr.issues)
        for s in res["issues"].values():
            assert set(s) == {"mean", "median", "p05", "p95"}
            assert s["p05"] <= s["median"] <= s["p95"]
    assert [o["id"] for o in data["outcomes"]] == [*arr.package_ids, "no agreement"]
    for o in data["outcomes"]:
        assert {"id", "probability", "ci_low", "ci_high"} <= set(o)
        assert 0 <= o["ci_low"] <= o["ci_high"] <= 1
    assert sum(o["probability"] for o in data["outcomes"]) == pytest.approx(1.0)
    assert set(data["space"]) >= {"zone", "collisions"} and 0 <= data["space"]["zone"] <= 1
    assert data["space"]["zone_draws"] == 20


def test_same_numbers_whatever_the_chunking() -> None:
    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    a = simulate(arr, 3 * BLOCK + 17, 5, models=FAST, space_draws=0, chunk_draws=BLOCK)
    b = simulate(arr, 3 * BLOCK + 17, 5, models=FAST, space_draws=0, chunk_draws=10 * BLOCK)
    for n in FAST:
        assert np.array_equal(a.forecasts[n], b.forecasts[n])
    assert np.array_equal(a.probability, b.probability)
    assert a.to_dict() == b.to_dict()
    c = simulate(arr, 3 * BLOCK + 17, 6, models=FAST, space_draws=0)
    assert not np.array_equal(a.forecasts["compromise"], c.forecasts["compromise"])


def test_without_uncertainty_every_draw_is_the_point_estimate() -> None:
    s = _two()
    res = simulate(to_arrays(s), 50, 0, models=FAST, space_draws=5)
    point = forecast(s, FAST)
    for n in FAST:
        assert_allclose(res.forecasts[n], point.models[n].positions["x"])
    expected = outcomes(s, draws=0)
    got = res.to_dict()["outcomes"]
    for k, pid in enumerate(expected.candidates.ids):
        assert got[k]["id"] == pid
        assert got[k]["probability"] == pytest.approx(expected.probability[k])


def test_the_outcome_model_parameters_reach_the_odds() -> None:
    """Without uncertainty each draw's odds are the outcome model's at the point estimates,
    with the precision, consent bias and no-proposal weight given (and not the defaults)."""
    s = _two()
    model = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}
    got = simulate(to_arrays(s), 20, 0, models=["compromise"], space_draws=0, **model)
    expected = outcomes(s, draws=0, **model)
    fitted = outcomes(s, draws=0)
    assert not np.allclose(expected.probability, fitted.probability)
    for k, pid in enumerate(expected.candidates.ids):
        assert got.outcome_ids[k] == pid
        assert_allclose(got.probability[:, k], expected.probability[k])


def test_collision_share_matches_the_uniform_range() -> None:
    # a's red line (above its position 0) uniform on [40, 60]; b's at 50 (below 100): the
    # red lines collide exactly when a's falls below 50, half the time
    res = simulate(to_arrays(_two({"value": 50, "low": 40, "high": 60})), 4000, 1,
                   models=["compromise"], space_draws=0).to_dict()
    (col,) = res["space"]["collisions"]
    assert col["issue"] == "x" and col["actors"] == ["a", "b"]
    assert col["share"] == pytest.approx(0.5, abs=0.03)


def test_bad_arguments_are_clear_errors() -> None:
    arr = to_arrays(_two())
    with pytest.raises(ModelError, match="draws"):
        simulate(arr, 0)
    with pytest.raises(ModelError, match="seed"):
        simulate(arr, 10, -1)
    with pytest.raises(ModelError, match="unknown model"):
        simulate(arr, 10, models=["nope"])
    with pytest.raises(ModelError, match="distribution"):
        simulate(arr, 10, distribution="beta")


@pytest.mark.parametrize("loss", ["linear", "quadratic"])
def test_zone_on_every_draw_equals_the_exact_search_draw_by_draw(loss: str) -> None:
    """The screen and the packages carried from draw to draw decide the zone as the exact
    search of parley space does on each draw alone; by default every draw is decided."""
    from parley.analysis.space import zone_exists
    from parley.simulation.monte_carlo import make_plan, zone_draws
    from parley.simulation.sampling import sample

    arr = to_arrays(load_scenario("ukraine-2025").scenario)
    plan, _, _ = make_plan(arr, 60, 0, models=FAST, loss=loss)
    draws = sample(arr, 60, seed=11)
    veto = list(plan.veto)
    got = zone_draws(draws, veto, plan.screen, loss)
    members = [arr.actors[a] for a in veto]
    want = [zone_exists(draws.at(d), members, loss) for d in range(60)]
    np.testing.assert_array_equal(got, want)
    # with a screen that decides nothing, the exact search and carried packages alone
    far = np.full((1, arr.n_issues), -1e6)
    np.testing.assert_array_equal(zone_draws(draws, veto, far, loss), want)
    data = simulate(arr, 300, 0, models=["compromise"], loss=loss).to_dict()
    assert data["space"]["zone_draws"] == 300
