"""The agreement space: which packages every veto player prefers to no deal.

The zone of possible agreement (ZOPA; Raiffa 1982, *The Art and Science of Negotiation*,
Harvard UP, ch. 4 and 11) of a group of actors is the set of packages ``x`` that cross none of
their red lines and give each of them more than its BATNA: ``u_a(x) > u_a(b_a)`` for all ``a``
(utilities of :mod:`parley.analysis.utility`). parley searches the whole issue space, not only
the named packages:

1. Per issue, the admissible values are the intersection of the members' red-line half-lines
   (the *red-line range*) plus any member's no-deal point that no member's red line excludes
   (an issue may be left where it stands; see :mod:`parley.analysis.utility`).
2. For every combination of per-issue options (the red-line range, or one of the admissible
   no-deal points), the max-min problem ``max_x min_a (u_a(x) - u_a(b_a))`` is solved: with
   linear loss it is a linear programme (city-block distances by the usual epigraph variables;
   scipy's HiGHS), with quadratic loss a smooth convex programme (SLSQP). The best ``t*`` over
   the combinations is the largest surplus the worst-off member can be given.
3. A zone exists iff ``t* > 0``; the maximiser is reported as a package in the zone.
4. The *settlement* zone is the same search with every issue inside the red-line range (no
   issue left as it stands): the zone of a comprehensive settlement.
5. *Red-line collisions*: pairs of members whose red lines on an issue exclude each other.
6. *Smallest concession*: for each member ``a``, the largest surplus it can get while every
   other member keeps a surplus of at least 0 (same programmes, objective ``u_a``); if it is
   negative, ``a`` would have to accept that much less than its BATNA to open a zone. For each
   collision, moving one side's red line to the other's opens the issue's red-line range; the
   move is reported in scale units with whether it opens a zone.

Units: every search runs on the arrays mapped onto the reference scale 0-100
(:func:`parley.scenario.arrays.reference_scale`; the identity on a 0-100 scale) and the
packages, ranges and red-line gaps are mapped back, so the solvers' coefficients and the
tolerance ``_EPS`` are the same whatever the unit of an issue's scale (a budget in euros or in
billions); utilities are in shares of the scale and need no mapping.

When the combinations exceed ``MAX_COMBINATIONS``, only the all-red-line-range and
all-as-it-stands combinations and those changing one issue from the former are searched, and
the result says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import optimize

from parley.analysis.utility import SQ_TOL, _check_loss, batna_utility, batna_vector, status_quo
from parley.errors import ModelError
from parley.scenario.arrays import (
    REFERENCE_WIDTH,
    ScenarioArrays,
    from_reference,
    reference_scale,
)

__all__ = [
    "MAX_COMBINATIONS",
    "Collision",
    "SpaceResult",
    "Zone",
    "agreement_space",
    "collision_matrix",
    "zone_exists",
    "zone_search",
]

MAX_COMBINATIONS = 4096
_EPS = 1e-9


@dataclass(frozen=True)
class Collision:
    """Two actors whose red lines on an issue leave no common value."""

    issue: str
    actors: tuple[str, str]
    gap: float
    """How far apart the two red lines are, in scale units."""


@dataclass
class Zone:
    """The result of a max-min search."""

    exists: bool
    min_surplus: float | None
    package: np.ndarray | None
    surplus: np.ndarray | None
    left_as_is: list[str] = field(default_factory=list)
    reference_package: np.ndarray | None = None
    """:attr:`package` on the reference scale 0-100, as the search found it (for searches that
    start from it on that scale; :func:`parley.scenario.arrays.reference_scale`)."""


@dataclass
class SpaceResult:
    """The agreement space of one group of actors."""

    group: str
    actors: list[str]
    issues: list[str]
    red_line_range: list[tuple[float, float] | None]
    as_is: list[list[tuple[float, float]]]
    status_quo: np.ndarray
    collisions: list[Collision]
    zone: Zone
    settlement: Zone
    concessions: list[dict[str, Any]]
    approximate: bool = False
    settlement_moves: dict[str, Any] | None = None

    @property
    def smallest_concession(self) -> dict[str, Any] | None:
        """The cheapest concession that opens a zone (a BATNA concession is preferred; a red
        line move only if no BATNA concession can), or None if a zone exists already."""
        if self.zone.exists:
            return None
        batna = [c for c in self.concessions if c["kind"] == "batna" and c["opens_zone"]]
        if batna:
            return min(batna, key=lambda c: c["amount"])
        red = [c for c in self.concessions if c["kind"] == "red_line" and c["opens_zone"]]
        return min(red, key=lambda c: c["amount"]) if red else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""

        def zone(z: Zone) -> dict[str, Any]:
            return {
                "exists": z.exists,
                "min_surplus": None if z.min_surplus is None else float(z.min_surplus),
                "package": None
                if z.package is None
                else {i: float(x) for i, x in zip(self.issues, z.package, strict=True)},
                "surplus": None
                if z.surplus is None
                else {a: float(s) for a, s in zip(self.actors, z.surplus, strict=True)},
                "left_as_is": z.left_as_is,
            }

        return {
            "group": self.group,
            "actors": self.actors,
            "issues": {
                iid: {
                    "red_line_range": None
                    if self.red_line_range[i] is None
                    else [float(v) for v in self.red_line_range[i]],
                    "as_it_stands": [[float(a), float(b)] for a, b in self.as_is[i]],
                    "status_quo": float(self.status_quo[i]),
                }
                for i, iid in enumerate(self.issues)
            },
            "collisions": [
                {"issue": c.issue, "actors": list(c.actors), "gap": float(c.gap)}
                for c in self.collisions
            ],
            "zone": zone(self.zone),
            "settlement": zone(self.settlement),
            "concessions": self.concessions,
            "smallest_concession": self.smallest_concession,
            "settlement_concession": self.settlement_moves,
            "approximate": self.approximate,
        }


# ----------------------------------------------------------------------------- per issue


def _half_lines(arrays: ScenarioArrays, members: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(n_members, m) lower and upper bounds each member's red line allows."""
    lo = np.broadcast_to(arrays.lower, (len(members), arrays.n_issues)).astype(float).copy()
    hi = np.broadcast_to(arrays.upper, (len(members), arrays.n_issues)).astype(float).copy()
    red = arrays.red_line[members]
    pos = arrays.position[members]
    has = arrays.mask[members] & ~np.isnan(red)
    up = has & (red >= pos)  # red line above the position: values above it are out
    down = has & (red <= pos)
    hi = np.where(up, red, hi)
    lo = np.where(down, red, lo)
    return lo, hi


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + _EPS:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _intersect(
    xs: list[tuple[float, float]], ys: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    out = []
    for a, b in xs:
        for c, d in ys:
            lo, hi = max(a, c), min(b, d)
            if lo <= hi + _EPS:
                out.append((lo, max(lo, hi)))
    return _merge(out)


def _issue_options(
    arrays: ScenarioArrays, members: list[int], lo: np.ndarray, hi: np.ndarray
) -> tuple[list[tuple[float, float] | None], list[list[tuple[float, float]]]]:
    """Per issue: the red-line range (or None) and the other admissible intervals, those
    reached only by leaving the issue within ``SQ_TOL`` of some member's no-deal point."""
    width = arrays.upper - arrays.lower
    b = batna_vector(arrays)[members]
    ranges: list[tuple[float, float] | None] = []
    as_is: list[list[tuple[float, float]]] = []
    for i in range(arrays.n_issues):
        r_lo, r_hi = lo[:, i].max(), hi[:, i].min()
        rng = (float(r_lo), float(r_hi)) if r_lo <= r_hi + _EPS else None
        ranges.append(rng)
        full = [(float(arrays.lower[i]), float(arrays.upper[i]))]
        admissible = full
        tol = SQ_TOL * width[i]
        for g in range(len(members)):
            if not arrays.mask[members[g], i]:
                continue
            home = (max(b[g, i] - tol, arrays.lower[i]), min(b[g, i] + tol, arrays.upper[i]))
            own = _merge([(float(lo[g, i]), float(hi[g, i])), (float(home[0]), float(home[1]))])
            admissible = _intersect(admissible, own)
        extra = admissible if rng is None else _subtract(admissible, rng)
        as_is.append(extra)
    return ranges, as_is


def _subtract(
    xs: list[tuple[float, float]], r: tuple[float, float]
) -> list[tuple[float, float]]:
    """The parts of the intervals ``xs`` outside ``r`` (closed at their ends)."""
    out = []
    for a, b in xs:
        if a < r[0] - _EPS:
            out.append((a, min(b, r[0])))
        if b > r[1] + _EPS:
            out.append((max(a, r[1]), b))
    return out


def _collisions(
    arrays: ScenarioArrays, members: list[int], lo: np.ndarray, hi: np.ndarray, unit: np.ndarray
) -> list[Collision]:
    """Red-line collisions found on the reference scale, gaps in the file's scale units
    (``unit``: scale units per reference unit, per issue)."""
    out = []
    for i, iid in enumerate(arrays.issues):
        for x, y in itertools.combinations(range(len(members)), 2):
            gap = max(lo[x, i] - hi[y, i], lo[y, i] - hi[x, i])
            if gap > _EPS:
                pair = (arrays.actors[members[x]], arrays.actors[members[y]])
                out.append(Collision(iid, pair, float(gap * unit[i])))
    return out


# ----------------------------------------------------------------------------- optimisation


@dataclass
class _Problem:
    pos: np.ndarray  # (g, m)
    w: np.ndarray  # (g, m) salience / width (0 where absent)
    batna: np.ndarray  # (g,)
    quadratic: bool
    width: np.ndarray

    def utilities(self, x: np.ndarray) -> np.ndarray:
        d = np.abs(x[None, :] - self.pos)
        if self.quadratic:
            return -(self.w * d * d / self.width).sum(axis=1)
        return -(self.w * d).sum(axis=1)


def _problem(arrays: ScenarioArrays, members: list[int], loss: str) -> _Problem:
    width = (arrays.upper - arrays.lower).astype(float)
    mask = arrays.mask[members]
    sal = np.where(mask, arrays.salience[members], 0.0)
    pos = np.where(mask, arrays.position[members], 0.0)
    return _Problem(
        pos=pos,
        w=sal / width,
        batna=batna_utility(arrays, loss)[members],
        quadratic=loss == "quadratic",
        width=width,
    )


def _solve(
    prob: _Problem, lo: np.ndarray, hi: np.ndarray, target: int | None
) -> tuple[float, np.ndarray] | None:
    """Maximise t = min_a surplus_a (target None) or surplus_target subject to the others'
    surplus >= 0, over the box [lo, hi]. Returns (value, x) or None if infeasible."""
    g, m = prob.pos.shape
    if prob.quadratic:
        return _solve_smooth(prob, lo, hi, target)
    # variables: x (m), e (g*m), t (1); e_ai >= |x_i - p_ai|, rows built sparse (a group of
    # 1,000 members has 4,000 rows of 3,000 variables)
    from scipy import sparse

    nv = m + g * m + 1
    c = np.zeros(nv)
    c[-1] = -1.0
    # rows in the order actor by actor: its two rows per weighted issue, then its surplus row
    a_idx, i_idx = np.nonzero(prob.w != 0)  # sorted by actor, then issue
    n_a = np.bincount(a_idx, minlength=g)
    start = np.concatenate([[0], np.cumsum(2 * n_a + 1)[:-1]])  # first row of each actor
    j = np.arange(a_idx.size) - np.concatenate([[0], np.cumsum(n_a)[:-1]])[a_idx]
    up, down = start[a_idx] + 2 * j, start[a_idx] + 2 * j + 1
    k = m + a_idx * m + i_idx
    one = np.ones(a_idx.size)
    surplus_row = start + 2 * n_a
    t_rows = np.arange(g) if target is None else np.array([target])
    rows = np.concatenate([up, up, down, down, surplus_row[a_idx], surplus_row[t_rows]])
    cols = np.concatenate([i_idx, k, i_idx, k, k, np.full(t_rows.size, nv - 1)])
    vals = np.concatenate([one, -one, -one, -one, prob.w[a_idx, i_idx], np.ones(t_rows.size)])
    b = np.empty(int(start[-1] + 2 * n_a[-1] + 1) if g else 0)
    b[up], b[down] = prob.pos[a_idx, i_idx], -prob.pos[a_idx, i_idx]  # x - e <= p, -x - e <= -p
    b[surplus_row] = -np.asarray(prob.batna, dtype=float)  # sum w e + t <= -batna
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(b.size, nv))
    bounds = np.array(
        [(lo[i], hi[i]) for i in range(m)] + [(0, np.inf)] * (g * m) + [(-np.inf, np.inf)],
        dtype=float,
    )
    res = optimize.linprog(
        c, A_ub=A, b_ub=b, bounds=bounds, method="highs"
    )
    if res.status != 0:
        return None
    x = np.clip(res.x[:m], lo, hi)
    s = prob.utilities(x) - prob.batna
    return (float(s.min()) if target is None else float(s[target])), x


