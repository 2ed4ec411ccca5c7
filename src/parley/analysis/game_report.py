"""``parley game`` as plain data: a scenario's game solved at the point estimates and over
Monte Carlo draws of its uncertain inputs, with intervals and a robustness table.

The solvers are in :mod:`parley.analysis.game` (Kuhn 1953; Selten 1965, 1975; McKelvey &
Palfrey 1998). This module only assembles them:

1. the game is compiled, levers named in ``without`` are removed from it (every move leading
   to a leaf that carries one out), and the leaves' payoffs are computed at the point
   estimates and for each draw (triangular draws on ``[low, value, high]`` of every uncertain
   input, one seeded generator, :func:`parley.simulation.sampling.sample_cells`; chance
   probabilities with ranges are drawn the same way and renormalised);
2. the subgame-perfect equilibrium (SPE) is reported at the point estimates; the logit agent
   QRE's leaf and package probabilities are means over the draws (the point estimates when
   ``draws = 0``), each with its 90% interval (5th and 95th percentiles over the draws);
3. *robustness*: each headline conclusion (the equilibrium path, each move on it, each
   threat that sustains it, as found at the point estimates; the likeliest leaf, package and
   agreement by the reported QRE probabilities) with the share of draws in which it holds,
   and whether it holds at the point estimates for logit precision 5, 10 and 20 and for
   linear and quadratic loss. Below 70% of draws it is
   *fragile*.

Departures: the robustness table is computed here for the game's own conclusions, in the
format of ``parley outcomes``' robustness section; an *agreement* is a package that needs the
consent of every veto player (:func:`parley.analysis.players.package_parties`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.analysis import game as g
from parley.analysis.players import package_parties, veto_players
from parley.analysis.utility import LOSSES
from parley.errors import ModelError, ParleyError
from parley.random import make_rng
from parley.scenario.arrays import ScenarioArrays
from parley.scenario.schema import Game, GameLeaf, GameNode, Lever

__all__ = [
    "DEFAULT_GAME_DRAWS",
    "DEFAULT_QRE_PRECISION",
    "FRAGILE_BELOW",
    "NO_AGREEMENT",
    "ROBUSTNESS_PRECISIONS",
    "game_efg",
    "game_report",
    "remove_levers",
]

DEFAULT_GAME_DRAWS = 1000
DEFAULT_QRE_PRECISION = 10.0
"""Logit precision of the agent QRE (set by hand; not the outcome model's fitted precision:
the game's payoffs and the outcome model's consent choices are different logits)."""
FRAGILE_BELOW = 0.7
"""A conclusion holding in a smaller share of draws than this is fragile (issue 14, part 6)."""
ROBUSTNESS_PRECISIONS = (5.0, 10.0, 20.0)
NO_AGREEMENT = "no_agreement"
"""Key of the leaves without a package in ``qre.packages``."""
_INTERVAL = (5.0, 95.0)


def _lever_id(text: str, levers: Sequence[Lever]) -> str:
    """The id of the lever of ``levers`` named ``LEVER`` or ``ACTOR.LEVER``."""
    from parley.whatif import lever_by_ref

    try:
        return lever_by_ref(levers, text).id
    except ParleyError as exc:
        raise ModelError(str(exc).replace("--lever", "--without", 1)) from None


def remove_levers(game: Game, levers: Sequence[str]) -> Game:
    """The game without every move leading to a leaf that carries out one of ``levers``
    (and without any node left with no moves, and the moves leading to it)."""
    gone = {lf.id for lf in game.leaves if set(lf.levers) & set(levers)}
    nodes = {n.id: n for n in game.nodes}
    changed = True
    while changed:
        changed = False
        for nid, node in list(nodes.items()):
            moves = [mv for mv in node.moves if mv.to not in gone]
            if not moves:
                gone.add(nid)
                del nodes[nid]
                changed = True
            elif len(moves) != len(node.moves):
                nodes[nid] = node.model_copy(update={"moves": moves})
                changed = True
    if game.root in gone:
        raise ModelError("removing " + ", ".join(levers) + " leaves the game no moves")
    reached: set[str] = set()
    stack = [game.root]
    while stack:
        nid = stack.pop()
        reached.add(nid)
        stack.extend(mv.to for mv in nodes[nid].moves if mv.to in nodes)
        reached.update(mv.to for mv in nodes[nid].moves)
    kept_nodes: list[GameNode] = [n for n in nodes.values() if n.id in reached]
    kept_leaves: list[GameLeaf] = [lf for lf in game.leaves if lf.id in reached]
    return game.model_copy(update={"nodes": kept_nodes, "leaves": kept_leaves})


@dataclass(frozen=True)
class _Solved:
    payoffs: np.ndarray  # (..., L, n)
    spe: g.SPE
    qre: g.QRE


def _overrides(tree: g.GameTree, game: Game) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Override values, lows and highs ``(L, n)``, NaN where the payoff is computed."""
    shape = (len(tree.leaf_ids), len(tree.actors))
    val, lo, hi = (np.full(shape, np.nan) for _ in range(3))
    aidx = {a: i for i, a in enumerate(tree.actors)}
    for k, leaf in enumerate(game.leaves):
        for aid, est in leaf.payoffs.items():
            val[k, aidx[aid]] = est.value
            lo[k, aidx[aid]], hi[k, aidx[aid]] = est.bounds()
    return val, lo, hi


