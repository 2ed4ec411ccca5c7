"""Sequential games of the actors' moves: subgame-perfect and logit agent quantal response
equilibria.

*Extensive form* (Kuhn 1953, "Extensive games and the problem of information", in Kuhn &
Tucker (eds), *Contributions to the Theory of Games II*, Annals of Mathematics Studies 28): a
finite tree whose decision nodes each belong to one player, who chooses one of the node's
moves; at chance nodes a move is drawn with given probabilities; every leaf gives each player
a payoff. Here every node is its own information set (perfect information).

*Subgame-perfect equilibrium* (Selten 1965, "Spieltheoretische Behandlung eines
Oligopolmodells mit Nachfragetraegheit", *Zeitschrift fuer die gesamte Staatswissenschaft*
121; Selten 1975, "Reexamination of the perfectness concept for equilibrium points in
extensive games", *International Journal of Game Theory* 4): a strategy profile that is a Nash
equilibrium of every subgame. In a finite game of perfect information it is found by backward
induction (Kuhn 1953, Corollary 1), which :func:`backward_induction` carries out:

1. a leaf's value is its payoff vector ``v(l) = u(l)``;
2. a chance node's value is the probability-weighted mean of its children's,
   ``v(c) = sum_j p_j v(child_j)``;
3. at a decision node of player ``i`` the player takes the move whose child is worth most to
   it, ``j* = argmax_j v_i(child_j)``, and ``v(d) = v(child_j*)``;
4. nodes are visited children first, so every choice is optimal in its own subgame: the
   strategy prescribes a move at every node, on the equilibrium path or off it. The off-path
   moves that make a deviation from the path unprofitable are the *threats* (and promises)
   that sustain the equilibrium; they are credible by construction, since each is optimal
   for its player where it would have to be carried out.

*Logit agent quantal response equilibrium* (McKelvey & Palfrey 1998, "Quantal response
equilibria for extensive form games", *Experimental Economics* 1(1), 9-41): each node is
played by an agent of its player who chooses move ``j`` with the logit probability
``sigma_j = exp(lambda U_j) / sum_k exp(lambda U_k)``, where ``U_j`` is the player's expected
payoff of move ``j`` given the behaviour of all later agents, and ``lambda >= 0`` the precision
(``lambda = 0``: uniform choice; ``lambda -> inf``: the subgame-perfect equilibrium of a game
without ties). With perfect information, an agent's expected payoffs depend only on agents
below it, so the equilibrium is unique and one backward pass computes it
(:func:`agent_qre`): ``U_j = v_i(child_j)``, ``v(d) = sum_j sigma_j v(child_j)``. A leaf's
probability is the product of the move probabilities on its path.

*Payoffs* are the actors' utilities of each leaf's package (:mod:`parley.analysis.utility`:
salience-weighted distance losses), computed with the leaf's levers carried out; a leaf
without a package is "no agreement", worth each actor's no-deal vector. They are reported
net of each actor's utility of its no-deal vector as the scenario codes it (its surplus),
which changes no equilibrium. A scenario may override payoffs (marked in the output).

Departures: perfect information only (no information sets spanning several nodes, so no
path-following as in Gambit's ``logit`` solver, Turocy 2005, *Games and Economic Behavior*
51); the logit precision is on the utility scale of the scenario (the same ``lambda`` as
:mod:`parley.analysis.outcomes`); ties in backward induction (within ``TIE_TOL``) go to the
first move in file order; the "path" through a chance node follows its likeliest move.
A lever carried out at a leaf applies all its changes and costs, whatever their ``when``
(promised ``outcome`` changes excepted: the leaf's package says what each actor gets).

Everything is vectorised over a leading draws axis: payoffs ``(..., leaves, actors)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parley.analysis.utility import batna_utility, package_utility
from parley.errors import ModelError
from parley.scenario.arrays import ScenarioArrays
from parley.scenario.schema import CHANCE, Change, Game, Lever

__all__ = [
    "QRE",
    "SPE",
    "TIE_TOL",
    "GameTree",
    "agent_qre",
    "backward_induction",
    "carry_out",
    "compile_game",
    "follow",
    "game_inputs",
    "leaf_payoffs",
    "spe_path",
    "spe_reach",
    "threats",
]

TIE_TOL = 1e-9
"""Payoff differences below this count as ties in backward induction (first move wins)."""


@dataclass(frozen=True)
class GameTree:
    """A game as index arrays. Nodes ``0..N-1`` are decision/chance nodes in pre-order (root
    first, so every child comes after its parent); ``N..N+L-1`` are leaves."""

    node_ids: tuple[str, ...]
    leaf_ids: tuple[str, ...]
    player: np.ndarray  # (N,) actor index, -1 for chance
    children: tuple[tuple[int, ...], ...]  # per node: indices into nodes + leaves
    move_ids: tuple[tuple[str, ...], ...]
    chance: tuple[np.ndarray | None, ...]  # per node: (moves,) probabilities or None
    chance_bounds: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
    leaf_package: tuple[str | None, ...]
    leaf_levers: tuple[tuple[str, ...], ...]
    actors: tuple[str, ...]

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    def name(self, k: int) -> str:
        """Id of node or leaf ``k``."""
        return self.node_ids[k] if k < self.n_nodes else self.leaf_ids[k - self.n_nodes]

    def mover(self, k: int) -> str:
        """The actor moving at node ``k``, or ``chance``."""
        p = int(self.player[k])
        return CHANCE if p < 0 else self.actors[p]

    @property
    def players(self) -> list[str]:
        """Actors who move somewhere in the game, in actor order."""
        movers = {int(p) for p in self.player if p >= 0}
        return [a for i, a in enumerate(self.actors) if i in movers]


def compile_game(game: Game, actors: tuple[str, ...] | list[str]) -> GameTree:
    """Index arrays of a validated :class:`~parley.scenario.schema.Game`."""
    nodes = {n.id: n for n in game.nodes}
    order: list[str] = []
    stack = [game.root]
    while stack:  # pre-order, moves in file order
        nid = stack.pop()
        order.append(nid)
        stack.extend(mv.to for mv in reversed(nodes[nid].moves) if mv.to in nodes)
    leaves = [lf.id for lf in game.leaves]
    index = {nid: k for k, nid in enumerate(order)}
    index.update({lid: len(order) + k for k, lid in enumerate(leaves)})
    aidx = {a: i for i, a in enumerate(actors)}
    player, children, move_ids, chance, bounds = [], [], [], [], []
    for nid in order:
        node = nodes[nid]
        player.append(-1 if node.player == CHANCE else aidx[node.player])
        children.append(tuple(index[mv.to] for mv in node.moves))
        move_ids.append(tuple(mv.id for mv in node.moves))
        if node.player == CHANCE:
            est = [mv.probability for mv in node.moves]
            chance.append(np.array([e.value for e in est if e is not None]))
            lo, hi = zip(*(e.bounds() for e in est if e is not None), strict=True)
            bounds.append((np.array(lo), np.array(hi)))
        else:
            chance.append(None)
            bounds.append(None)
    return GameTree(
        node_ids=tuple(order),
        leaf_ids=tuple(leaves),
        player=np.array(player, dtype=int),
        children=tuple(children),
        move_ids=tuple(move_ids),
        chance=tuple(chance),
        chance_bounds=tuple(bounds),
        leaf_package=tuple(lf.package for lf in game.leaves),
        leaf_levers=tuple(tuple(lf.levers) for lf in game.leaves),
        actors=tuple(actors),
    )


# ------------------------------------------------------------------------------ payoffs


def carry_out(arrays: ScenarioArrays, changes: list[Change]) -> ScenarioArrays:
    """``arrays`` with every change applied whatever its ``when`` (a lever carried out),
    leading axes kept (:func:`parley.analysis.levers.apply_changes`)."""
    if not changes:
        return arrays
    from parley.analysis.levers import apply_changes, compile_changes

    return apply_changes(arrays, compile_changes(changes, arrays.actors, arrays.issues))


def leaf_payoffs(
    tree: GameTree,
    arrays: ScenarioArrays,
    packages: dict[str, np.ndarray],
    lever_changes: dict[str, list[Change]],
    loss: str = "linear",
) -> np.ndarray:
    """Each actor's payoff at each leaf, ``(..., leaves, actors)``: its utility of the leaf's
    package minus its utility of its own no-deal vector (the surplus of
    :func:`parley.analysis.utility.surplus`). Subtracting one constant per actor changes no
    equilibrium; it puts 0 at "no agreement" as the scenario codes it.

    ``packages`` maps package ids to position vectors ``(m,)``; ``lever_changes`` maps lever
    ids to their changes. Leaves carrying out the same levers are evaluated in one call, on the
    arrays with those levers' changes applied.
    """
    L = len(tree.leaf_ids)
    lead = np.shape(arrays.position)[:-2]
    out = np.empty((*lead, L, arrays.n_actors))
    base = batna_utility(arrays, loss)[..., None, :]
    groups: dict[tuple[str, ...], list[int]] = {}
    for k in range(L):  # leaves carrying out the same levers share one set of arrays
        groups.setdefault(tree.leaf_levers[k], []).append(k)
    for levers, ks in groups.items():
        arr = carry_out(arrays, [c for lid in levers for c in lever_changes[lid]])
        with_pkg = [k for k in ks if tree.leaf_package[k] is not None]
        if with_pkg:
            P = np.stack([packages[tree.leaf_package[k]] for k in with_pkg])  # type: ignore[index]
            out[..., with_pkg, :] = package_utility(P, arr, loss)
        without = [k for k in ks if tree.leaf_package[k] is None]
        if without:
            out[..., without, :] = batna_utility(arr, loss)[..., None, :]
    return out - base


# ------------------------------------------------------------------------------ solvers


@dataclass(frozen=True)
class SPE:
    """Backward induction: the chosen move at every node (index into the node's moves;
    at chance nodes the likeliest move) and every node's value, leading axes kept."""

    choice: np.ndarray  # (..., N) int
    value: np.ndarray  # (..., N + L, n)


