"""Gambit's extensive-form game format (``.efg``, version 2): writing a game, reading one back.

The format is that of the Gambit project (McKelvey, McLennan & Turocy, *Gambit: Software
Tools for Game Theory*, "Game representation formats"): a header
``EFG 2 R "title" { "player 1" "player 2" ... }`` and a comment string, then the nodes in
pre-order, one per line:

* ``p "name" PLAYER INFOSET "infoset name" { "move" ... } OUTCOME`` -- a decision node;
* ``c "name" INFOSET "infoset name" { "move" PROB ... } OUTCOME`` -- a chance node;
* ``t "name" OUTCOME "outcome name" { PAYOFF, PAYOFF, ... }`` -- a leaf.

Players and information sets are numbered from 1; outcome 0 means "no outcome". parley's
games have perfect information, so every decision node gets an information set of its own,
and each leaf an outcome of its own carrying the players' payoffs. Only the actors who move
are Gambit players.

Departures: payoffs are written as decimals, chance probabilities as rationals that sum to
exactly 1 (Gambit insists on it); node labels are parley's node and leaf ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from parley.analysis.game import GameTree
from parley.errors import ModelError

__all__ = ["EfgNode", "read_efg", "write_efg"]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: float) -> str:
    return repr(float(x))


def _probabilities(p: np.ndarray) -> list[str]:
    """Chance probabilities as exact rationals summing to exactly 1 (Gambit checks this)."""
    total = float(np.sum(p))
    fr = [Fraction(float(x) / total).limit_denominator(10**9) for x in p[:-1]]
    fr.append(1 - sum(fr, Fraction(0)))
    return [f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)
            for f in fr]


def write_efg(
    tree: GameTree,
    payoffs: np.ndarray,
    title: str,
    comment: str = "",
    chance: dict[int, np.ndarray] | None = None,
) -> str:
    """The game in ``.efg`` text; ``payoffs`` is ``(L, actors)`` (one draw)."""
    pay = np.asarray(payoffs, dtype=float)
    if pay.shape != (len(tree.leaf_ids), len(tree.actors)):
        raise ModelError(f"payoffs must have shape (leaves, actors), got {pay.shape}")
    players = tree.players
    pnum = {tree.actors.index(a): k + 1 for k, a in enumerate(players)}
    lines = [f"EFG 2 R {_q(title)} {{ {' '.join(_q(a) for a in players)} }}", _q(comment), ""]
    infoset = {p: 0 for p in [*pnum, -1]}
    N = tree.n_nodes

    def emit(k: int) -> None:
        if k >= N:
            leaf = k - N
            vals = ", ".join(_num(pay[leaf, a]) for a in pnum)
            lines.append(f"t {_q(tree.leaf_ids[leaf])} {leaf + 1} {_q(tree.leaf_ids[leaf])} "
                         f"{{ {vals} }}")
            return
        p = int(tree.player[k])
        infoset[p] += 1
        moves = tree.move_ids[k]
        if p < 0:
            prob = chance[k] if chance and k in chance else tree.chance[k]
            probs = _probabilities(np.asarray(prob, dtype=float))
            body = " ".join(f"{_q(m)} {x}" for m, x in zip(moves, probs, strict=True))
            lines.append(f"c {_q(tree.node_ids[k])} {infoset[p]} {_q(tree.node_ids[k])} "
                         f"{{ {body} }} 0")
        else:
            body = " ".join(_q(m) for m in moves)
            lines.append(f"p {_q(tree.node_ids[k])} {pnum[p]} {infoset[p]} "
                         f"{_q(tree.node_ids[k])} {{ {body} }} 0")
        for child in tree.children[k]:
            emit(child)

    emit(0)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ reading


@dataclass
class EfgNode:
    """A node read from an ``.efg`` file: kind ``p``, ``c`` or ``t``."""

    kind: str
    name: str
    player: int | None = None  # decision nodes: 1-based player number
    moves: list[str] = field(default_factory=list)
    probabilities: list[float] = field(default_factory=list)  # chance nodes
    payoffs: list[float] = field(default_factory=list)  # leaves
    children: list[EfgNode] = field(default_factory=list)


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([{}])|([^\s{}",]+)|,')


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group(1))))
        elif m.group(2) is not None:
            out.append((m.group(2), m.group(2)))
        elif m.group(3) is not None:
            out.append(("word", m.group(3)))
    return out


def _number(tok: str) -> float:
    try:
        return float(Fraction(tok))
    except (ValueError, ZeroDivisionError) as exc:
        raise ModelError(f"efg: expected a number, got {tok!r}") from exc


def read_efg(text: str) -> tuple[str, list[str], EfgNode]:
    """Parse ``.efg`` text: the title, the players and the root node (a tree of
    :class:`EfgNode`). Raises :class:`~parley.errors.ModelError` on malformed input."""
    toks = _tokens(text)
    pos = 0

    def take(kind: str | None = None) -> str:
        nonlocal pos
        if pos >= len(toks):
            raise ModelError("efg: unexpected end of file")
        k, v = toks[pos]
        if kind is not None and k != kind:
            raise ModelError(f"efg: expected {kind}, got {v!r}")
        pos += 1
        return v

    def group(kind: str) -> list[str]:
        take("{")
        items = []
        while toks[pos][0] != "}":
            items.append(take(kind) if kind != "any" else take())
        take("}")
        return items

    if take("word") != "EFG" or take("word") != "2" or take("word") != "R":
        raise ModelError("efg: the file must start with 'EFG 2 R'")
    title = take("str")
    players = group("str")
    take("str")  # comment

    def node() -> EfgNode:
        kind = take("word")
        name = take("str")
        if kind == "t":
            take("word")  # outcome number
            take("str")  # outcome name
            return EfgNode("t", name, payoffs=[_number(x) for x in group("word")])
        if kind == "p":
            player = int(take("word"))
            take("word")  # infoset
            if toks[pos][0] == "str":
                take("str")
            moves = group("str")
            n = EfgNode("p", name, player=player, moves=moves)
        elif kind == "c":
            take("word")
            if toks[pos][0] == "str":
                take("str")
            items = group("any")
            n = EfgNode("c", name, moves=items[0::2],
                        probabilities=[_number(x) for x in items[1::2]])
        else:
            raise ModelError(f"efg: unknown node type {kind!r}")
        if take("word") != "0":
            take("str")
            group("word")
        n.children = [node() for _ in n.moves]
        return n

    root = node()
    return title, players, root