class _Model:
    """The compiled game with everything needed to solve it under a setting."""

    def __init__(
        self, arrays: ScenarioArrays, levers: Sequence[Lever], game: Game, loss: str
    ) -> None:
        self.game = game
        self.arrays = arrays
        self.tree = g.compile_game(game, self.arrays.actors)
        self.packages, self.changes = g.game_inputs(arrays, levers, self.tree)
        self.loss = loss
        self.override, self.override_lo, self.override_hi = _overrides(self.tree, game)

    def payoffs(self, arrays: ScenarioArrays, loss: str, override: np.ndarray) -> np.ndarray:
        u = g.leaf_payoffs(self.tree, arrays, self.packages, self.changes, loss)
        return np.where(np.isnan(override), u, override)

    def solve(
        self,
        arrays: ScenarioArrays,
        loss: str,
        precision: float,
        override: np.ndarray,
        chance: dict[int, np.ndarray] | None = None,
    ) -> _Solved:
        pay = self.payoffs(arrays, loss, override)
        return _Solved(
            pay,
            g.backward_induction(self.tree, pay, chance),
            g.agent_qre(self.tree, pay, precision, chance),
        )


def _draw_chance(
    tree: g.GameTree, draws: int, rng: np.random.Generator
) -> dict[int, np.ndarray]:
    from parley.simulation.sampling import triangular_draws

    out: dict[int, np.ndarray] = {}
    for k, b in enumerate(tree.chance_bounds):
        p = tree.chance[k]
        if b is None or p is None:
            continue
        x = triangular_draws(rng, b[0], p, b[1], draws)
        total = x.sum(axis=-1, keepdims=True)
        out[k] = np.divide(x, total, out=np.full_like(x, 1.0 / x.shape[-1]), where=total > 0)
    return out


def _package_matrix(tree: g.GameTree) -> tuple[list[str], np.ndarray]:
    keys: list[str] = []
    for pid in tree.leaf_package:
        key = NO_AGREEMENT if pid is None else pid
        if key not in keys:
            keys.append(key)
    M = np.zeros((len(tree.leaf_ids), len(keys)))
    for k, pid in enumerate(tree.leaf_package):
        M[k, keys.index(NO_AGREEMENT if pid is None else pid)] = 1.0
    return keys, M


Conclusion = tuple[str, Callable[[_Solved], np.ndarray]]