def _chance_probs(tree: GameTree, k: int, chance: dict[int, np.ndarray] | None) -> np.ndarray:
    if chance is not None and k in chance:
        return chance[k]
    p = tree.chance[k]
    if p is None:  # pragma: no cover - guarded by callers
        raise ModelError(f"node {tree.node_ids[k]!r} is not a chance node")
    return p


def _chance_t(tree: GameTree, k: int, chance: dict[int, np.ndarray] | None,
              lead: tuple[int, ...]) -> np.ndarray:
    """A chance node's move probabilities with the moves first: ``(J, *lead)``."""
    w = np.asarray(_chance_probs(tree, k, chance), dtype=float)
    return np.moveaxis(np.broadcast_to(w, (*lead, len(tree.children[k]))), -1, 0)


def _values(tree: GameTree, payoffs: np.ndarray) -> np.ndarray:
    """Node-major value array ``(N + L, *lead, n)`` with the leaves filled in (node-major so
    that a node's children are one contiguous gather)."""
    lead = payoffs.shape[:-2]
    value = np.empty((tree.n_nodes + payoffs.shape[-2], *lead, payoffs.shape[-1]))
    value[tree.n_nodes:] = np.moveaxis(payoffs, -2, 0)
    return value


def backward_induction(
    tree: GameTree, payoffs: np.ndarray, chance: dict[int, np.ndarray] | None = None
) -> SPE:
    """Subgame-perfect equilibrium by backward induction (module docstring, steps 1-4).

    ``payoffs`` is ``(..., L, n)``; ``chance`` optionally maps chance nodes to drawn move
    probabilities ``(..., moves)``.
    """
    N = tree.n_nodes
    lead = payoffs.shape[:-2]
    value = _values(tree, payoffs)
    choice = np.zeros((N, *lead), dtype=int)
    for k in reversed(range(N)):
        cv = value[list(tree.children[k])]  # (J, *lead, n)
        p = int(tree.player[k])
        if p < 0:
            w = _chance_t(tree, k, chance, lead)
            value[k] = (w[..., None] * cv).sum(axis=0)
            choice[k] = np.argmax(w, axis=0)
            continue
        u = cv[..., p]  # (J, *lead)
        best = u >= u.max(axis=0) - TIE_TOL
        j = np.argmax(best, axis=0)  # first move within the tie tolerance
        choice[k] = j
        value[k] = np.take_along_axis(cv, j[None, ..., None], axis=0)[0]
    return SPE(choice=np.moveaxis(choice, 0, -1), value=np.moveaxis(value, 0, -2))