def _solve_smooth(
    prob: _Problem, lo: np.ndarray, hi: np.ndarray, target: int | None
) -> tuple[float, np.ndarray] | None:
    m = prob.pos.shape[1]

    def surplus(x: np.ndarray) -> np.ndarray:
        return prob.utilities(x) - prob.batna

    def jac(x: np.ndarray) -> np.ndarray:
        return -2.0 * prob.w * (x[None, :] - prob.pos) / prob.width

    g = prob.pos.shape[0]
    others = np.arange(g) != (-1 if target is None else target)
    if target is None:
        cons = {
            "type": "ineq",
            "fun": lambda z: surplus(z[:-1]) - z[-1],
            "jac": lambda z: np.hstack([jac(z[:-1]), -np.ones((g, 1))]),
        }
        obj = (lambda z: -z[-1], lambda z: np.append(np.zeros(m), -1.0))
    else:
        cons = {
            "type": "ineq",
            "fun": lambda z: surplus(z[:-1])[others],
            "jac": lambda z: np.hstack([jac(z[:-1])[others], np.zeros((others.sum(), 1))]),
        }
        obj = (
            lambda z: -surplus(z[:-1])[target],
            lambda z: np.append(-jac(z[:-1])[target], 0.0),
        )
    best = None
    for x0 in [0.5 * (lo + hi), *np.clip(prob.pos, lo, hi)]:
        z0 = np.append(x0, float(surplus(x0).min()))
        res = optimize.minimize(
            obj[0], z0, jac=obj[1], method="SLSQP", constraints=[cons],
            bounds=[(lo[i], hi[i]) for i in range(m)] + [(None, None)],
            options={"maxiter": 200, "ftol": 1e-10},
        )
        x = np.clip(res.x[:m], lo, hi)
        s = surplus(x)
        if target is not None and (s[others] < -1e-7).any():
            continue
        val = float(s.min()) if target is None else float(s[target])
        if best is None or val > best[0]:
            best = (val, x)
    return best