def _conclusions(
    model: _Model, point: _Solved, agreements: list[str], leaf_p: np.ndarray
) -> list[Conclusion]:
    """Headline conclusions, each as a test that works on solutions with any leading axes:
    those of the SPE read off the point-estimate solution, those of the QRE off the reported
    leaf probabilities ``leaf_p`` (the means over the draws)."""
    tree = model.tree
    N = tree.n_nodes
    keys, M = _package_matrix(tree)
    path_nodes, leaf = g.follow(tree, point.spe.choice, 0)
    out: list[Conclusion] = []

    path = " -> ".join(f"{tree.mover(k)} {tree.move_ids[k][point.spe.choice[k]]}"
                       for k in path_nodes)
    out.append((f"equilibrium path: {path} (leaf {tree.leaf_ids[leaf]})",
                lambda s: g.spe_reach(tree, s.spe.choice)[..., N + leaf]))
    for k in path_nodes:
        if tree.player[k] < 0:
            continue
        j0 = int(point.spe.choice[k])
        out.append((f"{tree.mover(k)} plays {tree.move_ids[k][j0]} at {tree.node_ids[k]}",
                    lambda s, k=k, j0=j0: s.spe.choice[..., k] == j0))
    for t in g.threats(tree, point.spe):
        k = tree.node_ids.index(str(t["node"]))
        p = int(tree.player[k])
        j = tree.move_ids[k].index(str(t["deviation"]))
        child = tree.children[k][j]
        resp = [(tree.node_ids.index(r["node"]), tree.move_ids[tree.node_ids.index(r["node"])]
                 .index(r["move"])) for r in t["response"]]  # type: ignore[attr-defined]
        said = ", ".join(f"{r['player']} {r['move']}" for r in t["response"])  # type: ignore[attr-defined]

        def holds(s: _Solved, k: int = k, p: int = p, child: int = child,
                  resp: list[tuple[int, int]] = resp) -> np.ndarray:
            ok = s.spe.value[..., child, p] < s.spe.value[..., k, p] - g.TIE_TOL
            for n, m in resp:
                ok = ok & (s.spe.choice[..., n] == m)
            return ok

        out.append((f"threat: if {t['player']} plays {t['deviation']} at {t['node']}, "
                    f"then {said}, and {t['player']} loses by it", holds))
    lv = int(np.argmax(leaf_p))
    out.append((f"likeliest leaf (QRE): {tree.leaf_ids[lv]}",
                lambda s: np.argmax(s.qre.leaves, axis=-1) == lv))
    pk = int(np.argmax(leaf_p @ M))
    out.append((f"likeliest package (QRE): {keys[pk]}",
                lambda s: np.argmax(s.qre.leaves @ M, axis=-1) == pk))
    cols = [keys.index(a) for a in agreements if a in keys]
    if cols:
        best = cols[int(np.argmax((leaf_p @ M)[cols]))]
        out.append((f"likeliest agreement (QRE): {keys[best]}",
                    lambda s: np.asarray(cols)[
                        np.argmax((s.qre.leaves @ M)[..., cols], axis=-1)] == best))
    return out


def _agreements(model: _Model) -> list[str]:
    """Packages of the game that need the consent of every veto player (a deal of all the
    parties, :func:`parley.analysis.players.package_parties`)."""
    pids = [p for p in dict.fromkeys(model.tree.leaf_package) if p is not None]
    if not pids:
        return []
    P = np.stack([model.packages[p] for p in pids])
    veto, _ = veto_players(model.arrays)
    parties = package_parties(model.arrays, P, veto)
    return [p for p, pp in zip(pids, parties, strict=True)
            if len(veto) >= 2 and set(veto) <= set(pp.parties)]


