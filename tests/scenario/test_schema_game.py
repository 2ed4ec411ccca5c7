"""The ``game:`` section of the scenario format: references and tree shape are checked."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario


def base(game: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "t",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x"}],
        "stances": {"a": {"x": {"position": 0, "salience": 1}},
                    "b": {"x": {"position": 100, "salience": 1}}},
        "packages": [{"id": "p", "name": "p", "positions": {"x": 50}}],
        "levers": [{"id": "l", "name": "l", "actor": "a",
                    "changes": [{"actor": "b", "field": "no_deal", "issue": "x", "set": 0}]}],
        "game": game,
    }


GOOD = {
    "root": "n1",
    "nodes": [{"id": "n1", "player": "a", "moves": [{"id": "go", "to": "n2"},
                                                    {"id": "stop", "to": "end"}]},
              {"id": "n2", "player": "chance", "moves": [
                  {"id": "h", "to": "deal", "probability": 0.5},
                  {"id": "t", "to": "threat", "probability": 0.5}]}],
    "leaves": [{"id": "end"}, {"id": "deal", "package": "p"},
               {"id": "threat", "levers": ["l"], "payoffs": {"b": -1}}],
}


def test_valid_game() -> None:
    s = Scenario.model_validate(base(GOOD))
    assert s.game is not None and s.game.root == "n1"


def test_old_files_have_no_game() -> None:
    assert load_scenario("paris-2015").scenario.game is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g["nodes"][0].update(player="zz"), "unknown actor (or 'chance') 'zz'"),
        (lambda g: g.update(root="nope"), "game.root: unknown node 'nope'"),
        (lambda g: g["nodes"][0]["moves"][0].update(to="nowhere"), "unknown node or leaf"),
        (lambda g: g["leaves"][1].update(package="zz"), "unknown package 'zz'"),
        (lambda g: g["leaves"][2].update(levers=["zz"]), "unknown lever 'zz'"),
        (lambda g: g["leaves"][2].update(payoffs={"zz": 1}), "unknown actor 'zz'"),
        (lambda g: g["nodes"][1]["moves"][0].update(probability=0.2), "sum to 0.7, not 1"),
        (lambda g: g["nodes"][1]["moves"][0].pop("probability"), "needs a 'probability'"),
        (lambda g: g["nodes"][0]["moves"][0].update(probability=0.5),
         "only a chance node's moves"),
        (lambda g: g["nodes"][1]["moves"][0].update(to="end"), "reached twice"),
        (lambda g: g["nodes"][1]["moves"][0].update(to="n1"), "reached twice"),
        (lambda g: g["leaves"].append({"id": "orphan"}), "not reachable from the root: orphan"),
        (lambda g: g["leaves"].append({"id": "n1"}), "duplicate id 'n1'"),
        (lambda g: g["nodes"][0]["moves"].append({"id": "go", "to": "x2"}), "duplicate id"),
    ],
)
def test_bad_games_are_named(change: Any, message: str) -> None:
    import copy

    game = copy.deepcopy(GOOD)
    change(game)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Scenario.model_validate(base(game))