def _search(
    prob: _Problem,
    ranges: list[tuple[float, float] | None],
    as_is: list[list[tuple[float, float]]],
    allow_as_is: bool,
    target: int | None = None,
) -> tuple[tuple[float, np.ndarray, list[int]] | None, bool]:
    options: list[list[tuple[float, float]]] = []
    for r, pts in zip(ranges, as_is, strict=True):
        opts = [r] if r is not None else []
        if allow_as_is:
            opts += list(pts)
        if not opts:
            return None, False
        options.append(opts)
    total = int(np.prod([len(o) for o in options], dtype=float))
    approximate = total > MAX_COMBINATIONS
    if approximate:
        first = [0] * len(options)
        last = [len(o) - 1 for o in options]
        combos = {tuple(first), tuple(last)}
        for i, o in enumerate(options):
            for j in range(len(o)):
                c = list(first)
                c[i] = j
                combos.add(tuple(c))
        choice_sets = sorted(combos)
    else:
        choice_sets = list(itertools.product(*[range(len(o)) for o in options]))
    best = None
    for choice in choice_sets:
        lo = np.array([options[i][j][0] for i, j in enumerate(choice)])
        hi = np.array([options[i][j][1] for i, j in enumerate(choice)])
        res = _solve(prob, lo, hi, target)
        if res is None:
            continue
        as_is_issues = [
            i for i, j in enumerate(choice) if ranges[i] is None or (j > 0)
        ]
        if best is None or res[0] > best[0] + 1e-12:
            best = (res[0], res[1], as_is_issues)
    return best, approximate


