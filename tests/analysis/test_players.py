"""Tests of parley.analysis.players: veto players, issue controllers, package parties."""

from __future__ import annotations

import numpy as np

from parley.analysis.players import candidate_packages, package_parties, veto_players
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario


def make(caps: dict[str, float], veto: list[str] | None = None, channels=(), specific=None):
    """Issues x (actor-level capabilities) and s (issue-specific: `specific` gives them)."""
    stances = {}
    for a in caps:
        sx = {"position": 0, "salience": 1, "no_deal": 50}
        ss = {"position": 0, "salience": 1, "no_deal": 50}
        if specific is not None:
            ss["capability"] = specific[a]
        stances[a] = {"x": sx, "s": ss}
    return Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": a, "capability": c} for a, c in caps.items()],
            "issues": [{"id": "x"}, {"id": "s"}],
            "stances": stances,
            "veto_players": veto,
            "channels": [{"id": f"c{k}", "name": "c", "actors": list(ch)}
                         for k, ch in enumerate(channels)],
        }
    )


def test_default_veto_players() -> None:
    # shares 0.5, 0.3, 0.2: only a can block a 2/3 majority alone (share > 1/3)
    ids, how = veto_players(to_arrays(make({"a": 5, "b": 3, "c": 2})))
    assert ids == ["a"] and "33%" in how
    # 0.25 each: nobody alone; the two largest (file order on ties) exceed 1/3 together
    ids, _ = veto_players(to_arrays(make({"a": 1, "b": 1, "c": 1, "d": 1})))
    assert ids == ["a", "b"]
    ids, how = veto_players(to_arrays(make({"a": 1, "b": 1}, veto=["b"])))
    assert ids == ["b"] and how == "declared in the scenario"


def test_package_parties_rules() -> None:
    s = make(
        {"a": 1, "b": 1, "c": 1},
        veto=["a", "b", "c"],
        channels=[("a", "b"), ("a", "b", "c")],
        specific={"a": 90, "b": 5, "c": 5},
    )
    arr = to_arrays(s)
    P = np.array(
        [
            [50, 50],  # nothing moves: status quo
            [50, 100],  # moves s only: a controls it alone -> unilateral
            [100, 50],  # moves x: no issue-specific capability, every veto player -> plenary
        ],
        dtype=float,
    )
    pp = package_parties(arr, P)
    assert [p.forum for p in pp] == ["status quo", "unilateral", "c1"]
    assert pp[1].parties == ["a"]
    assert pp[2].parties == ["a", "b", "c"]
    # with b holding a blocking share on s, moving s needs a and b: the channel (a, b)
    s2 = make({"a": 1, "b": 1, "c": 1}, veto=["a", "b", "c"], channels=[("a", "b")],
              specific={"a": 50, "b": 45, "c": 5})
    pp2 = package_parties(to_arrays(s2), P)
    assert pp2[1].forum == "c0" and pp2[1].parties == ["a", "b"]
    # no channel holding everyone: the plenary
    s3 = make({"a": 1, "b": 1, "c": 1}, veto=["a", "b", "c"])
    assert package_parties(to_arrays(s3), P)[2].forum == "plenary"


def test_candidates_without_packages() -> None:
    s = make({"a": 3, "b": 1})
    c = candidate_packages(to_arrays(s))
    assert c.ids == ["compromise", "median"] and c.note
    assert c.positions.shape == (2, 2)
