"""The batch contract: ``ModelSpec.batch`` on draws equals ``run`` on each draw, row for row."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from parley.models.registry import MODEL_NAMES, ModelOptions, get_model, run_batch
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.simulation.sampling import sample

BATCHED = [n for n in MODEL_NAMES if get_model(n).batch is not None]


@pytest.fixture(scope="module")
def draws():  # type: ignore[no-untyped-def]
    return sample(to_arrays(load_scenario("ukraine-2025").scenario), 12, seed=4)


@pytest.mark.parametrize("name", BATCHED)
def test_batch_equals_run_on_each_draw(name: str, draws) -> None:  # type: ignore[no-untyped-def]
    spec = get_model(name)
    opts = ModelOptions(rounds=4)
    got = spec.batch(draws, opts)
    assert got.shape == (12, draws.n_issues)
    for d in range(12):
        res = spec.run(draws.at(d), opts)
        assert_allclose(got[d], [res.issues[i].position for i in draws.issues], rtol=1e-12)


def test_the_static_models_have_batch() -> None:
    assert {"compromise", "median", "ensemble"} <= set(BATCHED)


def test_run_batch_falls_back_to_a_loop_and_needs_draws(draws) -> None:  # type: ignore[no-untyped-def]
    spec = get_model("compromise")
    plain = type(spec)(spec.name, spec.title, spec.citation, spec.dynamic, spec.run)
    assert plain.batch is None
    assert_allclose(run_batch(plain, draws, ModelOptions()), spec.batch(draws, ModelOptions()))
    with pytest.raises(Exception, match="draws axis"):
        run_batch(spec, draws.at(0), ModelOptions())


def test_batch_broadcasts_an_unsampled_mask(draws) -> None:  # type: ignore[no-untyped-def]
    assert np.ndim(draws.mask) == 2 and np.ndim(draws.position) == 3


def _logroll_draws(seed: int):  # type: ignore[no-untyped-def]
    """Draws of a two-actor logroll (tests/models/test_nash_status_quo.py) with ranges, in
    which a Nash solution exists in some draws and not in others."""
    from parley.scenario.schema import Scenario

    est = {"value": 0, "low": 0, "high": 30}
    s = Scenario.model_validate(
        {
            "title": "logroll",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}, {"id": "y"}],
            "veto_players": ["a", "b"],
            "stances": {
                "a": {
                    "x": {"position": est, "salience": 1.0, "no_deal": 50, "red_line": 60},
                    "y": {"position": est, "salience": {"value": 0.2, "low": 0.1, "high": 1}},
                },
                "b": {
                    "x": {"position": 100, "salience": 0.2, "no_deal": {"value": 50, "low": 0,
                                                                       "high": 100}},
                    "y": {"position": 100, "salience": 1.0, "no_deal": 50},
                },
            },
        }
    )
    return sample(to_arrays(s), 16, seed=seed)


@pytest.mark.parametrize("name", ["veto-compromise", "nash"])
def test_batch_is_bit_identical_to_run(name: str, draws) -> None:  # type: ignore[no-untyped-def]
    """veto-compromise is elementwise; nash screens all draws at once and runs its search
    only where a solution may exist: both equal ``run`` exactly, not just to a tolerance."""
    spec = get_model(name)
    for arr in (draws, _logroll_draws(1)):
        got = spec.batch(arr, ModelOptions())
        want = [[spec.run(arr.at(d), ModelOptions()).issues[i].position for i in arr.issues]
                for d in range(arr.draws)]
        np.testing.assert_array_equal(got, want)


def test_nash_batch_runs_the_search_only_where_a_solution_may_exist(
    draws, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    from parley.models import nash_status_quo as nash

    calls: list[int] = []
    run = nash._run
    monkeypatch.setattr(nash, "_run", lambda a, o: calls.append(1) or run(a, o))
    got = nash.SPEC.batch(draws, ModelOptions())
    comp = get_model("compromise").batch(draws, ModelOptions())
    # ukraine-2025: the red lines leave no package that every actor gains from in these
    # draws, so the screen decides all of them: the compromise (summed in the model's
    # canonical actor order, hence only to rounding), no search
    assert len(calls) == 0
    assert_allclose(got, comp, rtol=1e-12)
    nash.SPEC.batch(_logroll_draws(1), ModelOptions())
    assert len(calls) == 16  # a solution may exist in every draw of the logroll: searched


def test_nash_batch_with_a_generator_seed_consumes_it_draw_by_draw(draws) -> None:  # type: ignore[no-untyped-def]
    spec = get_model("nash")
    got = spec.batch(draws, ModelOptions(seed=np.random.default_rng(5)))
    opts = ModelOptions(seed=np.random.default_rng(5))
    runs = [spec.run(draws.at(d), opts) for d in range(draws.draws)]  # one run per draw
    np.testing.assert_array_equal(got, [[r.issues[i].position for i in draws.issues]
                                        for r in runs])


def test_nash_screen_rules_out_only_packages_that_cross_a_veto_red_line(draws) -> None:  # type: ignore[no-untyped-def]
    """The batch screen errs towards feasible: a candidate it rules out crosses a veto
    player's red line by parley.analysis.utility.crosses_red_line (positions on the grid
    of 10 put many candidates at red lines and no-deal points)."""
    from parley.analysis.utility import crosses_red_line
    from parley.models import nash_status_quo as nash

    rng = np.random.default_rng(2)
    P = rng.uniform(draws.lower, draws.upper, (draws.draws, 400, draws.n_issues))
    P[:, :200] = np.round(P[:, :200] / 10) * 10
    veto = np.array([a in draws.veto for a in draws.actors])
    ruled_out = ~nash._maybe_feasible(P, draws, veto)
    assert ruled_out.any()
    for d in range(draws.draws):
        crosses = (crosses_red_line(P[d], draws.at(d)) & veto).any(axis=1)
        assert not (ruled_out[d] & ~crosses).any()