def _zone(
    prob: _Problem,
    ranges: list[tuple[float, float] | None],
    as_is: list[list[tuple[float, float]]],
    allow: bool,
    issues: tuple[str, ...],
) -> tuple[Zone, bool]:
    best, approx = _search(prob, ranges, as_is, allow)
    if best is None:
        return Zone(False, None, None, None), approx
    t, x, left = best
    s = prob.utilities(x) - prob.batna
    return Zone(t > _EPS, t, x, s, [issues[i] for i in left] if allow else []), approx


def agreement_space(
    arrays: ScenarioArrays, members: list[str], loss: str = "linear", group: str = "veto players"
) -> SpaceResult:
    """The agreement space of the actors ``members`` (see the module docstring)."""
    if loss not in ("linear", "quadratic"):
        raise ModelError(f"unknown loss {loss!r} (choose from: linear, quadratic)")
    idx = {a: i for i, a in enumerate(arrays.actors)}
    unknown = [a for a in members if a not in idx]
    if unknown:
        raise ModelError(f"unknown actor(s) {', '.join(unknown)} in group {group!r}")
    if not members:
        raise ModelError(f"group {group!r} has no actors")
    mem = [idx[a] for a in members]
    raw = arrays
    arrays = reference_scale(raw)
    unit = (raw.upper - raw.lower) / REFERENCE_WIDTH  # scale units per reference unit
    lo, hi = _half_lines(arrays, mem)
    ranges, as_is = _issue_options(arrays, mem, lo, hi)
    prob = _problem(arrays, mem, loss)
    zone, approx1 = _zone(prob, ranges, as_is, True, arrays.issues)
    settlement, approx2 = _zone(prob, ranges, as_is, False, arrays.issues)
    collisions = _collisions(arrays, mem, lo, hi, unit)
    concessions: list[dict[str, Any]] = []
    if not zone.exists:
        for g, a in enumerate(members):
            best, _ = _search(prob, ranges, as_is, True, target=g)
            if best is not None:
                concessions.append(
                    {
                        "kind": "batna",
                        "actor": a,
                        "issue": None,
                        "amount": float(max(0.0, -best[0])),
                        "unit": "utility",
                        "opens_zone": True,
                        "text": f"{a} accepts {max(0.0, -best[0]):.3g} less than its BATNA",
                    }
                )
    for col in collisions:
        i = arrays.issues.index(col.issue)
        for a in col.actors:
            other = next(b for b in col.actors if b != a)
            g, h = members.index(a), members.index(other)
            new_lo, new_hi = lo.copy(), hi.copy()
            if hi[g, i] < lo[h, i]:  # a's upper limit is below the other's lower one
                new_hi[g, i] = lo[h, i]
            else:
                new_lo[g, i] = hi[h, i]
            r2, p2 = _issue_options(arrays, mem, new_lo, new_hi)
            z2, _ = _zone(prob, r2, p2, True, arrays.issues)
            s2, _ = _zone(prob, r2, p2, False, arrays.issues)
            concessions.append(
                {
                    "kind": "red_line",
                    "actor": a,
                    "issue": col.issue,
                    "amount": float(col.gap),
                    "unit": "scale",
                    "opens_zone": bool(z2.exists and not zone.exists),
                    "opens_settlement": bool(s2.exists and not settlement.exists),
                    "text": f"{a} moves its red line on {col.issue} by {col.gap:g} "
                    f"to meet {other}'s",
                }
            )
    settlement_moves = None
    if collisions and not settlement.exists:
        settlement_moves = _settlement_moves(arrays, mem, lo, hi, prob, unit)
    back = _back(raw)
    return SpaceResult(
        group=group,
        actors=list(members),
        issues=list(arrays.issues),
        red_line_range=[None if r is None else back(i, r) for i, r in enumerate(ranges)],
        as_is=[[back(i, r) for r in rs] for i, rs in enumerate(as_is)],
        status_quo=status_quo(raw),
        collisions=collisions,
        zone=_zone_back(zone, raw),
        settlement=_zone_back(settlement, raw),
        concessions=concessions,
        approximate=approx1 or approx2,
        settlement_moves=settlement_moves,
    )


