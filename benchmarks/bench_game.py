"""Benchmarks of ``parley game``'s analysis: the built-in game over Monte Carlo draws, and a
large random game (depth 8, 3 moves per node: 3,280 nodes, 6,561 leaves) solved for 1,000
payoff draws at once.

Run with ``pytest benchmarks/bench_game.py --benchmark-only`` (not collected by the normal
test run). Fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from parley.analysis import game as g
from parley.games import game_report
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Game


@pytest.mark.parametrize("draws", [0, 1000, 10_000])
def test_builtin_game_report(benchmark: pytest.FixtureRequest, draws: int) -> None:
    s = load_scenario("ukraine-2025").scenario
    r = benchmark(game_report, s, "ukraine-2025", draws=draws, seed=0)
    assert r["spe"] is not None


def _tree(depth: int, branching: int, players: int) -> Game:
    nodes: list[dict] = []
    leaves: list[dict] = []

    def build(d: int) -> str:
        if d == depth:
            leaves.append({"id": f"l{len(leaves)}"})
            return leaves[-1]["id"]
        node = {"id": f"n{len(nodes)}", "player": f"p{d % players}", "moves": []}
        nodes.append(node)
        node["moves"] = [{"id": f"m{j}", "to": build(d + 1)} for j in range(branching)]
        return node["id"]

    root = build(0)
    return Game.model_validate({"root": root, "nodes": nodes, "leaves": leaves})


def test_large_random_game_1000_draws(benchmark: pytest.FixtureRequest) -> None:
    tree = g.compile_game(_tree(8, 3, 3), ("p0", "p1", "p2"))
    pay = np.random.default_rng(0).uniform(-1, 1, (1000, len(tree.leaf_ids), 3))

    def solve() -> None:
        g.backward_induction(tree, pay)
        g.agent_qre(tree, pay, 10.0)

    benchmark(solve)
