"""Lever semantics: what-ifs change the numbers, threats only the refuser's payoff, promises
only the accepter's."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from parley.analysis.levers import (
    apply_changes,
    compile_changes,
    conditional_surplus,
    expected_utility,
    lever_changes,
    threat_credibility,
)
from parley.analysis.utility import batna_utility, package_utility
from parley.odds import outcomes
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Change, Lever, Scenario
from tests.strategies import scenarios

# Three actors on two issues 0-100. "t" threatens "r": if r refuses, sanctions (issue s) go to
# 0, which r (position 100) hates and u (position 0) would like.
BASE: dict[str, Any] = {
    "title": "three",
    "actors": [
        {"id": "t", "capability": 4},
        {"id": "r", "capability": 3},
        {"id": "u", "capability": 2},
    ],
    "issues": [{"id": "s"}, {"id": "c"}],
    "stances": {
        "t": {"s": {"position": 60, "salience": 0.5, "no_deal": 25},
              "c": {"position": 100, "salience": 0.8, "no_deal": 0}},
        "r": {"s": {"position": 100, "salience": 0.8, "no_deal": 25},
              "c": {"position": 20, "salience": 0.6, "no_deal": 0}},
        "u": {"s": {"position": 0, "salience": 0.6, "no_deal": 25},
              "c": {"position": 80, "salience": 0.9, "no_deal": 0}},
    },
    "packages": [
        {"id": "pause", "name": "pause", "positions": {"s": 40, "c": 50}},
        {"id": "nothing", "name": "nothing", "positions": {"s": 25, "c": 0}},
    ],
    "veto_players": ["t", "r", "u"],
    "levers": [
        {"id": "sanction", "name": "sanctions", "actor": "t",
         "changes": [{"actor": "r", "field": "no_deal", "issue": "s", "set": 0,
                      "when": "refuses"}],
         "cost": [{"actor": "t", "field": "no_deal", "issue": "s", "set": 0,
                   "when": "refuses"}]},
        {"id": "relief", "name": "relief", "actor": "t",
         "changes": [{"actor": "r", "field": "outcome", "issue": "s", "set": 100,
                      "when": "accepts"}]},
        {"id": "whatif", "name": "what-if", "actor": "t",
         "changes": [{"actor": "r", "field": "no_deal", "issue": "s", "set": 0}]},
    ],
}


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.model_validate(BASE)


def lever(s: Scenario, lid: str) -> Lever:
    return next(lv for lv in s.levers if lv.id == lid)


def test_threat_changes_only_the_refusers_batna(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    P = np.array([[40.0, 50.0], [25.0, 0.0]])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    S, _ = conditional_surplus(P, arr, [lever(scenario, "sanction")])
    diff = S - base
    # r's surplus rises by exactly its loss from sanctions 25 -> 0 (salience 0.8, 25 points)
    assert_allclose(diff[:, 1], 0.8 * 0.25)
    # u's BATNA is not touched although u would like sanctions at 0; t bears the cost
    assert_allclose(diff[:, 2], 0.0)
    assert_allclose(diff[:, 0], 0.5 * (60 - 0) / 100 - 0.5 * (60 - 25) / 100)


def test_unconditional_lever_changes_everyones_world_through_the_status_quo(
    scenario: Scenario,
) -> None:
    """The old reading (a what-if on r's no-deal point) is still available, and is different."""
    data = copy.deepcopy(BASE)
    for who in ("t", "u"):
        del data["stances"][who]["s"]["no_deal"]
    s = Scenario.model_validate(data)
    arr = to_arrays(s)
    P = np.array([[40.0, 50.0]])
    S_threat, _ = conditional_surplus(P, arr, [lever(s, "sanction")])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    # as a threat, u's imputed no-deal point stays the unchanged status quo
    assert_allclose(S_threat[:, 2], base[:, 2])
    compiled = compile_changes(lever(s, "whatif").changes, arr.actors, arr.issues)
    what_if = apply_changes(arr, compiled)
    S_whatif = package_utility(P, what_if) - batna_utility(what_if)[None, :]
    # as a what-if, r's new no-deal point moves the status quo u falls back on
    assert not np.allclose(S_whatif[:, 2], base[:, 2])


def test_promise_changes_only_the_accepters_deal_payoff(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    P = np.array([[40.0, 50.0], [25.0, 0.0]])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    S, _ = conditional_surplus(P, arr, [lever(scenario, "relief")])
    diff = S - base
    # r gets sanctions at 100 (its position) whatever the package: its loss on s vanishes
    assert_allclose(diff[:, 1], 0.8 * np.abs(P[:, 0] - 100) / 100)
    assert_allclose(diff[:, [0, 2]], 0.0)


def test_outcomes_levers_parameter_uses_the_threat(scenario: Scenario) -> None:
    base = outcomes(scenario, draws=0)
    threat = outcomes(scenario, draws=0, levers=["t.sanction"])
    k = base.candidates.ids.index("pause")
    assert threat.surplus[k, 1] > base.surplus[k, 1]
    assert threat.surplus[k, 2] == pytest.approx(base.surplus[k, 2])
    assert threat.probability[k] > base.probability[k]
    assert any("in force: sanction" in n for n in threat.notes)


def test_builtin_sanctions_threat_changes_only_russias_refusal_payoff() -> None:
    """The bug of issue 14: the US threat of sanctions on Russia raised Ukraine's and Europe's
    BATNA, so they started blocking the ceasefire."""
    s = load_scenario("ukraine-2025").scenario
    arr = to_arrays(s)
    P = np.array([[p.positions[i] for i in arr.issues] for p in s.packages])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    threat = lever(s, "us-large-scale-sanctions")
    ids = [p.id for p in s.packages]
    S, _ = conditional_surplus(P, arr, [threat], package_ids=ids)
    idx = {a: i for i, a in enumerate(arr.actors)}
    for who in ("ukraine", "europe", "china", "mediators"):
        assert_allclose(S[:, idx[who]], base[:, idx[who]], err_msg=who)
    tied = np.array([pid in (threat.packages or ids) for pid in ids])
    assert tied.any() and (S[tied, idx["russia"]] > base[tied, idx["russia"]]).all()
    assert_allclose(S[~tied, idx["russia"]], base[~tied, idx["russia"]])
    r = outcomes(s, draws=0, levers=["usa.us-large-scale-sanctions"]).to_dict()
    b = outcomes(s, draws=0).to_dict()
    for new, old in zip(r["outcomes"], b["outcomes"], strict=True):
        for who in ("ukraine", "europe"):
            assert new["surplus"][who] == pytest.approx(old["surplus"][who])
            assert (who in new["blocked_by"]) == (who in old["blocked_by"])


@settings(max_examples=30, deadline=None)
@given(
    draws=st.integers(1, 4),
    shift=st.floats(-30, 30),
    factor=st.floats(0.1, 2.0),
    seed=st.integers(0, 2**16),
)
def test_apply_changes_broadcasts_over_draws(draws: int, shift: float, factor: float,
                                             seed: int) -> None:
    s = Scenario.model_validate(BASE)
    arr = to_arrays(s)
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (draws, arr.n_actors, arr.n_issues))
    stacked = arr.with_values(position=pos)
    changes = [
        Change(actor="r", field="position", issue="s", shift=shift),
        Change(actor="r", field="position", issue="s", scale=factor),
        Change(actor="u", field="salience", issue="c", set=0.2),
    ]
    c = compile_changes(changes, arr.actors, arr.issues)
    out = apply_changes(stacked, c)
    for d in range(draws):
        one = apply_changes(arr.with_values(position=pos[d]), c)
        assert_allclose(out.position[d], one.position)
    expected = np.clip((pos[:, 1, 0] + shift) * factor, 0, 100)
    assert_allclose(out.position[:, 1, 0], expected)
    assert_allclose(out.position[:, [0, 2], :], pos[:, [0, 2], :])
    assert_allclose(out.salience[..., 2, 1], 0.2)


def test_capability_change_renormalises() -> None:
    s = Scenario.model_validate(BASE)
    arr = to_arrays(s)
    c = compile_changes([Change(actor="t", field="capability", scale=0.5)], arr.actors,
                        arr.issues)
    out = apply_changes(arr, c)
    assert_allclose(out.capability.sum(axis=0), 1.0)
    assert_allclose(out.capability[:, 0], np.array([2, 3, 2]) / 7)
    raw = np.array([[4.0, 4.0], [3.0, 3.0], [2.0, 2.0]])
    out = apply_changes(arr, compile_changes(
        [Change(actor="t", field="capability", set=1.0)], arr.actors, arr.issues), raw)
    assert_allclose(out.capability[:, 0], np.array([1, 3, 2]) / 6)
    assert_allclose(out.raw_capability[:, 0], [1, 3, 2])
    # the arrays carry the raw capabilities themselves (the array contract): same result
    assert_allclose(arr.raw_capability, raw)
    out = apply_changes(arr, compile_changes(
        [Change(actor="t", field="capability", set=1.0)], arr.actors, arr.issues))
    assert_allclose(out.capability[:, 0], np.array([1, 3, 2]) / 6)


def test_threat_credibility_compares_own_no_deal_worlds(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    without, carried = threat_credibility(arr, lever(scenario, "sanction"))
    # t's position on s is 60: sanctions at 0 instead of 25 cost it 0.5 * 25/100
    assert float(without - carried) == pytest.approx(0.5 * 0.25)
    data = copy.deepcopy(BASE)
    data["stances"]["t"]["s"]["position"] = 0  # now t wants sanctions: carrying out pays
    s2 = Scenario.model_validate(data)
    without, carried = threat_credibility(to_arrays(s2), lever(s2, "sanction"))
    assert carried > without


def test_expected_utility_is_the_probability_weighted_sum() -> None:
    p = np.array([0.2, 0.3])
    u = np.array([[-1.0, -2.0], [-0.5, 0.0]])
    b = np.array([-3.0, -1.0])
    assert_allclose(expected_utility(p, 0.5, u, b), [0.2 * -1 + 0.3 * -0.5 - 1.5,
                                                      0.2 * -2 + 0 - 0.5])


def test_lever_changes_selects_by_world(scenario: Scenario) -> None:
    lv = lever(scenario, "sanction")
    assert len(lever_changes([lv], "refuses")) == 2
    assert lever_changes([lv], "accepts") == []
    assert lv.kind == "threat" and lever(scenario, "relief").kind == "promise"
    assert lever(scenario, "whatif").kind == "what-if"


def test_levers_tie_to_their_packages(scenario: Scenario) -> None:
    data = copy.deepcopy(BASE)
    data["levers"][0]["packages"] = ["pause"]
    s = Scenario.model_validate(data)
    arr = to_arrays(s)
    P = np.array([[40.0, 50.0], [25.0, 0.0]])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    S, _ = conditional_surplus(P, arr, [lever(s, "sanction")], package_ids=["pause", "nothing"])
    assert S[0, 1] > base[0, 1]
    assert_allclose(S[1], base[1])
    data["levers"][0]["packages"] = ["nowhere"]
    with pytest.raises(Exception, match="unknown package 'nowhere'"):
        Scenario.model_validate(data)


@settings(max_examples=40, deadline=None)
@given(s=scenarios(full=False), data=st.data())
def test_a_threat_or_promise_changes_only_the_actor_it_names(s: Scenario, data: st.DataObject
                                                              ) -> None:
    """Whatever the scenario (here without no-deal points, so every BATNA is imputed), a
    conditional change of one actor's numbers leaves every other actor's surplus alone."""
    arr = to_arrays(s)
    a, i = data.draw(st.sampled_from([(a, i) for a, per in s.stances.items() for i in per]))
    sc = s.issues[arr.issues.index(i)].scale
    value = data.draw(st.floats(sc.min, sc.max))
    field, when = data.draw(st.sampled_from(
        [("no_deal", "refuses"), ("position", "refuses"), ("outcome", "accepts"),
         ("salience", "accepts")]))
    if field == "salience":
        value = data.draw(st.floats(0, 1))
    lv = Lever(id="l", name="l", actor=s.actor_ids[0],
               changes=[Change(actor=a, field=field, issue=i, set=value, when=when)])
    P = np.array([[x.scale.min + data.draw(st.floats(0, 1)) * (x.scale.max - x.scale.min)
                   for x in s.issues] for _ in range(3)])
    base = package_utility(P, arr) - batna_utility(arr)[None, :]
    S, _ = conditional_surplus(P, arr, [lv])
    others = [k for k, b in enumerate(arr.actors) if b != a]
    assert_allclose(S[:, others], base[:, others], atol=1e-12)