def _back(raw: ScenarioArrays) -> Any:
    """``(issue, (a, b))`` on the reference scale -> the same interval on ``raw``'s scale (the
    map of :func:`~parley.scenario.arrays.from_reference`)."""
    lower = np.asarray(raw.lower, dtype=float)
    unit = (np.asarray(raw.upper, dtype=float) - lower) / REFERENCE_WIDTH

    def back(i: int, r: tuple[float, float]) -> tuple[float, float]:
        return float(lower[i] + r[0] * unit[i]), float(lower[i] + r[1] * unit[i])

    return back


def _zone_back(zone: Zone, raw: ScenarioArrays) -> Zone:
    """A zone found on the reference scale, its package mapped back onto ``raw``'s scales."""
    if zone.package is None:
        return zone
    return replace(
        zone, package=from_reference(zone.package, raw), reference_package=zone.package
    )


def _settlement_moves(
    arrays: ScenarioArrays,
    mem: list[int],
    lo: np.ndarray,
    hi: np.ndarray,
    prob: _Problem,
    unit: np.ndarray,
) -> dict[str, Any]:
    """The cheapest red-line moves (in scale units, summed) that give every issue a non-empty
    red-line range, and whether a settlement then exists."""
    new_lo, new_hi = lo.copy(), hi.copy()
    moves = []
    for i, iid in enumerate(arrays.issues):
        top, bottom = lo[:, i].max(), hi[:, i].min()
        if top <= bottom + _EPS:
            continue
        raise_up = np.clip(top - hi[:, i], 0, None)  # move upper limits up to `top`
        push_down = np.clip(lo[:, i] - bottom, 0, None)  # or lower limits down to `bottom`
        if raise_up.sum() <= push_down.sum():
            who, amount = raise_up > _EPS, raise_up
            new_hi[who, i] = top
        else:
            who, amount = push_down > _EPS, push_down
            new_lo[who, i] = bottom
        moves += [
            {"actor": arrays.actors[mem[g]], "issue": iid, "amount": float(amount[g] * unit[i])}
            for g in np.flatnonzero(who)
        ]
    r2, p2 = _issue_options(arrays, mem, new_lo, new_hi)
    s2, _ = _zone(prob, r2, p2, False, arrays.issues)
    return {
        "moves": moves,
        "total": float(sum(m["amount"] for m in moves)),
        "opens_settlement": bool(s2.exists),
        "min_surplus": None if s2.min_surplus is None else float(s2.min_surplus),
    }


