"""The array contract: ScenarioArrays carries everything models and analysis need."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from parley.analysis.players import package_parties, veto_players, veto_rule
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import builtin_names, load_scenario
from parley.scenario.schema import Scenario

DATA = {
    "title": "t",
    "actors": [
        {"id": "a", "name": "A", "capability": {"value": 2, "low": 1, "high": 3}},
        {"id": "b", "capability": 6},
    ],
    "issues": [
        {"id": "x", "title": "X", "points": {0: "none", 100: "all"}},
        {"id": "y", "scale": {"min": -1, "max": 1}},
    ],
    "stances": {
        "a": {"x": {"position": 10, "salience": 1}, "y": {"position": 0, "salience": 0.5,
                                                         "capability": 4}},
        "b": {"x": {"position": 90, "salience": {"value": 0.5, "low": 0.2, "high": 0.9,
                                                 "dist": "truncnormal", "sd": 0.1}}},
    },
    "packages": [{"id": "p", "name": "P", "positions": {"x": 50, "y": 0}}],
    "channels": [{"id": "c", "name": "C", "actors": ["b", "a"]}],
    "veto_players": ["b", "a"],
}


def test_everything_is_in_the_arrays() -> None:
    arr = to_arrays(Scenario.model_validate(DATA))
    assert_allclose(arr.actor_capability, [2, 6])
    assert_allclose(arr.raw_capability, [[2, 4], [6, 0]])
    assert arr.specific.tolist() == [[False, True], [False, False]]
    assert_allclose(arr.capability, [[0.25, 1.0], [0.75, 0.0]])
    assert arr.package_ids == ("p",) and arr.package_names == ("P",)
    assert_allclose(arr.packages, [[50, 0]])
    assert arr.channel_ids == ("c",) and arr.channels.tolist() == [[True, True]]
    assert arr.veto == ("b", "a") and arr.veto_index == (1, 0)
    assert arr.veto_rule == "declared in the scenario"
    assert arr.actor_names == ("A", "b") and arr.issue_titles == ("X", "y")
    assert arr.points[0] == {0.0: "none", 100.0: "all"}
    assert arr.dist["salience"][1, 0] == "truncnormal" and arr.dist["salience"][0, 0] == ""
    assert arr.sd["salience"][1, 0] == 0.1 and np.isnan(arr.sd["salience"][0, 0])
    assert arr.draws is None


def test_players_from_arrays_follow_the_scenario() -> None:
    """The arrays carry what the players' rules need: the declared veto players (or the
    blocking rule on the file's capabilities), and the packages' parties with them."""
    for name in builtin_names():
        s = load_scenario(name).scenario
        arr = to_arrays(s)
        cap = [a.capability.value for a in s.actors]
        idx, how = veto_rule(s.actor_ids, cap, s.veto_players)
        assert veto_players(arr) == ([s.actor_ids[a] for a in idx], how)
        P = arr.packages if arr.packages.size else np.vstack([arr.lower, arr.upper])
        assert package_parties(arr, P) == package_parties(arr, P, veto_players(arr)[0])
        assert arr.channel_members == tuple(tuple(c.actors) for c in s.channels)


def test_empty_packages_and_channels_have_their_shapes() -> None:
    data = {k: v for k, v in DATA.items() if k not in ("packages", "channels", "veto_players")}
    arr = to_arrays(Scenario.model_validate(data))
    assert arr.packages.shape == (0, 2) and arr.channels.shape == (0, 2)
    assert arr.veto_rule and arr.veto == ("b",) and arr.veto_index == (1,)
