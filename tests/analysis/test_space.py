"""Tests of parley.analysis.space: red-line ranges, collisions, zone search, concessions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.analysis.space import agreement_space
from parley.analysis.utility import acceptable, surplus
from parley.errors import ModelError
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scenario(stances: dict, issues: list[str] = ("x",)) -> Scenario:
    actors = sorted(stances)
    return Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": a, "capability": 1} for a in actors],
            "issues": [{"id": i} for i in issues],
            "stances": stances,
        }
    )


def test_one_issue_hand_worked() -> None:
    # a at 0, b at 100, both salience 1, no deal at 50 for both: every x gives one of them
    # less than 50 -> no zone; with no-deal at 0 for b (it fares badly without a deal), the
    # zone is x in (0, 50) and the max-min point equalises gains: -(x)+0.5 = x - 0 -> x = 25
    s = scenario({"a": {"x": {"position": 0, "salience": 1, "no_deal": 50}},
                  "b": {"x": {"position": 100, "salience": 1, "no_deal": 50}}})
    r = agreement_space(to_arrays(s), ["a", "b"])
    assert not r.zone.exists
    assert r.zone.min_surplus == pytest.approx(0.0, abs=1e-9)
    s = scenario({"a": {"x": {"position": 0, "salience": 1, "no_deal": 50}},
                  "b": {"x": {"position": 100, "salience": 1, "no_deal": 0}}})
    r = agreement_space(to_arrays(s), ["a", "b"])
    assert r.zone.exists
    assert r.zone.package[0] == pytest.approx(25.0)
    assert r.zone.min_surplus == pytest.approx(0.25)


def test_collision_and_concession() -> None:
    # red lines: a accepts at most 30, b at least 60 -> collision, gap 30; the status quo 0
    # is a's and b's no-deal point, admissible as it stands (b's red line excludes it, but it
    # is where b stands).
    s = scenario({"a": {"x": {"position": 0, "salience": 1, "red_line": 30, "no_deal": 0}},
                  "b": {"x": {"position": 100, "salience": 1, "red_line": 60, "no_deal": 0}}})
    r = agreement_space(to_arrays(s), ["a", "b"])
    assert r.red_line_range == [None]
    assert [(c.issue, c.actors, c.gap) for c in r.collisions] == [("x", ("a", "b"), 30.0)]
    assert r.as_is == [[(0.0, 5.0)]]  # within SQ_TOL (5% of the scale) of the no-deal point
    assert not r.settlement.exists and not r.zone.exists
    moves = {(c["actor"], c["kind"]): c for c in r.concessions}
    # b dropping its red line to 30 opens x in (0, 30]: a loses, so still no zone for a;
    # the BATNA concession of a: best for a with b >= 0 is x = 0 -> a needs 0 concession
    # but 0 is not > 0: amount 0
    assert moves[("a", "batna")]["amount"] == pytest.approx(0.0, abs=1e-9)
    assert moves[("b", "red_line")]["amount"] == pytest.approx(30.0)


def test_unknown_members_and_loss() -> None:
    s = scenario({"a": {"x": {"position": 0, "salience": 1}}})
    with pytest.raises(ModelError):
        agreement_space(to_arrays(s), ["zz"])
    with pytest.raises(ModelError):
        agreement_space(to_arrays(s), ["a"], loss="cubic")
    with pytest.raises(ModelError):
        agreement_space(to_arrays(s), [])


def _grid_maximin(arr, members, loss, steps=41):
    idx = [arr.actors.index(a) for a in members]
    axes = [np.linspace(lo, hi, steps) for lo, hi in zip(arr.lower, arr.upper, strict=True)]
    P = np.array(list(itertools.product(*axes)))
    S = surplus(P, arr, loss)[:, idx]
    from parley.analysis.utility import crosses_red_line

    ok = ~crosses_red_line(P, arr)[:, idx].any(axis=1)
    return np.where(ok, S.min(axis=1), -np.inf).max()


@FAST
@given(st.data(), st.sampled_from(["linear", "quadratic"]))
def test_search_matches_brute_force(data: st.DataObject, loss: str) -> None:
    """The LP / SLSQP max-min is at least as good as a dense grid and never better than
    the true optimum by more than the grid's resolution allows."""
    pos = st.integers(0, 20).map(lambda k: 5.0 * k)
    stances = {}
    for a in ("a", "b", "c"):
        stances[a] = {}
        for i in ("x", "y"):
            stance = {"position": data.draw(pos), "salience": data.draw(st.sampled_from(
                [0.2, 0.5, 1.0])), "no_deal": data.draw(pos)}
            if data.draw(st.booleans()):
                stance["red_line"] = data.draw(pos)
            stances[a][i] = stance
    arr = to_arrays(scenario(stances, ["x", "y"]))
    r = agreement_space(arr, ["a", "b", "c"], loss)
    grid = _grid_maximin(arr, ["a", "b", "c"], loss)
    if r.zone.min_surplus is None:
        assert grid == -np.inf or grid <= 1e-9
        return
    assert r.zone.min_surplus >= grid - 1e-6
    if r.zone.exists:
        ok = acceptable(r.zone.package[None], arr, loss)[0]
        assert ok.all()