@dataclass(frozen=True)
class QRE:
    """Logit agent QRE: each node's move probabilities, each node's value and each leaf's
    probability of being reached, leading axes kept."""

    moves: tuple[np.ndarray, ...]  # per node: (..., moves)
    value: np.ndarray  # (..., N + L, n)
    leaves: np.ndarray  # (..., L)


def agent_qre(
    tree: GameTree,
    payoffs: np.ndarray,
    precision: float,
    chance: dict[int, np.ndarray] | None = None,
) -> QRE:
    """The logit agent quantal response equilibrium (McKelvey & Palfrey 1998) of a game of
    perfect information, by one backward pass; see the module docstring."""
    if not np.isfinite(precision) or precision < 0:
        raise ModelError(f"precision must be a finite number >= 0, got {precision!r}")
    N = tree.n_nodes
    lead = payoffs.shape[:-2]
    value = _values(tree, payoffs)
    sigma: list[np.ndarray] = [np.empty(0)] * N  # per node: (J, *lead)
    for k in reversed(range(N)):
        cv = value[list(tree.children[k])]
        p = int(tree.player[k])
        if p < 0:
            w = _chance_t(tree, k, chance, lead)
        else:
            z = precision * cv[..., p]
            z = z - z.max(axis=0)
            e = np.exp(z)
            w = e / e.sum(axis=0)
        sigma[k] = w
        value[k] = (w[..., None] * cv).sum(axis=0)
    reach = np.zeros((N + payoffs.shape[-2], *lead))
    reach[0] = 1.0
    for k in range(N):  # pre-order: a parent's reach is known before its children's
        reach[list(tree.children[k])] = reach[k][None] * sigma[k]
    return QRE(
        moves=tuple(np.moveaxis(w, 0, -1) for w in sigma),
        value=np.moveaxis(value, 0, -2),
        leaves=np.moveaxis(reach[N:], 0, -1),
    )


