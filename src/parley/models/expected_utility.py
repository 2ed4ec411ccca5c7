"""Bueno de Mesquita's expected-utility ("BDM") group decision model, vectorised.

Implements the model of Bueno de Mesquita (1994, "Political forecasting: an expected utility
method", in Bueno de Mesquita and Stokman (eds), *European Community Decision Making*, Yale UP;
1997; 2002) as reconstructed by Scholz, Calbert and Smith (2011), "Unravelling Bueno de
Mesquita's group decision model", *J. Theoretical Politics* 23(4), 510-531 (a conference
version with the same title is in the ICAART 2011 proceedings). The step numbers below are the
paper's appendix steps as cited by the 2014 replication; the formulas were checked against two
public replications' reference runs, not against the article's text. Each issue is modelled on
its own. One round, for every actor i and every other actor j at another position:

1. (step 1) Distances are normalised by a fixed range: d_ij = |x_i - x_j| / delta.
2. (steps 4-5) Probability of success P_ij of i against j from the votes of all actors k,
   v_k(i, j) = c_k s_k (u_k(x_i) - u_k(x_j)) with u_k decreasing in |x_k - y| (switch ``prob``).
3. (step 4) Basic utilities for the evaluator's risk exponent r:
   U_s = 2 - 4 (0.5 - 0.5 d)^r, U_f = 2 - 4 (0.5 + 0.5 d)^r, U_sq = 2 - 4 (0.5)^r,
   U_b = 2 - 4 (0.5 - 0.25 (d_i,mu + d_ij))^r, U_w = 2 - 4 (0.5 + 0.25 (d_i,mu + d_ij))^r.
4. (step 7) Expected utility of i challenging j, relative to not challenging:
   EU_i(i->j) = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s
                - {Q U_sq + (1 - Q) [T U_b + (1 - T) U_w]}.
5. (steps 2, 8, 9) Risk attitudes: with every r = 1, the security level S_i is the sum of what
   all others expect from challenging i; R_i = (2 S_i - S_max - S_min) / (S_max - S_min) and
   r_i = (1 - R_i / 3) / (1 + R_i / 3), in [0.5, 2]. Steps 2-4 are then recomputed with r.
6. (step 11) With a = EU_i(i->j) and b = EU_j(j->i): b > a > 0, i expects to lose a
   confrontation and moves to x_j; a < 0 < b and |a| < b, i compromises to
   x_i + (x_j - x_i) |a| / b; a < 0 < b and |a| > b, i capitulates to x_j. Every actor takes at
   most one offer per round; all moves are simultaneous.
7. (step 12) The round's forecast is the c·s weighted median of the positions, which is BDM's
   median voter position (it beats every other actor's position in pairwise votes with linear
   utilities), computed with :func:`parley.models.median.weighted_median` (lower median on ties).

Rounds repeat until no actor moves by more than ``tol`` x delta in a round (``converged``) or
the round limit (default 10) is reached; BDM says only that the steps repeat "until the issue
is resolved", so the stopping rule is parley's.

Where the literature is ambiguous, or the two public replications differ from each other and
from the paper, the reading is a parameter (see :class:`EUSettings`), with three presets:

* ``parley`` (the default; our reading of the paper): ``prob="bdm"`` (positive votes over all
  absolute votes, linear vote utilities), Q = T = 1, receiver's perception (i evaluates both
  a and b with its own r_i), capitulation on, and i takes the credible offer that needs the
  least change of its position.
* ``scholz2016``: what the 2016 Python replication (dmasad/bdm-scholz-expected-utility-model,
  following Scholz's own code) does: votes carry the voter's risk exponent, P is divided by one
  constant (the sum of all absolute votes over all pairs), no capitulation (a bug there),
  confrontations before compromises, and compromises picked by the smallest value of
  (|a| x_i + |b| x_j) / (|a| + |b|).
* ``masad2014``: the 2014 replication (dmasad/BDM_DecisionModel_Replication): P from the net
  vote floored at zero, each side's EU with its own r, offers sent only by actors expecting to
  gain, and i answers the offer with the highest sender EU (then the closest).

Departures and engineering choices, none of them in the sources: actors at the same position
have no contest (P = 0, EU = 0); if S_max = S_min (e.g. only one distinct position) R = 0 and
r = 1; with ``prob="bdm"`` and no votes at all (all weights zero) P = 1/2; if all weights on an
issue are zero the forecast uses capability weights, as :mod:`parley.models.median` does; and
positions are clipped to the initial range (moves already keep them there; the clip only
removes rounding). With ``Q < 1``, mu is the current weighted median (or mean, ``mu``); only
Q = 1 has been checked against reference runs.

Speed: every step is an array operation over (batch, actors, actors); issues (and any leading
"draws" axis) form the batch. The n x n x n sums over voters k are never formed: a voter k
prefers x_i to x_j exactly when it lies on i's side of their midpoint, whatever its risk
exponent, so the sums are prefix sums over the voters sorted by position, O(n^2 log n) per
issue and round, and memory is O(n^2) per issue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.median import weighted_median
from parley.models.registry import ModelOptions, ModelSpec
from parley.models.result import IssueForecast, ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "PRESETS",
    "SPEC",
    "EUSettings",
    "RoundDetail",
    "Simulation",
    "basic_utilities",
    "eu_round",
    "expected_utility",
    "risk_exponents",
    "run_model",
    "settings_from_params",
    "simulate",
    "support",
    "win_probability",
]

DEFAULT_ROUNDS = 10

_CHOICES: dict[str, tuple[str, ...]] = {
    "prob": ("bdm", "net", "scholz_code"),
    "mu": ("median", "mean"),
    "risk_range": ("across_actors", "own_alternatives"),
    "perspective": ("receiver", "own"),
    "offer_rule": ("least_change", "scholz_code", "max_eu"),
    "delta": ("actors", "scale"),
    "engine": ("auto", "numpy", "numba"),
}

# elements per (batch, n, n) array before the batch is split into chunks (~8 MB of float64):
# at 1,000 actors this is one issue at a time, whose temporaries the allocator reuses and the
# last-level cache mostly holds; 10 issues x 10 rounds then take about 20% less CPU time than
# with chunks of 4 million elements, and a third of the memory (docs/performance.md)
_CHUNK_ELEMENTS = 1_000_000


@dataclass(frozen=True)
class EUSettings:
    """The readings of the model that the sources leave open (see the module docstring).

    Attributes
    ----------
    prob:
        ``"bdm"``: P_ij = sum of the votes for i over the sum of all absolute votes on (i, j),
        linear vote utilities (so P_ij + P_ji = 1). ``"net"``: max(0, net vote for i) over the
        same denominator (2014 replication). ``"scholz_code"``: votes
        w_k ((|x_k - x_j| / delta)^r_k - (|x_k - x_i| / delta)^r_k), positive part, over the sum
        of all absolute votes over all ordered pairs (2016 replication, Scholz's code).
    Q, T:
        Probability that the status quo holds if i does not challenge, and that a change then
        favours i. Only Q = 1 (where T drops out) has been checked against reference runs.
    mu:
        The reference position in U_b, U_w (only used when Q < 1): ``"median"`` or ``"mean"``.
    risk_range:
        Max/min of the security levels in R_i: over all actors (``"across_actors"``, Scholz
        et al.) or over the levels i would have at each actor's position
        (``"own_alternatives"``, BDM 1985 as read by the 2016 replication; O(n^3) per round).
    perspective:
        ``"receiver"``: i evaluates b = EU_j(j->i) with its own r_i; ``"own"``: with r_j.
    capitulation:
        Whether a < 0 < b, |a| > b makes i move to x_j (False reproduces the 2016 code).
    offer_rule:
        ``"least_change"``: the credible move with the smallest change of position;
        ``"scholz_code"``: confrontation (closest) before compromise (smallest key) before
        capitulation (closest); ``"max_eu"``: only actors with EU_j(j->i) > 0 send offers, i
        answers the one with the highest sender EU (then the closest) if its quadrant moves i.
    delta:
        Distance normaliser: the range of the actors' initial positions (``"actors"``) or the
        issue's scale (``"scale"``).
    tol:
        Stop when no actor moved by more than tol x delta in a round.
    engine:
        How the pairwise support sums are computed: ``"numpy"``, ``"numba"`` (compiled, the
        ``[fast]`` extra) or ``"auto"`` (numba from ``NUMBA_MIN_ACTORS`` actors when it is
        installed). The same numbers bit for bit either way.
    """

    prob: str = "bdm"
    Q: float = 1.0
    T: float = 1.0
    mu: str = "median"
    risk_range: str = "across_actors"
    perspective: str = "receiver"
    capitulation: bool = True
    offer_rule: str = "least_change"
    delta: str = "actors"
    tol: float = 1e-6
    engine: str = "auto"

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ModelError(
                    f"expected-utility: {name}={value!r} is not one of {', '.join(allowed)}"
                )
        for name in ("Q", "T"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise ModelError(f"expected-utility: {name} must be a number in [0, 1], got {v!r}")
        if not isinstance(self.capitulation, bool):
            raise ModelError("expected-utility: capitulation must be true or false")
        if isinstance(self.tol, bool) or not isinstance(self.tol, int | float) or self.tol < 0:
            raise ModelError(f"expected-utility: tol must be a number >= 0, got {self.tol!r}")
        if self.risk_range == "own_alternatives" and self.prob == "scholz_code":
            raise ModelError(
                "expected-utility: risk_range='own_alternatives' needs prob 'bdm' or 'net'"
            )


PRESETS: dict[str, EUSettings] = {
    "parley": EUSettings(),
    "scholz2016": EUSettings(
        prob="scholz_code", perspective="receiver", capitulation=False, offer_rule="scholz_code"
    ),
    "masad2014": EUSettings(
        prob="net", perspective="own", capitulation=True, offer_rule="max_eu"
    ),
}


def settings_from_params(params: dict[str, Any]) -> EUSettings:
    """Settings from ``ModelOptions.params``: ``{"preset": NAME, **overrides}``."""
    params = dict(params)
    preset = params.pop("preset", "parley")
    if preset not in PRESETS:
        raise ModelError(
            f"expected-utility: unknown preset {preset!r} (presets: {', '.join(PRESETS)})"
        )
    known = {f.name for f in fields(EUSettings)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ModelError(
            f"expected-utility: unknown parameter {unknown[0]!r} "
            f"(parameters: preset, {', '.join(sorted(known))})"
        )
    return replace(PRESETS[preset], **params)


# --------------------------------------------------------------------------------------------
# array building blocks; every function takes (..., n) actor vectors, (..., n, n) pair matrices


def _pair_distance(x: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """d_ij = |x_i - x_j| / delta, 0 where delta is 0."""
    diff = np.abs(x[..., :, None] - x[..., None, :])
    dd = np.asarray(delta, dtype=float)[..., None, None]
    return np.divide(diff, dd, out=np.zeros_like(diff), where=dd > 0)


def _vote_values(
    x: np.ndarray, w: np.ndarray, delta: np.ndarray, r: np.ndarray | None
) -> np.ndarray:
    """F[k, a] = w_k (|x_k - x_a| / delta)^r_k: voter k's weighted disutility of x_a."""
    d = _pair_distance(x, delta)
    if r is not None:
        d = d ** np.asarray(r, dtype=float)[..., :, None]
    return w[..., :, None] * d


#: With ``engine="auto"`` the support sums are compiled (numba) from this many actors on, where
#: one issue-round costs tens of milliseconds in numpy; below it numba's import (about 0.3 s)
#: would cost more than it saves.
NUMBA_MIN_ACTORS = 500


def _numba_support(engine: str, x: np.ndarray) -> bool:
    if engine == "numpy" or x.size == 0 or not np.isfinite(x).all():
        return False
    if engine != "numba" and x.shape[-1] < NUMBA_MIN_ACTORS:
        return False  # decided before numba is imported: small runs never pay its import
    try:
        import numba  # noqa: F401
    except ImportError:
        if engine == "numba":
            raise ModelError(
                "expected-utility: engine 'numba' needs numba; install it with "
                "pip install 'parley[fast]'"
            ) from None
        return False
    return engine == "numba" or x.shape[-1] >= NUMBA_MIN_ACTORS


def support(x: np.ndarray, F: np.ndarray, engine: str = "numpy") -> np.ndarray:
    """pos[i, j] = sum over voters k closer to x_i than to x_j of (F[k, j] - F[k, i]).

    With F from voters' (increasing) disutilities this is the sum of the positive votes for i
    against j. A voter prefers x_i exactly when it lies on i's side of the midpoint of x_i and
    x_j (for any increasing transform of the distance), so the sum is a difference of prefix
    sums over the voters sorted by position: O(n^2 log n), no n^3 array. (A voter exactly at
    the midpoint is indifferent and adds 0 either way.) ``engine`` as in :class:`EUSettings`:
    with numba the midpoint counts and the sums are one compiled O(n^2) pass
    (:mod:`parley.models._eu_numba`), the same numbers.
    """
    x = np.asarray(x, dtype=float)
    shape = x.shape
    n = shape[-1]
    xb = x.reshape(-1, n)
    Fb = np.asarray(F, dtype=float).reshape(-1, n, n)
    order = np.argsort(xb, axis=-1, kind="stable")
    xs = np.take_along_axis(xb, order, axis=-1)
    if _numba_support(engine, xb):
        from parley.models._eu_numba import support_sums

        return support_sums(xs, order, Fb).reshape(*shape, n)
    # CT[a, t] = sum of F[k, a] over the t leftmost voters k
    CT = np.zeros((Fb.shape[0], n, n + 1))
    np.cumsum(np.take_along_axis(Fb, order[:, :, None], axis=1), axis=1,
              out=CT.transpose(0, 2, 1)[:, 1:, :])
    # L[i, j]: the number of voters with x_k < mid(x_i, x_j) (symmetric; _count_below)
    below = _count_below(xb, xs, order)
    T = np.take_along_axis(CT, below, axis=-1)  # T[a, i] = CT[a, L[a, i]]
    left = np.swapaxes(T, -1, -2) - T  # x_i < x_j: sum over k left of mid of F[k, j] - F[k, i]
    total = CT[:, :, n]
    right = (total[:, None, :] - total[:, :, None]) - left  # x_i > x_j: the voters to the right
    pos = np.where(xb[:, :, None] < xb[:, None, :], left, right)
    pos = np.where(xb[:, :, None] == xb[:, None, :], 0.0, pos)
    return np.maximum(pos, 0.0).reshape(*shape, n)


_COUNT_ELEMENTS = 4_000_000
"""Comparisons per chunk when the voters below each midpoint are counted directly."""
_COUNT_MAX_ACTORS = 10
"""Up to this many actors the voters are counted directly (measured faster than the search
row by row up to about 10 actors on this machine; the answers are the same)."""


def _count_below(xb: np.ndarray, xs: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``L[b, i, j]``: how many voters lie strictly below the midpoint of ``x_i`` and ``x_j``
    (``searchsorted(xs[b], mid, "left")``, NaN sorting last), shape ``(B, n, n)``.

    For few actors the voters are compared with every midpoint at once (``O(n^3)`` per row,
    vectorised over rows: issues and draws); for many, the midpoints are searched in the
    sorted positions row by row (``O(n^2 log n)``). Both give the same integers: the
    midpoint ``0.5 (x_i + x_j)`` is the same float either way.
    """
    B, n = xb.shape
    if n <= _COUNT_MAX_ACTORS:
        out = np.empty((B, n, n), dtype=np.intp)
        finite = (~np.isnan(xb)).sum(axis=-1)
        step = max(1, _COUNT_ELEMENTS // n**3)
        for s in range(0, B, step):  # chunks of rows bound the memory, not a loop per row
            x = xb[s : s + step]
            mid = 0.5 * (x[:, :, None] + x[:, None, :])
            less = (x[:, None, None, :] < mid[..., None]).sum(axis=-1)
            out[s : s + step] = np.where(np.isnan(mid), finite[s : s + step, None, None], less)
        return out
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[None, :], axis=-1)
    below = np.empty((B, n, n), dtype=np.intp)
    # in the sorted frame each row of midpoints is increasing, so searchsorted walks its
    # needles in order (several times faster than unsorted needles); mapped back by the ranks
    for b in range(B):  # a loop over issues (and draws), not actors
        mid_sorted = 0.5 * (xs[b][:, None] + xs[b][None, :])
        sorted_below = np.searchsorted(xs[b], mid_sorted, side="left")
        below[b] = sorted_below[rank[b][:, None], rank[b][None, :]]
    return below


def _sum_abs_pairwise(F: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """sum_k sum_a sum_b |F[k, a] - F[k, b]| over valid a, b (sorted-rank identity)."""
    n = F.shape[-1]
    vals = np.sort(np.where(valid[..., None, :], F, np.inf), axis=-1)
    nv = valid.sum(axis=-1)[..., None, None]
    t = np.arange(n)
    coef = np.where(t < nv, 2 * t - nv + 1, 0)
    vals = np.where(np.isfinite(vals), vals, 0.0)
    return 2.0 * (coef * vals).sum(axis=(-1, -2))


def win_probability(
    x: np.ndarray,
    w: np.ndarray,
    valid: np.ndarray,
    delta: np.ndarray,
    prob: str = "bdm",
    r: np.ndarray | None = None,
    engine: str = "numpy",
) -> np.ndarray:
    """P[i, j], the probability that i beats j (step 5), shape (..., n, n).

    ``r`` (voters' risk exponents) is only used by ``prob="scholz_code"``; the other forms use
    linear vote utilities. Zero where x_i = x_j or either actor is absent. ``engine``: see
    :func:`support`.
    """
    w = np.where(valid, w, 0.0)
    F = _vote_values(x, w, delta, r if prob == "scholz_code" else None)
    pos = support(x, F, engine)
    pair = valid[..., :, None] & valid[..., None, :] & (x[..., :, None] != x[..., None, :])
    if prob == "scholz_code":
        Z = _sum_abs_pairwise(F, valid)[..., None, None]
        P = np.divide(pos, Z, out=np.zeros_like(pos), where=Z > 0)
    else:
        tot = pos + np.swapaxes(pos, -1, -2)
        num = pos if prob == "bdm" else np.maximum(pos - np.swapaxes(pos, -1, -2), 0.0)
        empty = 0.5 if prob == "bdm" else 0.0
        P = np.divide(num, tot, out=np.full_like(pos, empty), where=tot > 0)
    return np.where(pair, P, 0.0)


def basic_utilities(
    d: np.ndarray, r: np.ndarray, d_mu: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """U_s, U_f, U_sq (and U_b, U_w when ``d_mu``, d(challenger, mu), is given) (step 4)."""
    d = np.clip(d, 0.0, 1.0)
    out = {
        "Us": 2 - 4 * (0.5 - 0.5 * d) ** r,
        "Uf": 2 - 4 * (0.5 + 0.5 * d) ** r,
        "Usq": 2 - 4 * 0.5**r * np.ones_like(d),
    }
    if d_mu is not None:
        shift = np.clip(0.25 * (d_mu + d), 0.0, 0.5)
        out["Ub"] = 2 - 4 * (0.5 - shift) ** r
        out["Uw"] = 2 - 4 * (0.5 + shift) ** r
    return out


def expected_utility(
    P: np.ndarray,
    d: np.ndarray,
    s_target: np.ndarray,
    r: np.ndarray,
    Q: float = 1.0,
    T: float = 1.0,
    d_mu: np.ndarray | None = None,
) -> np.ndarray:
    """EU of the challenger (rows) against the target (columns) (step 7); all broadcastable.

    ``r`` is the exponent of whoever evaluates; ``d_mu`` is the challenger's distance to mu
    (needed only when Q < 1).
    """
    U = basic_utilities(d, r, d_mu if Q < 1 else None)
    challenge = s_target * (P * U["Us"] + (1 - P) * U["Uf"]) + (1 - s_target) * U["Us"]
    still = Q * U["Usq"]
    if Q < 1:
        still = still + (1 - Q) * (T * U["Ub"] + (1 - T) * U["Uw"])
    return challenge - still


def risk_exponents(S: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R, r) from security levels S (..., n) across the valid actors (steps 8-9).

    R = 0 and r = 1 where all levels are equal (the sources divide by zero there).
    """
    hi = np.where(valid, S, -np.inf).max(axis=-1, keepdims=True)
    lo = np.where(valid, S, np.inf).min(axis=-1, keepdims=True)
    span = hi - lo
    ok = np.isfinite(span) & (span > 0)
    R = np.divide(2 * S - hi - lo, span, out=np.zeros_like(S), where=ok & valid)
    R = np.clip(R, -1.0, 1.0)
    return R, (1 - R / 3) / (1 + R / 3)


# --------------------------------------------------------------------------------------------
# one round


@dataclass
class RoundDetail:
    """The quantities of one round, all from the positions at the start of the round.

    Matrices are (..., n, n) indexed [i, j]: ``prob_r1`` and ``eu_r1`` with every r = 1,
    ``security`` (S), ``R`` and ``r`` per actor, ``prob`` and ``eu`` (EU_i(i->j) with r_i),
    ``a``/``b`` as i sees them, ``offer`` (i's new position if it took j's offer, NaN if none)
    and ``x_new``.
    """

    prob_r1: np.ndarray
    eu_r1: np.ndarray
    security: np.ndarray
    R: np.ndarray
    r: np.ndarray
    prob: np.ndarray
    eu: np.ndarray
    a: np.ndarray
    b: np.ndarray
    offer: np.ndarray
    chosen: np.ndarray
    x_new: np.ndarray


def _mu(x: np.ndarray, w: np.ndarray, valid: np.ndarray, how: str) -> np.ndarray:
    if how == "median":
        return weighted_median(x[..., :, None], w[..., :, None], valid[..., :, None])[..., 0]
    ww = np.where(valid, w, 0.0)
    tot = ww.sum(axis=-1)
    num = (ww * np.where(valid, x, 0.0)).sum(axis=-1)
    plain = np.where(valid, x, 0.0).sum(axis=-1) / np.maximum(valid.sum(axis=-1), 1)
    return np.divide(num, tot, out=plain, where=tot > 0)


def _security_own_alternatives(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    valid: np.ndarray,
    delta: np.ndarray,
    cfg: EUSettings,
    d_mu: np.ndarray | None,
) -> np.ndarray:
    """Sec[..., i, a]: S_i if i stood at x_a, others fixed (r = 1), chunked over i."""
    n = x.shape[-1]
    w = np.where(valid, w, 0.0)
    d = _pair_distance(x, delta)  # d[j, a]
    F = w[..., :, None] * d  # linear votes F[k, a]
    pos = support(x, F, cfg.engine)  # pos[j, a]: all voters, i still at x_i
    out = np.empty((*x.shape, n))
    batch = max(int(np.prod(x.shape[:-1])), 1)
    step = max(1, _CHUNK_ELEMENTS // (batch * n * n))
    for lo in range(0, n, step):  # chunks of actors i, each vectorised over (i, j, a)
        ii = np.arange(lo, min(n, lo + step))
        # voter i's own vote on (j, a) with i at x_i, removed from both directions
        di = d[..., ii, :]  # (..., c, n): d(x_i, x_a)
        own_ja = w[..., ii, None, None] * np.maximum(di[..., :, None, :] - di[..., :, :, None], 0)
        own_aj = np.swapaxes(own_ja, -1, -2)
        # with i at y = x_a, i votes fully for itself: w_i d(y, x_j) towards a, none towards j
        pj = pos[..., None, :, :] - own_ja
        pa = np.swapaxes(pos, -1, -2)[..., None, :, :] - own_aj + w[..., ii, None, None] * d[
            ..., None, :, :
        ]
        tot = pj + pa
        if cfg.prob == "bdm":
            P = np.divide(pj, tot, out=np.full_like(pj, 0.5), where=tot > 0)
        else:
            P = np.divide(np.maximum(pj - pa, 0), tot, out=np.zeros_like(pj), where=tot > 0)
        dm = None if d_mu is None else d_mu[..., None, :, None]
        si = s[..., ii, None, None]
        E = expected_utility(P, d[..., None, :, :], si, np.ones(()), cfg.Q, cfg.T, dm)
        pair = (
            valid[..., None, :, None]
            & valid[..., None, None, :]
            & (x[..., None, :, None] != x[..., None, None, :])
        )
        pair = pair & (np.arange(n)[None, :, None] != ii[:, None, None])  # j != i
        out[..., ii, :] = np.where(pair, E, 0.0).sum(axis=-2)
    return out


def _eu_both_sides(
    P: np.ndarray,
    d: np.ndarray,
    s: np.ndarray,
    r: np.ndarray,
    pair: np.ndarray,
    compiled: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """a = EU_i(i->j) and b = EU_j(j->i) as i sees it (receiver's perspective), Q = 1.

    The same numbers as :func:`expected_utility` called once for each side, computed with the
    same operations in the same order, but with the basic utilities computed once: both sides
    evaluate with i's exponent r_i and d_ij = d_ji exactly, so U_s, U_f and U_sq of b are those
    of a. This halves the powers, which dominate a round's cost. ``compiled``: the expressions
    after the powers in one numba pass (:mod:`parley.models._eu_numba`), the same numbers.
    """
    U = basic_utilities(d, r[..., :, None])
    Us, Uf = U["Us"], U["Uf"]
    Usq = 1.0 * U["Usq"]
    if compiled:
        from parley.models._eu_numba import both_sides_matrices

        return both_sides_matrices(P, Us, Uf, Usq, s, pair)
    s_t = s[..., None, :]
    A = s_t * (P * Us + (1 - P) * Uf) + (1 - s_t) * Us - Usq
    PT = np.swapaxes(P, -1, -2)
    s_i = s[..., :, None]
    B = s_i * (PT * Us + (1 - PT) * Uf) + (1 - s_i) * Us - Usq
    return np.where(pair, A, 0.0), np.where(pair, B, 0.0)


def eu_round(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    valid: np.ndarray,
    delta: np.ndarray,
    cfg: EUSettings,
) -> RoundDetail:
    """One round of the model on (..., n) arrays (steps 2-12); positions stay in data units.

    ``w`` is c·s (the voting weight), ``s`` the salience, ``valid`` True where the actor takes
    part, ``delta`` the (...,) normalising range.
    """
    x = np.asarray(x, dtype=float)
    # absent actors sit at the lowest valid position (finite, inside the range) with no weight
    fill = np.where(valid, x, np.inf).min(axis=-1, keepdims=True)
    x = np.where(valid, x, np.where(np.isfinite(fill), fill, 0.0))
    w = np.where(valid, np.asarray(w, dtype=float), 0.0)
    s = np.where(valid, np.asarray(s, dtype=float), 0.0)
    d = _pair_distance(x, delta)
    pair = valid[..., :, None] & valid[..., None, :] & (x[..., :, None] != x[..., None, :])
    d_mu = None
    if cfg.Q < 1:
        mu = _mu(x, w, valid, cfg.mu)
        dm = np.abs(x - mu[..., None])
        dd = np.asarray(delta, dtype=float)[..., None]
        d_mu = np.divide(dm, dd, out=np.zeros_like(dm), where=dd > 0)
    s_t = s[..., None, :]  # target's salience on columns
    dmu_c = None if d_mu is None else d_mu[..., :, None]  # challenger's distance to mu on rows

    # steps 2-7 with every r = 1, then steps 8-9: security levels and risk exponents
    ones = np.ones_like(x)
    P1 = win_probability(x, w, valid, delta, cfg.prob, ones, cfg.engine)
    compiled = _numba_support(cfg.engine, x)
    if compiled and cfg.Q == 1:
        from parley.models._eu_numba import eu_r1_matrix

        E1 = eu_r1_matrix(P1, d, s, pair, cfg.Q)  # the same numbers, one compiled pass
    else:
        E1 = np.where(pair, expected_utility(P1, d, s_t, 1.0, cfg.Q, cfg.T, dmu_c), 0.0)
    S = E1.sum(axis=-2)  # S_i = sum_j EU_j(j -> i)
    if cfg.risk_range == "across_actors":
        R, r = risk_exponents(S, valid)
    else:
        sec = _security_own_alternatives(x, w, s, valid, delta, cfg, d_mu)
        sec = np.where(valid[..., None, :], sec, np.nan)
        hi = np.nanmax(np.where(valid[..., :, None], sec, 0.0), axis=-1)
        lo = np.nanmin(np.where(valid[..., :, None], sec, 0.0), axis=-1)
        span = hi - lo
        R = np.divide(2 * S - hi - lo, span, out=np.zeros_like(S), where=valid & (span > 0))
        R = np.clip(R, -1.0, 1.0)
        r = (1 - R / 3) / (1 + R / 3)

    # step 10: recompute with the new exponents
    P = P1 if cfg.prob != "scholz_code" else win_probability(
        x, w, valid, delta, cfg.prob, r, cfg.engine
    )
    if cfg.Q == 1 and cfg.perspective == "receiver":
        A, B = _eu_both_sides(P, d, s, r, pair, compiled)  # the same numbers, half the powers
    else:
        A = np.where(pair, expected_utility(P, d, s_t, r[..., :, None], cfg.Q, cfg.T, dmu_c), 0.0)
        if cfg.perspective == "own":
            B = np.swapaxes(A, -1, -2)
        else:
            # EU_j(j -> i) as i sees it: j challenges (rows), i is the target, i's exponent r_i
            Et = expected_utility(P, d, s_t, r[..., None, :], cfg.Q, cfg.T, dmu_c)
            B = np.swapaxes(np.where(pair, Et, 0.0), -1, -2)

    # step 11: the quadrant of (a, b) for each offer and the position it leads to
    if compiled and cfg.offer_rule == "least_change":
        from parley.models._eu_numba import least_change_matrices

        offer, pick, has = least_change_matrices(x, A, B, pair, cfg.capitulation)
        return _round_detail(P1, E1, S, R, r, P, A, B, offer, pick, has, x, valid)
    xi, xj = x[..., :, None], x[..., None, :]
    absA = np.abs(A)
    conf = pair & (B > A) & (A > 0)
    fear = pair & (A < 0) & (B > 0)
    comp = fear & (absA < B)
    capit = fear & (absA > B) if cfg.capitulation else np.zeros_like(fear)
    frac = np.divide(absA, B, out=np.zeros_like(A), where=comp)
    offer = np.where(comp, xi + (xj - xi) * frac, np.where(conf | capit, xj, np.nan))
    dist = np.abs(xj - xi)

    if cfg.offer_rule == "least_change":
        moves = conf | comp | capit
        key = np.where(moves, np.abs(offer - xi), np.inf)
        pick = np.argmin(key, axis=-1)
        has = moves.any(axis=-1)
    elif cfg.offer_rule == "scholz_code":
        ck = np.divide(absA * xi + np.abs(B) * xj, absA + np.abs(B), out=np.zeros_like(A),
                       where=comp)
        any_conf, any_comp = conf.any(axis=-1), comp.any(axis=-1)
        p_conf = np.argmin(np.where(conf, dist, np.inf), axis=-1)
        p_comp = np.argmin(np.where(comp, ck, np.inf), axis=-1)
        p_cap = np.argmin(np.where(capit, dist, np.inf), axis=-1)
        pick = np.where(any_conf, p_conf, np.where(any_comp, p_comp, p_cap))
        has = any_conf | any_comp | capit.any(axis=-1)
    else:  # max_eu: j sends an offer when its own EU of challenging i is positive
        sender_eu = np.swapaxes(A, -1, -2)  # EU_j(j -> i) with r_j, on row i
        sent = pair & (sender_eu > 0)
        best = np.where(sent, sender_eu, -np.inf).max(axis=-1, keepdims=True)
        top = sent & (sender_eu == best)
        pick = np.argmin(np.where(top, dist, np.inf), axis=-1)
        has = np.take_along_axis(~np.isnan(offer) & sent, pick[..., None], axis=-1)[..., 0]
    return _round_detail(P1, E1, S, R, r, P, A, B, offer, pick, has, x, valid)


def _round_detail(
    P1: np.ndarray, E1: np.ndarray, S: np.ndarray, R: np.ndarray, r: np.ndarray,
    P: np.ndarray, A: np.ndarray, B: np.ndarray, offer: np.ndarray, pick: np.ndarray,
    has: np.ndarray, x: np.ndarray, valid: np.ndarray,
) -> RoundDetail:
    """Step 12: each actor takes its picked offer, where it has one."""
    new = np.take_along_axis(offer, pick[..., None], axis=-1)[..., 0]
    x_new = np.where(has & valid, new, x)
    chosen = np.where(has & valid, pick, -1)
    return RoundDetail(
        prob_r1=P1, eu_r1=E1, security=S, R=R, r=r, prob=P, eu=A, a=A, b=B, offer=offer,
        chosen=chosen, x_new=x_new,
    )


# --------------------------------------------------------------------------------------------
# rounds


@dataclass
class Simulation:
    """Positions (rounds + 1, ..., n) and forecasts (rounds + 1, ...) round by round.

    Entries after an issue stopped repeat its last values; ``n_rounds`` (...) says how many
    rounds each issue ran and ``converged`` (...) whether it stopped by the tolerance.
    """

    positions: np.ndarray
    forecasts: np.ndarray
    n_rounds: np.ndarray
    converged: np.ndarray


def _forecast(x: np.ndarray, w: np.ndarray, c: np.ndarray, valid: np.ndarray) -> np.ndarray:
    ww = np.where(valid, w, 0.0)
    zero = ww.sum(axis=-1, keepdims=True) <= 0
    ww = np.where(zero, np.where(valid, c, 0.0), ww)
    return weighted_median(x[..., :, None], ww[..., :, None], valid[..., :, None])[..., 0]


def simulate(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    valid: np.ndarray | None = None,
    *,
    settings: EUSettings | None = None,
    rounds: int = DEFAULT_ROUNDS,
    delta: np.ndarray | None = None,
) -> Simulation:
    """Run the model on (..., n) arrays: positions ``x``, capabilities ``c``, saliences ``s``.

    Leading axes are independent runs (issues, draws). ``delta`` overrides the normaliser
    (default: the range of the valid initial positions).
    """
    cfg = settings or PRESETS["parley"]
    x = np.asarray(x, dtype=float)
    c = np.broadcast_to(np.asarray(c, dtype=float), x.shape)
    s = np.broadcast_to(np.asarray(s, dtype=float), x.shape)
    valid = np.ones(x.shape, bool) if valid is None else np.broadcast_to(valid, x.shape)
    valid = valid & np.isfinite(x)
    if rounds < 0:
        raise ModelError(f"expected-utility: rounds must be >= 0, got {rounds}")
    n = x.shape[-1]
    batch = x.shape[:-1]
    fill = np.where(valid, x, np.inf).min(axis=-1, keepdims=True)
    xb = np.where(valid, x, np.where(np.isfinite(fill), fill, 0.0)).reshape(-1, n)
    cb = np.where(valid, c, 0.0).reshape(-1, n)
    sb = np.where(valid, s, 0.0).reshape(-1, n)
    vb = valid.reshape(-1, n)
    wb = cb * sb
    lo = np.where(vb, xb, np.inf).min(axis=-1)
    hi = np.where(vb, xb, -np.inf).max(axis=-1)
    span = np.where(np.isfinite(hi - lo), hi - lo, 0.0)
    if delta is None:
        dl = span
    else:
        dl = np.broadcast_to(np.asarray(delta, dtype=float), batch).reshape(-1)
    nb = xb.shape[0]
    pos = np.empty((rounds + 1, nb, n))
    fc = np.empty((rounds + 1, nb))
    pos[0] = xb
    fc[0] = _forecast(xb, wb, cb, vb)
    n_rounds = np.zeros(nb, dtype=int)
    converged = span <= 0  # one position (or none): nothing to forecast
    active = ~converged
    step = max(1, _CHUNK_ELEMENTS // max(n * n, 1))
    cur = xb.copy()
    for t in range(1, rounds + 1):
        idx = np.nonzero(active)[0]
        for k in range(0, idx.size, step):  # chunks of issues bound the memory
            ii = idx[k : k + step]
            det = eu_round(cur[ii], wb[ii], sb[ii], vb[ii], dl[ii], cfg)
            new = np.clip(det.x_new, lo[ii, None], hi[ii, None])
            new = np.where(vb[ii], new, lo[ii, None])
            moved = np.abs(new - cur[ii]).max(axis=-1)
            cur[ii] = new
            n_rounds[ii] = t
            done = moved <= cfg.tol * dl[ii]
            converged[ii] = done
            active[ii] = ~done
        pos[t] = cur
        fc[t] = np.where(n_rounds >= t, _forecast(cur, wb, cb, vb), fc[t - 1])
        if not active.any():
            pos[t + 1 :] = cur
            fc[t + 1 :] = fc[t]
            break
    pos = np.where(vb[None], pos, np.nan)
    return Simulation(
        positions=pos.reshape((rounds + 1, *batch, n)),
        forecasts=fc.reshape((rounds + 1, *batch)),
        n_rounds=n_rounds.reshape(batch),
        converged=converged.reshape(batch),
    )


def run_model(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    settings: EUSettings | None = None,
    rounds: int = DEFAULT_ROUNDS,
    scale_width: np.ndarray | None = None,
) -> Simulation:
    """The model on arrays of parley's contract shape ``(..., actors, issues)``.

    Issues (and any leading draws axis) are independent problems, so they are handed to
    :func:`simulate`, the per-issue kernel, as its batch, with the actors last. ``scale_width``
    ``(issues,)`` is the distance normaliser when ``settings.delta == "scale"``. Returns the
    :class:`Simulation` in the contract's layout: positions ``(rounds + 1, ..., actors,
    issues)``, forecasts ``(rounds + 1, ..., issues)``, ``n_rounds`` and ``converged``
    ``(..., issues)``.
    """
    cfg = settings or PRESETS["parley"]
    position = np.asarray(position, dtype=float)
    delta = None
    if cfg.delta == "scale":
        if scale_width is None:
            raise ModelError("expected-utility: delta='scale' needs the scales' widths")
        batch = position.shape[:-2] + position.shape[-1:]
        delta = np.broadcast_to(np.asarray(scale_width, dtype=float), batch)
    sim = simulate(
        np.swapaxes(position, -1, -2),
        np.swapaxes(np.broadcast_to(capability, position.shape), -1, -2),
        np.swapaxes(np.broadcast_to(salience, position.shape), -1, -2),
        None if mask is None else np.swapaxes(np.broadcast_to(mask, position.shape), -1, -2),
        settings=cfg,
        rounds=rounds,
        delta=delta,
    )
    return replace(sim, positions=np.swapaxes(sim.positions, -1, -2))


def _rounds(options: ModelOptions) -> int:
    rounds = DEFAULT_ROUNDS if options.rounds is None else int(options.rounds)
    if rounds < 0:
        raise ModelError(f"expected-utility: rounds must be >= 0, got {rounds}")
    return rounds


def _simulate(arrays: ScenarioArrays, options: ModelOptions) -> tuple[EUSettings, Simulation]:
    cfg = settings_from_params(options.params)
    sim = run_model(
        arrays.position, arrays.salience, arrays.capability, arrays.mask,
        settings=cfg, rounds=_rounds(options), scale_width=arrays.upper - arrays.lower,
    )
    return cfg, sim


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Final forecasts ``(draws, issues)`` for arrays with a leading draws axis."""
    return _simulate(arrays, options)[1].forecasts[-1]


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    cfg, sim = _simulate(arrays, options)
    rounds = _rounds(options)
    mask = arrays.mask
    issues: dict[str, IssueForecast] = {}
    actors: dict[str, dict[str, list[float]]] = {a: {} for a in arrays.actors}
    for i, iid in enumerate(arrays.issues):
        t = int(sim.n_rounds[i])
        path = [float(v) for v in sim.forecasts[: t + 1, i]]
        issues[iid] = IssueForecast(path[-1], rounds=path, converged=bool(sim.converged[i]))
        for a in np.nonzero(mask[:, i])[0]:
            actors[arrays.actors[a]][iid] = [float(v) for v in sim.positions[: t + 1, a, i]]
    from parley.models.compromise import fallback_notes, weight_fallback

    params = {"rounds": rounds, **asdict(cfg)}
    result = ModelResult(model="expected-utility", issues=issues, actors=actors, params=params)
    code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    result.notes.extend(fallback_notes(result, arrays, code, "median"))
    return result


SPEC = ModelSpec(
    name="expected-utility",
    title="Expected utility (Bueno de Mesquita)",
    citation="Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, J. Theor. Politics 23(4)",
    dynamic=True,
    run=_run,
    batch=_batch,
)
