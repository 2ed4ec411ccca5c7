"""Bargaining solutions over packages: Nash, asymmetric Nash, Kalai-Smorodinsky, utilitarian.

A *package* is a position on every issue, a vector ``p`` of length ``m`` inside the box
``lower <= p <= upper``. Each of the ``n`` actors values packages with a utility ``u_i(p)``;
its BATNA utility ``d_i`` (the disagreement point) is what it gets if there is no agreement.
The functions here are pure: they take the utilities as a vectorised callable
``utility(P: (k, m)) -> (k, n)``, an optional feasibility callable
``feasible(P: (k, m)) -> (k,) bool`` (for instance "every veto player accepts"), and one
explicit :class:`numpy.random.Generator`.

Solutions implemented (``S`` = utility vectors of feasible packages, ``d`` = BATNAs):

* **Nash bargaining solution** -- Nash (1950), "The bargaining problem", *Econometrica* 18(2),
  155-162: the feasible ``u`` with ``u > d`` maximising the Nash product
  ``prod_i (u_i - d_i)``.
* **Asymmetric (generalised) Nash solution** -- Kalai (1977), "Nonsymmetric Nash solutions and
  replications of 2-person bargaining", *Int. J. Game Theory* 6(3), 129-133; Roth (1979),
  *Axiomatic Models of Bargaining*, Springer, ch. I.C: maximise ``sum_i w_i log(u_i - d_i)``
  with bargaining weights ``w`` (parley uses capabilities).
* **Kalai-Smorodinsky solution** -- Kalai & Smorodinsky (1975), "Other solutions to Nash's
  bargaining problem", *Econometrica* 43(3), 513-518: the point of ``S`` on the segment from
  ``d`` to the ideal point ``a_i = max{u_i : u in S, u >= d}``, i.e. the maximiser of
  ``min_i (u_i - d_i) / (a_i - d_i)``.
* **Utilitarian solution** -- the maximiser of the (weighted) sum of utilities ``sum_i w_i u_i``
  (Harsanyi 1955, "Cardinal welfare, individualistic ethics, and interpersonal comparisons of
  utility", *J. Political Economy* 63(4), 309-321), by default restricted to ``u >= d``.

Numerical method (the papers define the solutions over an abstract convex set ``S``; here ``S``
is the image of a box of packages under arbitrary, possibly non-smooth and non-concave, utility
functions, so the solutions are found numerically):

1. Candidate packages: a Latin hypercube sample of ``samples`` packages in the box (McKay,
   Beckman & Conover 1979, *Technometrics* 21(2), 239-245), plus the box's centre, its corners
   (when there are at most 10 issues) and any ``anchors`` (e.g. the actors' ideal packages).
2. All candidates are evaluated in one call of ``utility`` (and ``feasible``); the objective is
   computed for all of them at once, ``-inf`` where a package is infeasible or not
   individually rational.
3. With ``refine``: an adaptive random local search from the best few candidates (vectorised:
   all trial packages of a round are evaluated in one call; the step grows after a success and
   halves after a failure; half of the trials move a single issue, which finds the kinks of
   piecewise-linear utilities), then a polish with :func:`scipy.optimize.minimize`
   (Powell 1964, *Computer Journal* 7(2), 155-162: derivative-free, the box as bounds and
   infeasibility as a penalty).
   A refinement step is only ever accepted when it improves the objective.

Departures from the papers: the solutions are computed over the feasible packages, not over
the convex hull of their utilities (no lotteries over packages), so ``S`` need not be convex
and a maximiser need not be unique; ties go to the first candidate found. Kalai-Smorodinsky is
taken as the max-min of the normalised gains, with a 1e-6 weight on their mean to break ties
in favour of a Pareto-optimal point (on a non-convex ``S`` the segment from ``d`` to ``a`` may
miss the frontier). When no feasible package gives every actor strictly more than its BATNA,
the Nash and Kalai-Smorodinsky functions return ``None`` (the axioms assume such a package).
Accuracy on problems with known answers is reported in ``docs/models/bargaining-solutions.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.random import make_rng

__all__ = [
    "Frontier",
    "Solution",
    "kalai_smorodinsky",
    "nash_bargaining",
    "pareto_frontier",
    "pareto_mask",
    "sample_packages",
    "utilitarian",
]

UtilityFn = Callable[[np.ndarray], np.ndarray]
"""Vectorised utilities: packages of shape ``(k, m)`` -> utilities of shape ``(k, n)``."""

FeasibleFn = Callable[[np.ndarray], np.ndarray]
"""Vectorised feasibility: packages of shape ``(k, m)`` -> booleans of shape ``(k,)``."""

RngLike = np.random.Generator | np.random.SeedSequence | int

_CORNER_LIMIT = 10  # add the 2**m corners of the box when m <= this
_STARTS = 4  # local searches started from the best candidates
_TRIALS = 32  # trial packages per local search and round
_ROUNDS = 80  # maximum rounds of the local search
_STEP_TOL = 1e-9  # stop a local search when its step (fraction of the issue range) is below
_PENALTY = 1e6  # value of the negated objective at inadmissible packages (Powell polish)
_TIE_BREAK = 1e-6  # weight of the mean normalised gain in the Kalai-Smorodinsky score
_AUGMENT = 1e-2  # weight of the mean in the augmented Chebyshev scalarisation (frontier)
_PAIRS = 4_000_000  # elements per chunk of the pairwise dominance test
_UNIT = 100.0  # width every issue's range is mapped onto for the Powell polish (0-100 scale)


@dataclass(frozen=True, eq=False)
class Solution:
    """A bargaining solution: the package, what it gives each actor, and its objective."""

    package: np.ndarray
    """Position on every issue, shape ``(m,)``."""
    utilities: np.ndarray
    """Utility of every actor for :attr:`package`, shape ``(n,)``."""
    objective: float
    """Value of the maximised criterion at :attr:`package` (see each solution function)."""
    method: str
    """Which solution: ``nash_bargaining``, ``asymmetric_nash``, ``kalai_smorodinsky`` or
    ``utilitarian``."""

    def to_dict(self, issue_ids: list[str], actor_ids: list[str]) -> dict[str, Any]:
        """JSON-ready form: ``{"positions": {issue: x}, "utilities": {actor: u},
        "objective": float, "method": str}``."""
        if len(issue_ids) != self.package.shape[0] or len(actor_ids) != self.utilities.shape[0]:
            raise ModelError(
                f"{self.method}: {len(issue_ids)} issue ids and {len(actor_ids)} actor ids given "
                f"for a solution with {self.package.shape[0]} issues and "
                f"{self.utilities.shape[0]} actors"
            )
        return {
            "positions": {i: float(x) for i, x in zip(issue_ids, self.package, strict=True)},
            "utilities": {a: float(u) for a, u in zip(actor_ids, self.utilities, strict=True)},
            "objective": float(self.objective),
            "method": self.method,
        }


@dataclass(frozen=True, eq=False)
class Frontier:
    """A sample of Pareto-optimal feasible packages."""

    packages: np.ndarray
    """Packages, shape ``(p, m)``."""
    utilities: np.ndarray
    """Utilities of the actors for each package, shape ``(p, n)``."""

    def to_dict(self, issue_ids: list[str], actor_ids: list[str]) -> list[dict[str, Any]]:
        """JSON-ready form: a list of ``{"positions": {...}, "utilities": {...}}``."""
        return [
            {
                "positions": {i: float(x) for i, x in zip(issue_ids, p, strict=True)},
                "utilities": {a: float(v) for a, v in zip(actor_ids, u, strict=True)},
            }
            for p, u in zip(self.packages, self.utilities, strict=True)
        ]


# --------------------------------------------------------------------------- Pareto dominance


def _dominated_by(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """(len(A),) bool: row a of A is Pareto-dominated by some row of B."""
    out = np.zeros(A.shape[0], dtype=bool)
    if B.shape[0] == 0:
        return out
    step = max(1, _PAIRS // max(1, B.shape[0] * A.shape[1]))
    for start in range(0, A.shape[0], step):
        a = A[start : start + step, None, :]
        ge = (B[None, :, :] >= a).all(axis=-1)
        gt = (B[None, :, :] > a).any(axis=-1)
        out[start : start + step] = (ge & gt).any(axis=1)
    return out


def pareto_mask(U: np.ndarray) -> np.ndarray:
    """Which rows of ``U`` are not Pareto-dominated by another row.

    Row ``b`` dominates row ``a`` when ``U[b] >= U[a]`` everywhere and ``U[b] > U[a]``
    somewhere; equal rows do not dominate each other (both are kept).

    Steps: (1) drop every row dominated by one of a few strong rows (the 32 largest row sums and
    each column's maximum); (2) test the survivors pairwise, in chunks. Exact, since a dominated
    row is always dominated by some non-dominated row and step 1 never drops those.

    Parameters
    ----------
    U:
        Utilities, shape ``(k, n)`` (packages x actors), finite.

    Returns
    -------
    Boolean array of shape ``(k,)``.
    """
    U = np.asarray(U, dtype=float)
    if U.ndim != 2:
        raise ModelError(f"pareto_mask: utilities must be 2-D (packages x actors), got {U.shape}")
    if not np.isfinite(U).all():
        raise ModelError("pareto_mask: utilities contain NaN or infinite values")
    k = U.shape[0]
    if k == 0 or U.shape[1] == 0:
        return np.ones(k, dtype=bool)
    order = np.argsort(-U.sum(axis=1), kind="stable")
    strong = np.unique(np.concatenate([order[:32], U.argmax(axis=0)]))
    alive = np.flatnonzero(~_dominated_by(U, U[strong]))
    survivors = U[alive]
    mask = np.zeros(k, dtype=bool)
    mask[alive[~_dominated_by(survivors, survivors)]] = True
    return mask


# --------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class _Problem:
    utility: UtilityFn
    feasible: FeasibleFn | None
    batna: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    name: str

    @property
    def span(self) -> np.ndarray:
        return self.upper - self.lower

    def evaluate(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Utilities (k, n) and admissibility (k,): finite utilities and feasible."""
        k, n = P.shape[0], self.batna.shape[0]
        U = np.asarray(self.utility(P), dtype=float)
        if U.shape != (k, n):
            raise ModelError(
                f"{self.name}: utility returned shape {U.shape} for {k} packages, expected "
                f"({k}, {n}) (one column per BATNA)"
            )
        ok = np.isfinite(U).all(axis=1)
        if self.feasible is not None:
            f = np.asarray(self.feasible(P))
            if f.shape != (k,):
                raise ModelError(
                    f"{self.name}: feasible returned shape {f.shape} for {k} packages, "
                    f"expected ({k},)"
                )
            ok &= f.astype(bool)
        return U, ok


def _vector(name: str, field: str, value: Any, size: int | None = None) -> np.ndarray:
    v = np.asarray(value, dtype=float)
    if v.ndim != 1 or (size is not None and v.shape[0] != size):
        want = f"({size},)" if size is not None else "1-D"
        raise ModelError(f"{name}: {field} has shape {v.shape}, expected {want}")
    if not np.isfinite(v).all():
        raise ModelError(f"{name}: {field} contains NaN or infinite values")
    return v


def _problem(
    name: str,
    utility: UtilityFn,
    batna: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    feasible: FeasibleFn | None,
) -> _Problem:
    d = _vector(name, "batna", batna)
    lo = _vector(name, "lower", lower)
    hi = _vector(name, "upper", upper, lo.shape[0])
    if (hi < lo).any():
        j = int(np.flatnonzero(hi < lo)[0])
        raise ModelError(f"{name}: upper[{j}] = {hi[j]} is below lower[{j}] = {lo[j]}")
    return _Problem(utility, feasible, d, lo, hi, name)


def _weights(name: str, weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = _vector(name, "weights", weights, n)
    if (w < 0).any() or w.sum() <= 0:
        raise ModelError(f"{name}: weights must be non-negative with a positive sum")
    return w


def sample_packages(
    lower: np.ndarray,
    upper: np.ndarray,
    samples: int,
    rng: RngLike,
    anchors: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate packages: a Latin hypercube sample of the box, its centre and corners, anchors.

    The Latin hypercube (McKay, Beckman & Conover 1979) cuts every issue's range into
    ``samples`` equal strata and puts exactly one package in each stratum of each issue. The
    ``2**m`` corners are added when ``m <= 10``; ``anchors`` (shape ``(a, m)``, e.g. the actors'
    ideal packages) are clipped to the box and appended.

    Returns
    -------
    Array of shape ``(samples + 1 + corners + a, m)``.
    """
    lo = _vector("sample_packages", "lower", lower)
    hi = _vector("sample_packages", "upper", upper, lo.shape[0])
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ModelError(f"sample_packages: samples must be a positive integer, got {samples!r}")
    gen = make_rng(rng)
    m = lo.shape[0]
    strata = gen.permuted(np.tile(np.arange(samples), (m, 1)), axis=1).T
    unit = (strata + gen.random((samples, m))) / samples
    parts = [lo + unit * (hi - lo), ((lo + hi) / 2)[None, :]]
    if m <= _CORNER_LIMIT:
        bits = (np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1
        parts.append(np.where(bits == 1, hi, lo))
    if anchors is not None:
        a = np.asarray(anchors, dtype=float)
        if a.ndim != 2 or a.shape[1] != m or not np.isfinite(a).all():
            raise ModelError(
                f"sample_packages: anchors must be finite with shape (a, {m}), got {a.shape}"
            )
        parts.append(np.clip(a, lo, hi))
    return np.concatenate(parts, axis=0)


# --------------------------------------------------------------------------- search

Score = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(U (k, n), admissible (k,)) -> scores (k, c), ``-inf`` where inadmissible."""


def _local_search(
    prob: _Problem,
    score: Score,
    starts: np.ndarray,
    start_scores: np.ndarray,
    column: np.ndarray,
    step0: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Adaptive random search from ``starts`` (s, m), each maximising its score ``column``.

    Every round draws ``_TRIALS`` packages around each incumbent (half move one issue only,
    half move all, and four continue the last successful move 0.5, 1, 2 and 4 times over, a
    pattern move as in Hooke & Jeeves 1961, which follows ridges), evaluates all of them in one
    call and keeps improvements; a search's step is multiplied by 1.5 after a success and by
    0.5 after a failure.
    """
    inc, best = starts.copy(), start_scores.copy()
    s, m = inc.shape
    step = np.full(s, step0)
    rows = np.arange(s)
    last = np.zeros((s, m))
    pattern = np.array([0.5, 1.0, 2.0, 4.0])
    for _ in range(_ROUNDS):
        active = step > _STEP_TOL
        if not active.any():
            break
        move = rng.uniform(-1.0, 1.0, (s, _TRIALS, m))
        axis = rng.integers(0, m, (s, _TRIALS))
        single = np.arange(_TRIALS)[None, :] < _TRIALS // 2
        one_hot = np.arange(m)[None, None, :] == axis[:, :, None]
        move = np.where(single[:, :, None] & ~one_hot, 0.0, move)
        move = step[:, None, None] * prob.span * move
        move[:, -pattern.size :, :] = pattern[None, :, None] * last[:, None, :]
        trial = inc[:, None, :] + move
        trial = np.clip(trial, prob.lower, prob.upper).reshape(s * _TRIALS, m)
        U, ok = prob.evaluate(trial)
        S = score(U, ok).reshape(s, _TRIALS, -1)[rows, :, column]
        j = S.argmax(axis=1)
        cand = S[rows, j]
        better = active & (cand > best)
        chosen = trial.reshape(s, _TRIALS, m)[rows, j]
        last = np.where(better[:, None], chosen - inc, last)
        inc[better] = chosen[better]
        best = np.where(better, cand, best)
        step = np.where(better, np.minimum(step * 1.5, 0.5), step * 0.5)
    return inc, best


def _polish(prob: _Problem, score: Score, x0: np.ndarray, s0: float) -> tuple[np.ndarray, float]:
    """Powell's method (scipy) from ``x0`` on the free issues; kept only if it improves.

    Powell runs in reference coordinates, every free issue's range mapped onto 0-``_UNIT``
    (``z = (x - lower) * _UNIT / span``), so its tolerances (``xtol``, and the absolute floor
    of its line searches) mean the same share of the range whatever the unit of the box: the
    result does not depend on it; on a 0-100 box the map is the identity."""
    free = prob.span > 0
    if not free.any():
        return x0, s0
    from scipy import optimize  # 0.4 s to import: only where a polish runs (issue 13)

    lower, span = prob.lower[free], prob.span[free]
    to_z, to_x = _UNIT / span, span / _UNIT

    def negated(z: np.ndarray) -> float:
        p = x0.copy()
        p[free] = np.clip(lower + z * to_x, lower, prob.upper[free])
        U, ok = prob.evaluate(p[None, :])
        v = float(score(U, ok)[0, 0])
        return -v if np.isfinite(v) else _PENALTY

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optimize.OptimizeWarning)
        res = optimize.minimize(
            negated,
            (x0[free] - lower) * to_z,
            method="Powell",
            bounds=optimize.Bounds(np.zeros(span.shape), np.full(span.shape, _UNIT)),
            options={"xtol": 1e-10, "ftol": 1e-13, "maxfev": 4000},
        )
    p = x0.copy()
    p[free] = np.clip(lower + res.x * to_x, lower, prob.upper[free])
    U, ok = prob.evaluate(p[None, :])
    v = float(score(U, ok)[0, 0])
    return (p, v) if v > s0 else (x0, s0)


def _maximise(
    prob: _Problem,
    score: Score,
    candidates: np.ndarray,
    rng: np.random.Generator,
    refine: bool,
    polish: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Best package for each score column: shapes (c, m) and (c,); -inf if none admissible."""
    U, ok = prob.evaluate(candidates)
    S = score(U, ok)
    c = S.shape[1]
    cols = np.arange(c)
    k = candidates.shape[0]
    top = min(_STARTS, k)
    idx = np.argsort(-S, axis=0, kind="stable")[:top]  # (top, c)
    start_scores = S[idx, cols[None, :]]
    if not refine:
        return candidates[idx[0]], start_scores[0]
    usable = np.isfinite(start_scores).ravel()
    column = np.tile(cols, top)[usable]
    starts = candidates[idx.ravel()[usable]]
    if starts.shape[0] == 0:
        return candidates[idx[0]], start_scores[0]
    m = candidates.shape[1]
    step0 = min(0.25, 2.0 * k ** (-1.0 / max(m, 1)))
    inc, best = _local_search(
        prob, score, starts, start_scores.ravel()[usable], column, step0, rng
    )
    # best incumbent per column (columns without admissible starts keep the sampled best)
    out_p, out_s = candidates[idx[0]].copy(), start_scores[0].copy()
    order = np.lexsort((-best, column))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = column[order][1:] != column[order][:-1]
    winners = order[first]
    out_p[column[winners]] = inc[winners]
    out_s[column[winners]] = best[winners]
    if polish and c == 1 and np.isfinite(out_s[0]):
        p, v = _polish(prob, score, out_p[0], float(out_s[0]))
        out_p[0], out_s[0] = p, v
    return out_p, out_s


def _check_common(name: str, samples: int) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ModelError(f"{name}: samples must be a positive integer, got {samples!r}")


def _gains_ok(U: np.ndarray, ok: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    G = U - d
    return G, ok & (G > 0).all(axis=1)


# --------------------------------------------------------------------------- solutions


def nash_bargaining(
    utility: UtilityFn,
    batna: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    feasible: FeasibleFn | None = None,
    weights: np.ndarray | None = None,
    *,
    samples: int,
    rng: RngLike,
    refine: bool = True,
    anchors: np.ndarray | None = None,
) -> Solution | None:
    """The Nash bargaining solution (Nash 1950), or the asymmetric one with ``weights``.

    Maximises ``sum_i w_i log(u_i(p) - d_i) / sum_i w_i`` over feasible packages ``p`` with
    ``u_i(p) > d_i`` for every actor: with equal weights this is the log of the geometric mean
    of the gains, a monotone transform of Nash's product ``prod_i (u_i - d_i)``; with weights
    it is the generalised Nash solution of Kalai (1977) and Roth (1979).

    Parameters
    ----------
    utility:
        Vectorised utilities, packages ``(k, m)`` -> ``(k, n)``.
    batna:
        Disagreement utilities ``d``, shape ``(n,)``.
    lower, upper:
        Bounds of every issue's scale, shape ``(m,)``.
    feasible:
        Optional vectorised feasibility test, packages ``(k, m)`` -> ``(k,)`` bool.
    weights:
        Bargaining weights ``w >= 0`` (e.g. capabilities), shape ``(n,)``; default equal.
    samples:
        Number of Latin-hypercube candidate packages.
    rng:
        The random generator (or a seed for one).
    refine:
        Refine the best candidates by local search and a scipy Powell polish.
    anchors:
        Extra candidate packages, shape ``(a, m)`` (e.g. the actors' ideal packages).

    Returns
    -------
    The solution (``objective`` = the weighted mean log gain), or ``None`` when no feasible
    package gives every actor more than its BATNA.
    """
    name = "nash_bargaining"
    _check_common(name, samples)
    prob = _problem(name, utility, batna, lower, upper, feasible)
    w = _weights(name, weights, prob.batna.shape[0])
    w = w / w.sum()

    def score(U: np.ndarray, ok: np.ndarray) -> np.ndarray:
        G, good = _gains_ok(U, ok, prob.batna)
        logs = np.log(np.where(G > 0, G, 1.0)) @ w
        return np.where(good, logs, -np.inf)[:, None]

    gen = make_rng(rng)
    P0 = sample_packages(prob.lower, prob.upper, samples, gen, anchors)
    P, S = _maximise(prob, score, P0, gen, refine)
    if not np.isfinite(S[0]):
        return None
    U, _ = prob.evaluate(P)
    method = "nash_bargaining" if weights is None else "asymmetric_nash"
    return Solution(P[0], U[0], float(S[0]), method)


def kalai_smorodinsky(
    utility: UtilityFn,
    batna: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    feasible: FeasibleFn | None = None,
    *,
    samples: int,
    rng: RngLike,
    refine: bool = True,
    anchors: np.ndarray | None = None,
) -> Solution | None:
    """The Kalai-Smorodinsky solution (Kalai & Smorodinsky 1975).

    Steps: (1) the ideal point ``a_i = max{u_i(p) : p feasible, u(p) >= d}``, found for all
    actors at once (sampling, then the vectorised local search); (2) the feasible package
    maximising ``min_i (u_i - d_i) / (a_i - d_i)`` (plus ``1e-6`` times the mean of these
    ratios, to prefer a Pareto-optimal point among equal minima).

    Parameters are those of :func:`nash_bargaining` (without weights).

    Returns
    -------
    The solution (``objective`` = the smallest normalised gain, in ``(0, 1]``), or ``None``
    when no feasible package gives every actor more than its BATNA.
    """
    name = "kalai_smorodinsky"
    _check_common(name, samples)
    prob = _problem(name, utility, batna, lower, upper, feasible)
    d = prob.batna

    def ideal_score(U: np.ndarray, ok: np.ndarray) -> np.ndarray:
        good = ok & (d <= U).all(axis=1)
        return np.where(good[:, None], U, -np.inf)

    gen = make_rng(rng)
    P0 = sample_packages(prob.lower, prob.upper, samples, gen, anchors)
    _, ideal = _maximise(prob, ideal_score, P0, gen, refine, polish=False)
    span = ideal - d
    if not (np.isfinite(span).all() and (span > 0).all()):
        return None

    def ratios(U: np.ndarray) -> np.ndarray:
        return (U - d) / span

    def score(U: np.ndarray, ok: np.ndarray) -> np.ndarray:
        R = ratios(U)
        low = R.min(axis=1)
        good = ok & (low > 0)
        return np.where(good, low + _TIE_BREAK * R.mean(axis=1), -np.inf)[:, None]

    P, S = _maximise(prob, score, P0, gen, refine)
    if not np.isfinite(S[0]):
        return None
    U, _ = prob.evaluate(P)
    return Solution(P[0], U[0], float(ratios(U).min()), "kalai_smorodinsky")


def utilitarian(
    utility: UtilityFn,
    batna: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    feasible: FeasibleFn | None = None,
    weights: np.ndarray | None = None,
    *,
    samples: int,
    rng: RngLike,
    refine: bool = True,
    anchors: np.ndarray | None = None,
    individually_rational: bool = True,
) -> Solution | None:
    """The utilitarian solution: maximise ``sum_i w_i u_i(p)`` over feasible packages.

    With ``individually_rational`` (default) only packages with ``u_i(p) >= d_i`` for every
    actor count. Other parameters are those of :func:`nash_bargaining`.

    Returns
    -------
    The solution (``objective`` = the weighted sum of utilities), or ``None`` when no package
    is admissible.
    """
    name = "utilitarian"
    _check_common(name, samples)
    prob = _problem(name, utility, batna, lower, upper, feasible)
    w = _weights(name, weights, prob.batna.shape[0])

    def score(U: np.ndarray, ok: np.ndarray) -> np.ndarray:
        good = ok & (prob.batna <= U).all(axis=1) if individually_rational else ok
        total = np.where(np.isfinite(U), U, 0.0) @ w
        return np.where(good, total, -np.inf)[:, None]

    gen = make_rng(rng)
    P0 = sample_packages(prob.lower, prob.upper, samples, gen, anchors)
    P, S = _maximise(prob, score, P0, gen, refine)
    if not np.isfinite(S[0]):
        return None
    U, _ = prob.evaluate(P)
    return Solution(P[0], U[0], float(S[0]), "utilitarian")


def pareto_frontier(
    utility: UtilityFn,
    batna: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    feasible: FeasibleFn | None = None,
    *,
    samples: int,
    rng: RngLike,
    anchors: np.ndarray | None = None,
    individually_rational: bool = True,
    refine: bool = False,
    rays: int = 32,
) -> Frontier:
    """A sample of Pareto-optimal feasible packages.

    Without ``refine``: the candidates of :func:`sample_packages` are evaluated, the
    infeasible ones (and, with ``individually_rational``, those leaving an actor below its
    BATNA) are dropped, and :func:`pareto_mask` keeps the non-dominated ones. These are
    Pareto-optimal *within the sample*; they approach the frontier as ``samples`` grows.

    With ``refine``: ``rays`` directions ``r`` are drawn uniformly from the simplex and, for
    each, the package maximising the augmented Chebyshev scalarisation ``min_i (u_i - z_i) / r_i``
    plus ``0.01`` times the mean of these ratios (Steuer & Choo 1983, *Math. Programming*
    26(3), 326-344) is found by the vectorised local search of
    :func:`nash_bargaining`, all directions at once; ``z`` is the BATNA vector (or, without
    ``individually_rational``, the smallest sampled utility of each actor). Chebyshev
    maximisers reach every Pareto-optimal point, convex part of the frontier or not (Bowman
    1976, in Thiriez & Zionts (eds), *Multiple Criteria Decision Making*, Springer, 76-86).
    The refined points, less any that dominate one another, are returned.
    """
    name = "pareto_frontier"
    _check_common(name, samples)
    if isinstance(rays, bool) or not isinstance(rays, int | np.integer) or rays < 1:
        raise ModelError(f"{name}: rays must be a positive integer, got {rays!r}")
    prob = _problem(name, utility, batna, lower, upper, feasible)
    gen = make_rng(rng)
    P = sample_packages(prob.lower, prob.upper, samples, gen, anchors)
    U, ok = prob.evaluate(P)
    if individually_rational:
        ok &= (prob.batna <= U).all(axis=1)
    if not refine or not ok.any():
        keep = pareto_mask(U[ok])
        return Frontier(P[ok][keep], U[ok][keep])
    z = prob.batna if individually_rational else U[ok].min(axis=0)
    direction = gen.dirichlet(np.ones(prob.batna.shape[0]), rays)
    direction = np.maximum(direction, 1e-6)

    def score(V: np.ndarray, good: np.ndarray) -> np.ndarray:
        if individually_rational:
            good = good & (prob.batna <= V).all(axis=1)
        R = (V - z)[:, None, :] / direction[None, :, :]  # (k, rays, n)
        value = R.min(axis=-1) + _AUGMENT * R.mean(axis=-1)
        return np.where(good[:, None], value, -np.inf)

    best_p, best_s = _maximise(prob, score, P, gen, True, polish=False)
    found = np.isfinite(best_s)
    best_p = best_p[found]
    best_u, _ = prob.evaluate(best_p)
    keep = pareto_mask(best_u)
    return Frontier(best_p[keep], best_u[keep])
