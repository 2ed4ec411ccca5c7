"""Hypothesis strategies shared across the test suite.

``model_arrays()`` draws the numbers of a negotiation as numpy arrays (actors x issues);
``scenarios()`` draws whole validated :class:`parley.Scenario` objects; ``negotiations()``
adds red lines, no-deal points and named packages to them. Other modules may add
strategies here; keep each one documented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from parley.scenario.schema import Scenario

__all__ = [
    "ModelArrays",
    "games",
    "hostile_csv",
    "hostile_yaml",
    "model_arrays",
    "mutated",
    "negotiations",
    "scenarios",
]


@dataclass
class ModelArrays:
    """Positions (0-100), saliences (0-1) and positive capabilities, shape (actors, issues)."""

    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray


def _matrix(draw: st.DrawFn, n: int, m: int, elements: st.SearchStrategy[float]) -> np.ndarray:
    return np.array(draw(st.lists(elements, min_size=n * m, max_size=n * m))).reshape(n, m)


@st.composite
def model_arrays(
    draw: st.DrawFn,
    min_actors: int = 1,
    max_actors: int = 8,
    min_issues: int = 1,
    max_issues: int = 4,
    integer_positions: bool = False,
) -> ModelArrays:
    """Random model inputs. Positions are multiples of 5 when ``integer_positions`` is set
    (which makes ties likely, a good stress for tie rules)."""
    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(min_issues, max_issues))
    if integer_positions:
        pos = st.integers(0, 20).map(lambda k: 5.0 * k)
    else:
        pos = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    sal = st.floats(0.0, 1.0, allow_nan=False).map(lambda v: round(v, 3))
    cap = st.floats(0.01, 100.0, allow_nan=False).map(lambda v: round(v, 3))
    position = _matrix(draw, n, m, pos)
    salience = _matrix(draw, n, m, sal)
    capability = np.repeat(_matrix(draw, n, 1, cap), m, axis=1)
    return ModelArrays(position, salience, capability)


@st.composite
def scenarios(
    draw: st.DrawFn, max_actors: int = 6, max_issues: int = 4, full: bool = True
) -> Scenario:
    """Valid scenarios. With ``full`` every actor has a stance on every issue; otherwise some
    stances are left out (but each issue keeps at least one)."""
    n = draw(st.integers(1, max_actors))
    m = draw(st.integers(1, max_issues))
    ident = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
    actor_ids = draw(st.lists(ident, min_size=n, max_size=n, unique=True))
    issue_ids = draw(st.lists(ident, min_size=m, max_size=m, unique=True))
    lows = draw(st.lists(st.integers(-50, 50), min_size=m, max_size=m))
    spans = draw(st.lists(st.integers(1, 200), min_size=m, max_size=m))
    issues = [
        {"id": iid, "title": f"Issue {iid}", "scale": {"min": lo, "max": lo + sp}}
        for iid, lo, sp in zip(issue_ids, lows, spans, strict=True)
    ]
    actors = [
        {"id": aid, "name": aid.upper(), "capability": draw(st.integers(1, 1000)) / 10}
        for aid in actor_ids
    ]
    stances: dict[str, dict[str, dict[str, float]]] = {}
    for k, iid in enumerate(issue_ids):
        lo, sp = lows[k], spans[k]
        keep = [True] * n if full else draw(st.lists(st.booleans(), min_size=n, max_size=n))
        if not any(keep):
            keep[draw(st.integers(0, n - 1))] = True
        for aid, kept in zip(actor_ids, keep, strict=True):
            if not kept:
                continue
            stances.setdefault(aid, {})[iid] = {
                "position": lo + draw(st.integers(0, 100)) * sp / 100,
                "salience": draw(st.integers(0, 100)) / 100,
            }
    return Scenario.model_validate(
        {"title": "generated", "actors": actors, "issues": issues, "stances": stances}
    )


@st.composite
def games(draw: st.DrawFn, max_depth: int = 3) -> tuple[dict, list[str], np.ndarray]:
    """A random game of perfect information as a ``game:`` mapping (nodes, leaves, root),
    its players and random leaf payoffs ``(leaves, players)`` in [-1, 1]; chance nodes have
    fixed probabilities."""
    players = [f"p{k}" for k in range(draw(st.integers(1, 3)))]
    nodes: list[dict] = []
    leaves: list[dict] = []

    def build(depth: int) -> str:
        if depth >= max_depth or (depth > 0 and draw(st.booleans())):
            lid = f"leaf{len(leaves)}"
            leaves.append({"id": lid})
            return lid
        nid = f"node{len(nodes)}"
        node: dict = {"id": nid, "moves": []}
        nodes.append(node)
        chance = depth > 0 and draw(st.integers(0, 4)) == 0
        node["player"] = "chance" if chance else draw(st.sampled_from(players))
        k = draw(st.integers(1, 3))
        probs = [1.0 / k] * k
        for j in range(k):
            move = {"id": f"m{j}", "to": build(depth + 1)}
            if chance:
                move["probability"] = probs[j]
            node["moves"].append(move)
        return nid

    root = build(0)
    pay = np.array(draw(st.lists(st.floats(-1, 1, allow_nan=False), min_size=len(leaves) *
                                 len(players), max_size=len(leaves) * len(players))))
    return {"root": root, "nodes": nodes, "leaves": leaves}, players, pay.reshape(
        len(leaves), len(players))


# -- hostile text for the readers' fuzz tests ---------------------------------------------
_YAML_BITS = [
    ":", ": ", "- ", "\n", "  ", "\t", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!", "? ",
    "|", ">", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "~", "null", "1e999", ".nan",
    "2025-02-30", "0x1f", "0o7", "1_000", "9" * 40, "title", "actors", "issues", "stances",
    "id", "position", "salience", "capability", "veto_players", "levers", "\x00", "\ufeff",
    "\x1b[31m", "[/]", "\u202e",
]
_CSV_BITS = [
    "#A", "#P", "#M", "#D", "#O", "#/", "#X", ";", "\t", ",", "\n", "\r\n", "\r", '"', "'",
    " ", "a", "b", "x", "0", "1", "50", "100", "0.5", "-1", "1e400", "nan", "inf", "1,5", "\x00",
    "\ufeff", "[/]", "\x1b]0;t\x07",
]


def _pieces(bits: list[str]) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(bits), st.text(max_size=4)), max_size=60
    ).map("".join)


def hostile_yaml() -> st.SearchStrategy[str]:
    """Text built from YAML's syntax characters, scenario keys and nasty scalars."""
    return _pieces(_YAML_BITS)