def space_report(
    arrays: ScenarioArrays, name: str, loss: str = "linear", in_force: Sequence[Any] = ()
) -> dict[str, Any]:
    """Everything ``parley space`` reports, as plain data: one agreement space per group (the
    veto players, then each channel's participants) of the scenario ``name``'s ``arrays``;
    with threats ``in_force`` (pulled levers), each actor's BATNA is its payoff of refusing."""
    from parley.analysis.players import veto_players

    _check_loss(loss)
    veto, how = veto_players(arrays)
    if in_force:
        from parley.analysis.levers import threat_world

        arrays = threat_world(arrays, list(in_force))
    members = arrays.channel_members or tuple(
        tuple(a for a, inside in zip(arrays.actors, row, strict=True) if inside)
        for row in (() if arrays.channels is None else arrays.channels)
    )
    groups = [("veto players", veto)] + [
        (f"channel {cid}", list(members[c])) for c, cid in enumerate(arrays.channel_ids)
    ]
    return {
        "scenario": name,
        "loss": loss,
        "veto_players": veto,
        "veto_rule": how,
        "groups": [agreement_space(arrays, mem, loss, name).to_dict() for name, mem in groups],
    }


def red_line_range(arrays: ScenarioArrays, members: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per issue, the values no member's red line excludes (step 1), over any leading draws
    axis: ``(lo, hi)``, each ``(..., m)``; the range is empty where ``lo > hi``."""
    red = np.asarray(arrays.red_line)[..., members, :]
    pos = np.asarray(arrays.position)[..., members, :]
    has = np.asarray(arrays.mask)[members] & ~np.isnan(red)
    lo = np.where(has & (red <= pos), red, np.asarray(arrays.lower, dtype=float))
    hi = np.where(has & (red >= pos), red, np.asarray(arrays.upper, dtype=float))
    return lo.max(axis=-2), hi.min(axis=-2)


def settlement_exists(arrays: ScenarioArrays, members: list[str], loss: str = "linear") -> bool:
    """Whether the group ``members`` has a comprehensive settlement (step 4) in one scenario's
    arrays: that search of :func:`agreement_space` alone."""
    idx = {a: i for i, a in enumerate(arrays.actors)}
    mem = [idx[a] for a in members]
    arrays = reference_scale(arrays)
    lo, hi = _half_lines(arrays, mem)
    ranges, as_is = _issue_options(arrays, mem, lo, hi)
    zone, _ = _zone(_problem(arrays, mem, loss), ranges, as_is, False, arrays.issues)
    return zone.exists


def zone_search(arrays: ScenarioArrays, members: list[str], loss: str = "linear") -> Zone:
    """The zone of agreement of the group ``members`` (steps 1-3 of the module docstring) in
    one scenario's arrays: the zone search of :func:`agreement_space` alone, without the
    settlement, collisions or concessions."""
    idx = {a: i for i, a in enumerate(arrays.actors)}
    mem = [idx[a] for a in members]
    ref = reference_scale(arrays)
    lo, hi = _half_lines(ref, mem)
    ranges, as_is = _issue_options(ref, mem, lo, hi)
    zone, _ = _zone(_problem(ref, mem, loss), ranges, as_is, True, ref.issues)
    return _zone_back(zone, arrays)


def zone_exists(arrays: ScenarioArrays, members: list[str], loss: str = "linear") -> bool:
    """Whether the group ``members`` has a zone of agreement (see :func:`zone_search`)."""
    return zone_search(arrays, members, loss).exists


def collision_matrix(arrays: ScenarioArrays, members: list[int]) -> np.ndarray:
    """Red-line collisions of the members (step 5 of the module docstring) over any leading
    draws axis: True at ``[..., x, y, i]`` where the red lines of members ``x`` and ``y`` on
    issue ``i`` leave no common value. Shape ``(..., g, g, m)``, symmetric in ``x, y``."""
    mem = list(members)
    shape = (*np.shape(arrays.position)[:-2], len(mem), arrays.n_issues)
    red = np.asarray(arrays.red_line)[..., mem, :]
    pos = np.asarray(arrays.position)[..., mem, :]
    has = np.broadcast_to(np.asarray(arrays.mask)[..., mem, :], shape) & ~np.isnan(red)
    lo = np.where(has & (red <= pos), red, np.broadcast_to(arrays.lower, shape))
    hi = np.where(has & (red >= pos), red, np.broadcast_to(arrays.upper, shape))
    gap = lo[..., :, None, :] - hi[..., None, :, :]
    gap = np.maximum(gap, np.swapaxes(gap, -2, -3))
    width = np.asarray(arrays.upper, dtype=float) - np.asarray(arrays.lower, dtype=float)
    return gap > _EPS * (width / REFERENCE_WIDTH)
