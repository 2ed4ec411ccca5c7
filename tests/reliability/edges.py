"""Scenarios at the numeric edges, built in code (``tests/reliability/test_numeric_edges.py``).

Each builder returns the scenario as a plain mapping (what a YAML file holds), so a test can
write it to a file and run a command on it. The shared base: ``n`` actors, two issues on 0-100
(or on ``scale``), one package, a channel, a lever and a two-move game.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def base(
    n: int = 3,
    positions: list[list[float]] | None = None,
    saliences: list[list[float]] | None = None,
    capabilities: list[float] | None = None,
    scale: tuple[float, float] = (0.0, 100.0),
    red_lines: bool = True,
    game: bool = True,
    seed: int = 0,
) -> dict[str, Any]:
    """A valid scenario with ``n`` actors a0, a1, ... on issues x and y."""
    lo, hi = scale
    rng = np.random.default_rng(seed)
    if positions is None:
        positions = (lo + (hi - lo) * rng.random((n, 2))).tolist()
    if saliences is None:
        saliences = np.round(0.2 + 0.8 * rng.random((n, 2)), 3).tolist()
    if capabilities is None:
        capabilities = np.round(1 + 9 * rng.random(n), 3).tolist()
    ids = [f"a{k}" for k in range(n)]
    mid = lo + 0.5 * (hi - lo)
    stances: dict[str, Any] = {}
    for k, a in enumerate(ids):
        stances[a] = {}
        for i, iid in enumerate(("x", "y")):
            p = float(positions[k][i])
            st: dict[str, Any] = {"position": p, "salience": float(saliences[k][i])}
            if red_lines and k < 2:
                # the first two actors: a red line a quarter of the scale away, on the far side
                # from the centre, clipped to the scale; a no-deal point at the centre
                away = 0.25 * (hi - lo) * (1 if p < mid else -1)
                st["red_line"] = float(min(hi, max(lo, p + away)))
                st["no_deal"] = float(mid)
            stances[a][iid] = st
    data: dict[str, Any] = {
        "title": f"edge case, {n} actors",
        "actors": [
            {"id": a, "capability": float(c)} for a, c in zip(ids, capabilities, strict=True)
        ],
        "issues": [
            {"id": "x", "scale": {"min": lo, "max": hi}, "points": {lo: "low", hi: "high"}},
            {"id": "y", "scale": {"min": lo, "max": hi}},
        ],
        "stances": stances,
        "packages": [
            {"id": "middle", "name": "Middle", "positions": {"x": mid, "y": mid}},
            {"id": "low_end", "name": "Low end", "positions": {"x": lo, "y": lo}},
        ],
        "channels": [{"id": "all", "name": "All", "actors": ids}],
        "levers": [
            {
                "id": "push",
                "name": "Push",
                "actor": ids[0],
                "changes": [
                    {"actor": ids[-1], "field": "position", "issue": "x", "set": float(lo)}
                ],
            }
        ],
    }
    if game:
        data["game"] = {
            "root": "start",
            "nodes": [
                {
                    "id": "start",
                    "player": ids[0],
                    "moves": [
                        {"id": "offer", "to": "deal"},
                        {"id": "walk", "to": "none"},
                    ],
                }
            ],
            "leaves": [{"id": "deal", "package": "middle"}, {"id": "none"}],
        }
    return data