def hostile_csv() -> st.SearchStrategy[str]:
    """Text built from Decide CSV record types, separators, quotes and nasty numbers."""
    return _pieces(_CSV_BITS)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits: a slice deleted, duplicated or replaced by hostile
    pieces, or two lines swapped."""
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 40)))
        how = draw(st.sampled_from(["delete", "duplicate", "insert", "swap"]))
        if how == "delete":
            text = text[:i] + text[j:]
        elif how == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif how == "insert":
            bit = draw(st.sampled_from(_YAML_BITS + _CSV_BITS))
            text = text[:i] + bit + text[j:]
        else:
            lines = text.split("\n")
            if len(lines) > 1:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                lines[a], lines[b] = lines[b], lines[a]
                text = "\n".join(lines)
    return text


@st.composite
def negotiations(draw: st.DrawFn, max_actors: int = 4, max_issues: int = 3,
                 max_packages: int = 4) -> Scenario:
    """Scenarios of :func:`scenarios` (every stance given) with red lines and no-deal points
    for some stances and 1 to ``max_packages`` named packages on a grid of each scale."""
    base = draw(scenarios(max_actors=max_actors, max_issues=max_issues))
    data = base.model_dump(exclude_none=True)
    scale = {i["id"]: (i["scale"]["min"], i["scale"]["max"]) for i in data["issues"]}

    def point(iid: str) -> float:
        lo, hi = scale[iid]
        return lo + draw(st.integers(0, 10)) * (hi - lo) / 10

    for stances in data["stances"].values():
        for iid, stance in stances.items():
            if draw(st.booleans()):
                stance["red_line"] = point(iid)
            if draw(st.booleans()):
                stance["no_deal"] = point(iid)
    k = draw(st.integers(1, max_packages))
    data["packages"] = [
        {"id": f"p{j}", "name": f"Package {j}", "positions": {iid: point(iid) for iid in scale}}
        for j in range(k)
    ]
    return Scenario.model_validate(data)