def _red_lines(model: _Model) -> dict[str, list[str]]:
    """Per leaf with a package: the actors (among the players) whose red lines it crosses at
    the point estimates. Red lines do not enter the payoffs; this only reports them."""
    from parley.analysis.utility import crosses_red_line

    tree = model.tree
    ks = [k for k, p in enumerate(tree.leaf_package) if p is not None]
    if not ks:
        return {}
    P = np.stack([model.packages[tree.leaf_package[k]] for k in ks])  # type: ignore[index]
    crossed = crosses_red_line(P, model.arrays)
    players = set(tree.players)
    return {tree.leaf_ids[k]: [a for a, c in zip(tree.actors, crossed[r], strict=True)
                               if c and a in players] for r, k in enumerate(ks)}


def _interval(x: np.ndarray) -> list[float]:
    lo, hi = np.percentile(x, _INTERVAL, axis=0)
    return [float(lo), float(hi)]


def game_report(
    arrays: ScenarioArrays,
    game: Game | None,
    name: str,
    *,
    levers: Sequence[Lever] = (),
    loss: str = "linear",
    precision: float = DEFAULT_QRE_PRECISION,
    draws: int = DEFAULT_GAME_DRAWS,
    seed: int | None = 0,
    without: Sequence[str] = (),
    pulled: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything ``parley game`` reports (see the module docstring) for the scenario's
    ``arrays``, its ``game`` and its ``levers`` (which the leaves carry out; ``without`` names
    some to remove). Without a game: ``{"scenario", "spe": None, "qre": None, "message"}``.

    ``pulled`` names levers pulled with ``--lever`` (:func:`parley.whatif.apply`): their
    unconditional changes are already in the ``arrays``' numbers; their threats and promises
    do not enter the payoffs (a game states conditional moves as moves), which a note says."""
    from parley.simulation.sampling import sample_cells, triangular_draws

    if loss not in LOSSES:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise ModelError(f"draws must be a whole number >= 0, got {draws!r}")
    if not np.isfinite(precision) or precision < 0:
        raise ModelError(f"precision must be a finite number >= 0, got {precision!r}")
    if game is None:
        return {"scenario": name, "spe": None, "qre": None,
                "message": "this scenario declares no game (add a 'game:' section; see "
                "docs/game.md)"}
    removed = [_lever_id(t, levers) for t in without]
    carried = {lid for lf in game.leaves for lid in lf.levers}
    for lid in removed:
        if lid not in carried:
            raise ModelError(f"lever {lid!r} is not carried out at any leaf of the game")
    game = remove_levers(game, removed) if removed else game
    model = _Model(arrays, levers, game, loss)
    tree = model.tree
    point = model.solve(model.arrays, loss, precision, model.override)
    keys, M = _package_matrix(tree)

    # draws
    if draws > 0:
        rng = make_rng(seed)
        sampled = sample_cells(model.arrays, draws, rng)
        ov = triangular_draws(rng, np.nan_to_num(model.override_lo),
                         np.nan_to_num(model.override), np.nan_to_num(model.override_hi),
                         draws)
        ov = np.where(np.isnan(model.override), np.nan, ov)
        drawn = model.solve(sampled, loss, precision, ov, _draw_chance(tree, draws, rng))
        leafP = drawn.qre.leaves  # (D, L)
    else:
        drawn = None
        leafP = point.qre.leaves[None, :]
    pkgP = leafP @ M

    # robustness
    settings: dict[str, _Solved] = {}
    for lam in ROBUSTNESS_PRECISIONS:
        settings[f"precision={lam:g}"] = model.solve(model.arrays, loss, lam, model.override)
    for lo in LOSSES:
        settings[f"loss={lo}"] = model.solve(model.arrays, lo, precision, model.override)
    robustness = []
    conclusions = _conclusions(model, point, _agreements(model),
                               leafP.mean(axis=0))
    for text, test in conclusions:
        share = float(np.mean(test(drawn))) if drawn is not None else float(test(point))
        robustness.append({
            "conclusion": text,
            "holds_share": share,
            "holds_under": {k: bool(test(s)) for k, s in settings.items()},
            "fragile": share < FRAGILE_BELOW,
        })

    path, leaf = g.spe_path(tree, point.spe.choice)
    leaf_k = tree.leaf_ids.index(leaf)
    strategies: dict[str, dict[str, str]] = {}
    for k in range(tree.n_nodes):
        if tree.player[k] >= 0:
            strategies.setdefault(tree.mover(k), {})[tree.node_ids[k]] = \
                tree.move_ids[k][int(point.spe.choice[k])]
    players = tree.players
    pidx = [tree.actors.index(a) for a in players]
    overridden = {
        tree.leaf_ids[k]: [tree.actors[a] for a in np.flatnonzero(~np.isnan(model.override[k]))]
        for k in range(len(tree.leaf_ids)) if (~np.isnan(model.override[k])).any()
    }
    return {
        "scenario": name,
        "players": players,
        "spe": {
            "path": path,
            "leaf": leaf,
            "package": tree.leaf_package[leaf_k],
            "strategies": strategies,
            "threats": g.threats(tree, point.spe),
            "payoffs": {a: float(point.payoffs[leaf_k, i]) for a, i in zip(players, pidx,
                                                                          strict=True)},
            "share_of_draws": float(np.mean(
                g.spe_reach(tree, drawn.spe.choice)[..., tree.n_nodes + leaf_k]
            )) if drawn is not None else 1.0,
        },
        "qre": {
            "precision": float(precision),
            "leaves": {lid: float(v) for lid, v in zip(tree.leaf_ids, leafP.mean(axis=0),
                                                      strict=True)},
            "packages": {pid: float(v) for pid, v in zip(keys, pkgP.mean(axis=0),
                                                        strict=True)},
            "intervals": {
                "leaves": {lid: _interval(leafP[:, k]) for k, lid in enumerate(tree.leaf_ids)},
                "packages": {pid: _interval(pkgP[:, k]) for k, pid in enumerate(keys)},
            },
            "moves": {
                tree.node_ids[k]: {m: float(v) for m, v in zip(
                    tree.move_ids[k], point.qre.moves[k], strict=True)}
                for k in range(tree.n_nodes)
            },
            "at_point_estimates": {
                lid: float(v) for lid, v in zip(tree.leaf_ids, point.qre.leaves, strict=True)
            },
        },
        "payoffs": {
            lid: {a: float(point.payoffs[k, i]) for a, i in zip(players, pidx, strict=True)}
            for k, lid in enumerate(tree.leaf_ids)
        },
        "overrides": overridden,
        "red_lines_crossed": _red_lines(model),
        "robustness": robustness,
        "notes": [
            f"lever {lid}: its unconditional changes are applied; its threats and promises "
            "do not enter the game's payoffs (the game's own moves carry them out)"
            for lid in pulled
        ],
        "model": {
            "loss": loss,
            "precision": float(precision),
            "draws": draws,
            "seed": seed,
            "without": removed,
            "citation": "extensive form (Kuhn 1953); subgame perfection by backward induction "
            "(Selten 1965, 1975); logit agent quantal response equilibrium (McKelvey & "
            "Palfrey 1998)",
        },
    }



def game_efg(
    arrays: ScenarioArrays,
    game: Game | None,
    name: str,
    *,
    levers: Sequence[Lever] = (),
    loss: str = "linear",
    without: Sequence[str] = (),
) -> str:
    """The scenario's ``game`` (levers in ``without`` removed) in Gambit's ``.efg`` format,
    with the payoffs at the point estimates of ``arrays``
    (:func:`parley.analysis.efg.write_efg`)."""
    from parley.analysis.efg import write_efg

    if game is None:
        raise ModelError("this scenario declares no game: nothing to write")
    removed = [_lever_id(t, levers) for t in without]
    game = remove_levers(game, removed) if removed else game
    model = _Model(arrays, levers, game, loss)
    pay = model.payoffs(model.arrays, loss, model.override)
    comment = f"parley game of {name} ({loss} loss, payoffs at the point estimates)"
    return write_efg(model.tree, pay, name, comment)
