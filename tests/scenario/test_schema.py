"""Tests of the scenario schema's validation rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from parley.scenario.schema import Estimate, Scenario

BASE: dict[str, Any] = {
    "title": "t",
    "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 2}],
    "issues": [{"id": "x", "scale": {"min": 0, "max": 10}, "points": {0: "none", 10: "all"}}],
    "stances": {
        "a": {"x": {"position": 1, "salience": 0.5, "red_line": 5, "no_deal": 0}},
        "b": {"x": {"position": 9, "salience": {"value": 0.7, "low": 0.5, "high": 0.9}}},
    },
    "packages": [{"id": "p", "name": "P", "positions": {"x": 5}}],
    "channels": [{"id": "c", "name": "C", "actors": ["a", "b"]}],
    "levers": [
        {
            "id": "l",
            "name": "L",
            "actor": "a",
            "changes": [{"actor": "b", "field": "salience", "issue": "x", "set": 0.1}],
        }
    ],
    "veto_players": ["a", "b"],
}


def _with(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node: Any = data
    parts = path.split(".")
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


def test_base_is_valid() -> None:
    s = Scenario.model_validate(BASE)
    assert s.actor_ids == ["a", "b"]
    assert s.stance("b", "x").salience.bounds() == (0.5, 0.9)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("stances.a.x.salience", 1.5, "salience must lie between 0 and 1"),
        ("stances.a.x.position", 11, "outside the issue's scale"),
        ("stances.a.x.position", float("nan"), "finite"),
        ("stances.a.x.position", float("inf"), "finite"),
        ("stances.a.x.position", "abc", "valid number"),
        ("stances.zz", {"x": {"position": 1, "salience": 1}}, "unknown actor 'zz'"),
        ("stances.a.y", {"position": 1, "salience": 1}, "unknown issue 'y'"),
        ("actors.1", {"id": "a", "capability": 1}, "duplicate id 'a'"),
        ("actors.0", {"id": "a", "capability": -1}, "capability must be positive"),
        ("packages.0.positions", {}, "gives no position on x"),
        ("channels.0.actors", ["a", "q"], "unknown actor 'q'"),
        ("veto_players", ["nobody"], "unknown actor 'nobody'"),
        ("issues.0.scale", {"min": 5, "max": 5}, "must be below max"),
        ("issues.0.points", {20: "far"}, "outside the scale"),
    ],
)
def test_invalid_inputs_are_named(path: str, value: Any, expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(_with(path, value))
    assert expected in str(info.value)


def test_issue_without_stances_is_an_error() -> None:
    data = copy.deepcopy(BASE)
    data["issues"].append({"id": "y"})
    data["packages"][0]["positions"]["y"] = 1
    with pytest.raises(ValidationError, match="no actor has a stance"):
        Scenario.model_validate(data)


def test_estimate_range_must_contain_value() -> None:
    with pytest.raises(ValidationError, match="low"):
        Estimate.model_validate({"value": 1, "low": 2})
    with pytest.raises(ValidationError, match="high"):
        Estimate.model_validate({"value": 1, "high": 0})
    with pytest.raises(ValidationError, match="boolean"):
        Estimate.model_validate(True)


def test_change_needs_exactly_one_action() -> None:
    bad = _with(
        "levers.0.changes",
        [{"actor": "b", "field": "salience", "issue": "x", "set": 0.1, "shift": 0.1}],
    )
    with pytest.raises(ValidationError, match="exactly one"):
        Scenario.model_validate(bad)


def test_unknown_field_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Scenario.model_validate(_with("stances.a.x.salence", 0.3))


def _lever_change(change: dict[str, Any], key: str = "changes") -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["levers"][0][key] = [change]
    return data


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        ({"actor": "a", "field": "capability", "scale": 2, "when": "refuses"}, "changes",
         "must be unconditional"),
        ({"actor": "a", "field": "no_deal", "issue": "x", "set": 1, "when": "accepts"},
         "changes", "cannot be 'when: accepts'"),
        ({"actor": "a", "field": "outcome", "issue": "x", "set": 1}, "changes",
         "needs 'when: accepts'"),
        ({"actor": "a", "field": "position", "issue": "x", "set": 11}, "changes",
         "outside the issue's scale"),
        ({"actor": "a", "field": "salience", "issue": "x", "set": 1.5}, "changes",
         "salience must lie between 0 and 1"),
        ({"actor": "b", "field": "red_line", "issue": "x", "shift": 1}, "changes",
         "has no red_line"),
        ({"actor": "a", "field": "salience", "issue": "x", "scale": -1}, "changes", ">= 0"),
        ({"actor": "a", "field": "salience", "issue": "x", "set": 0.1, "when": "sometimes"},
         "changes", "when"),
        ({"actor": "b", "field": "no_deal", "issue": "x", "set": 1, "when": "refuses"}, "cost",
         "falls on the lever's own actor"),
    ],
)
def test_lever_changes_are_checked(change: dict[str, Any], key: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        Scenario.model_validate(_lever_change(change, key))


def test_old_lever_files_stay_valid_and_default_to_always() -> None:
    s = Scenario.model_validate(BASE)
    assert s.levers[0].changes[0].when == "always"
    assert s.levers[0].cost == [] and s.levers[0].kind == "what-if"
    ok = _lever_change({"actor": "a", "field": "no_deal", "issue": "x", "set": 3,
                        "when": "refuses"}, "cost")
    assert Scenario.model_validate(ok).levers[0].cost[0].when == "refuses"