# ------------------------------------------------------------------------------ reading


def follow(tree: GameTree, choice: np.ndarray, start: int) -> tuple[list[int], int]:
    """Nodes visited from ``start`` following ``choice`` (one draw), and the leaf reached."""
    nodes: list[int] = []
    k = start
    while k < tree.n_nodes:
        nodes.append(k)
        k = tree.children[k][int(choice[k])]
    return nodes, k - tree.n_nodes


def spe_reach(tree: GameTree, choice: np.ndarray) -> np.ndarray:
    """True where a node or leaf lies on the equilibrium path, ``(..., N + L)``, for choices
    ``(..., N)`` with any leading axes."""
    N = tree.n_nodes
    ch = np.moveaxis(choice, -1, 0)
    reach = np.zeros((N + len(tree.leaf_ids), *ch.shape[1:]), dtype=bool)
    reach[0] = True
    for k in range(N):  # pre-order
        for j, child in enumerate(tree.children[k]):
            reach[child] = reach[k] & (ch[k] == j)
    return np.moveaxis(reach, 0, -1)


def spe_path(tree: GameTree, choice: np.ndarray) -> tuple[list[dict[str, str]], str]:
    """The equilibrium path ``[{"player", "move", "node"}]`` and its leaf, for one draw."""
    nodes, leaf = follow(tree, choice, 0)
    path = [
        {"player": tree.mover(k), "move": tree.move_ids[k][int(choice[k])],
         "node": tree.node_ids[k]}
        for k in nodes
    ]
    return path, tree.leaf_ids[leaf]


def threats(tree: GameTree, spe: SPE) -> list[dict[str, object]]:
    """The off-path moves that sustain the equilibrium (one draw: no leading axes).

    For each decision node on the path and each move its player does not take, the other
    players' equilibrium moves in the subgame that move would open, with the deviator's
    payoff there and on the path. Deviations leading straight to a leaf, or met only by the
    deviator's own later moves, involve no one else's move and are not listed.
    """
    out: list[dict[str, object]] = []
    path, _ = follow(tree, spe.choice, 0)
    for k in path:
        p = int(tree.player[k])
        if p < 0:
            continue
        chosen = int(spe.choice[k])
        for j, child in enumerate(tree.children[k]):
            if j == chosen:
                continue
            nodes, leaf = follow(tree, spe.choice, child)
            response = [
                {"player": tree.mover(n), "move": tree.move_ids[n][int(spe.choice[n])],
                 "node": tree.node_ids[n]}
                for n in nodes if int(tree.player[n]) != p
            ]
            if not any(r["player"] != CHANCE for r in response):
                continue
            out.append({
                "node": tree.node_ids[k],
                "player": tree.actors[p],
                "deviation": tree.move_ids[k][j],
                "response": response,
                "leaf": tree.leaf_ids[leaf],
                "payoff": float(spe.value[tree.n_nodes + leaf, p]),
                "equilibrium_payoff": float(spe.value[k, p]),
            })
    return out


def game_inputs(
    arrays: ScenarioArrays, levers: Sequence[Lever], tree: GameTree
) -> tuple[dict[str, np.ndarray], dict[str, list[Change]]]:
    """The packages (position vectors in issue order, from ``arrays.packages``) and lever
    changes (changes and costs, from ``levers``) a game's leaves refer to."""
    P = np.zeros((0, arrays.n_issues)) if arrays.packages is None else arrays.packages
    packages = {
        pid: np.array(P[k], dtype=float)
        for k, pid in enumerate(arrays.package_ids) if pid in tree.leaf_package
    }
    wanted = {lid for lv in tree.leaf_levers for lid in lv}
    changes = {lv.id: [*lv.changes, *lv.cost] for lv in levers if lv.id in wanted}
    return packages, changes
