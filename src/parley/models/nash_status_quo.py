"""The Nash bargaining model: the asymmetric Nash bargaining solution with the status quo as the
disagreement point.

Implements the generalised Nash bargaining solution (Nash 1950, "The bargaining problem",
*Econometrica* 18(2), 155-162; asymmetric form of Kalai 1977, *Int. J. Game Theory* 6(3),
129-133, and Roth 1979, *Axiomatic Models of Bargaining*, ch. I.C) as a forecasting model of
collective decisions, following the Nash bargaining model tested on EU legislation by Achen
(2006), "Evaluating political decision-making models", in Thomson, Stokman, Achen and König
(eds), *The European Union Decides* (Cambridge UP), ch. 4 (the Nash bargaining model, of
which the compromise model is the approximation for quadratic losses): the outcome is the
package ``p`` maximising

    sum_a w_a log(u_a(p) - u_a(q))

over the packages that give every bargainer more than the status quo ``q``, with bargaining
weights ``w_a`` (here the actor's mean capability share over the issues) and utilities
``u_a(p) = -sum_i s_ai |p_i - x_ai| / (upper_i - lower_i)`` (the linear loss of
:mod:`parley.analysis.utility`). The status quo is each actor's no-deal vector
(:func:`parley.analysis.utility.batna_vector`). Packages crossing a veto player's red line are
infeasible. The maximisation is the numerical method of
:func:`parley.analysis.solutions.nash_bargaining` (Latin-hypercube candidates, local search,
Powell polish) over the box spanned by the actors' positions.

Departures: (1) Achen uses quadratic utilities on one issue at a time; parley bargains over all
issues at once with linear loss, so that actors can trade issues of unequal salience. (2)
Actors who cannot gain over their no-deal point anywhere (their no-deal point is their ideal)
cannot take part in a Nash product; they are left out of it (and named in a note). (3) Where
no package gives every remaining bargainer a gain (the status quo is Pareto-optimal for them),
the Nash solution does not exist; the forecast is then the compromise model's, with a note.
(4) Actors are put in a canonical order (sorted by their numbers) before the search, so the
forecast does not depend on the order of the actors in the file.
"""

from __future__ import annotations

import numpy as np

from parley.models.compromise import compromise
from parley.models.registry import ModelOptions, ModelSpec, static_result
from parley.models.result import ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = ["SAMPLES", "SPEC"]

NAME = "nash"
SAMPLES = 512
"""Latin-hypercube candidate packages of the search (see parley.analysis.solutions)."""
DEFAULT_SEED = 0
"""Seed of the search when the run gives none (the forecast is then reproducible)."""
_GAIN_TOL = 1e-9
"""An actor whose best possible gain over its no-deal point is below this cannot bargain."""


def _canonical_order(arrays: ScenarioArrays) -> np.ndarray:
    """A permutation of the actors that depends only on their numbers, not on file order."""
    keys = [np.where(arrays.mask, getattr(arrays, f), np.inf) for f in
            ("position", "salience", "capability")]
    cols = [k[:, i] for k in reversed(keys) for i in reversed(range(arrays.n_issues))]
    return np.lexsort(cols)


_NO_GAIN = "no package gives every bargainer a gain"
_EQUAL = "every bargainer's capability is zero: equal bargaining weights (the symmetric solution)"


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    from dataclasses import replace

    from parley.analysis.solutions import nash_bargaining
    from parley.analysis.utility import batna_utility, crosses_red_line, package_utility
    from parley.scenario.arrays import from_reference, reference_scale

    raw = arrays
    # the search runs on the reference scale (0-100 per issue) and its package is mapped back,
    # so the forecast does not depend on the unit of a scale (the random search follows ties)
    arrays = reference_scale(raw)
    order = _canonical_order(arrays)
    arr = replace(
        arrays,
        actors=tuple(arrays.actors[k] for k in order),
        **{f: getattr(arrays, f)[order] for f in
           ("position", "salience", "capability", "mask", "red_line", "no_deal")},
        low={}, high={},
    )
    pos = np.where(arr.mask, arr.position, np.nan)
    lo, hi = np.nanmin(pos, axis=0), np.nanmax(pos, axis=0)
    comp = compromise(arr.position, arr.salience, arr.capability, arr.mask)
    d_all = batna_utility(arr)
    ideal = package_utility(np.where(arr.mask, arr.position, comp), arr)  # (n, n)
    can_gain = np.diag(ideal) - d_all > _GAIN_TOL
    notes: list[str] = []
    left_out = [a for a, g in zip(arr.actors, can_gain, strict=True) if not g]
    if left_out:
        notes.append(f"no gain over their no-deal point possible, left out: {', '.join(left_out)}")
    veto = np.array([a in arrays.veto for a in arr.actors], dtype=bool)
    keep = np.flatnonzero(can_gain)
    weight = arr.capability.sum(axis=1) / np.maximum(arr.mask.sum(axis=1), 1)
    solution = None
    if keep.size:

        def utility(P: np.ndarray) -> np.ndarray:
            return package_utility(P, arr)[:, keep]

        def feasible(P: np.ndarray) -> np.ndarray:
            return ~(crosses_red_line(P, arr) & veto).any(axis=1)

        seed = DEFAULT_SEED if options.seed is None else options.seed
        solution = nash_bargaining(
            utility, d_all[keep], lo, hi, feasible, weight[keep] + _GAIN_TOL,
            samples=SAMPLES, rng=seed, anchors=comp[None, :],
        )
    if solution is None:
        notes.append(f"{_NO_GAIN}: the compromise model's forecast")
        # of the file's numbers (not the reference scale's), in the same canonical order
        x = compromise(*(getattr(raw, f)[order] for f in ("position", "salience",
                                                          "capability", "mask")))
    else:
        x = from_reference(np.clip(solution.package, lo, hi), raw)
    result = static_result(NAME, raw, x, notes=notes)
    if solution is not None and not (weight[keep] > 0).any():
        result.notes.append(_EQUAL)
        for f in result.issues.values():
            f.fallback = _EQUAL
    if solution is None:
        from parley.models.compromise import weight_fallback, weight_fallback_text

        code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
        for i, f in enumerate(result.issues.values()):
            inner = weight_fallback_text(code[i], "mean")
            f.fallback = f"{_NO_GAIN}: the compromise" + (f" ({inner})" if inner else "")
    result.params = {"samples": SAMPLES, "weights": "mean capability share"}
    return result


_SCREEN_TOL = 1e-9
"""Slack (in utility, and as a fraction of the scale for red lines) by which the batch screen
errs towards "a package might be admissible", so that it never rules out a package the exact
per-draw search would admit (floating-point sums may differ in the last bits)."""
_SCREEN_ELEMENTS = 250_000
"""Draws x candidates x issues screened at once: bounds the screen's memory, and small
enough for its temporaries to stay in cache (2.6x faster than 2,000,000 on ukraine-2025)."""


def _canonical_batch(arrays: ScenarioArrays) -> tuple[np.ndarray, ScenarioArrays]:
    """:func:`_canonical_order` of every draw ``(D, n)`` and the arrays in that order (the mask
    becomes ``(D, n, m)``)."""
    from dataclasses import replace

    mask = np.broadcast_to(arrays.mask, np.shape(arrays.position))
    keys = [np.where(mask, getattr(arrays, f), np.inf) for f in
            ("position", "salience", "capability")]
    cols = [k[..., i] for k in reversed(keys) for i in reversed(range(arrays.n_issues))]
    order = np.lexsort(np.stack(cols), axis=-1)  # (D, n)
    take = order[..., None]
    fields = {f: np.take_along_axis(np.broadcast_to(getattr(arrays, f), mask.shape), take, -2)
              for f in ("position", "salience", "capability", "red_line", "no_deal")}
    return order, replace(arrays, mask=np.take_along_axis(mask, take, -2), low={}, high={},
                          **fields)


def _maybe_feasible(P: np.ndarray, arrays: ScenarioArrays, veto: np.ndarray) -> np.ndarray:
    """``(D, K)``: False only where candidate ``k`` of ``P`` ``(D, K, m)`` surely crosses a veto
    player's red line (:func:`parley.analysis.utility.crosses_red_line`, with slack
    :data:`_SCREEN_TOL` towards feasible). Only the (veto player, issue) pairs with a red line
    are checked; the test does not depend on the order of the actors."""
    from parley.analysis.utility import SQ_TOL, batna_vector

    red_all = np.asarray(arrays.red_line, dtype=float)
    mask = np.asarray(arrays.mask, dtype=bool)
    has = veto[:, None] & mask.reshape(-1, *mask.shape[-2:]).all(axis=0) & \
        ~np.isnan(red_all).reshape(-1, *red_all.shape[-2:]).all(axis=0)
    who, where = np.nonzero(has)
    if not who.size:
        return np.ones(P.shape[:2], dtype=bool)
    width = (np.asarray(arrays.upper, dtype=float) - np.asarray(arrays.lower, dtype=float))[where]
    tol = (1e-9 + _SCREEN_TOL) * width  # utility._EPS plus slack: beyond the red line surely
    band = (SQ_TOL + _SCREEN_TOL) * width  # the home band plus slack: away from home surely
    r = red_all[..., who, where]  # (D, p)
    side = np.sign(r - np.asarray(arrays.position)[..., who, where])
    home = batna_vector(arrays)[..., who, where]
    # a position is allowed in [lo, hi] (its red line's side) or in [h_lo, h_hi] (near home);
    # it crosses outside both: below both, above both, or in the gap between them
    lo = np.where((side <= 0) & ~np.isnan(r), r - tol, -np.inf)
    hi = np.where((side >= 0) & ~np.isnan(r), r + tol, np.inf)
    h_lo, h_hi = home - band, home + band
    gap_lo = np.where(hi < h_lo, hi, np.where(h_hi < lo, h_hi, np.inf))
    gap_hi = np.where(hi < h_lo, h_lo, np.where(h_hi < lo, lo, -np.inf))
    below, above = np.minimum(lo, h_lo)[:, None, :], np.maximum(hi, h_hi)[:, None, :]
    x = P[..., where]  # (D, K, p)
    out = (x < below) | (x > above) | ((x > gap_lo[:, None, :]) & (x < gap_hi[:, None, :]))
    return ~out.any(axis=-1)


def _maybe_admissible(
    P: np.ndarray, arrays: ScenarioArrays, arr: ScenarioArrays, keep: np.ndarray,
    veto: np.ndarray, d_all: np.ndarray,
) -> np.ndarray:
    """``(D,)``: True where some candidate of ``P`` ``(D, K, m)`` might cross no veto player's
    red line and give every kept bargainer a gain (step 2 of the search, with slack
    :data:`_SCREEN_TOL` towards True). ``arrays`` are in file order, ``arr`` in canonical
    order (``keep`` and ``d_all`` refer to it)."""
    from dataclasses import replace

    from parley.analysis.utility import package_utility

    feasible = _maybe_feasible(P, arrays, veto)
    d, k = np.nonzero(feasible)  # only the feasible (draw, candidate) pairs are valued
    one = replace(arr, **{f: getattr(arr, f)[d] for f in ("position", "salience", "mask")})
    gain = package_utility(P[d, k][:, None, :], one)[:, 0, :] - d_all[d]  # (F, n)
    ok = (np.where(keep[d], gain, np.inf) > -_SCREEN_TOL).all(axis=1)
    return np.bincount(d[ok], minlength=P.shape[0]) > 0


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw, ``(D, m)``: a vectorised screen, then the per-draw search.

    The search of :func:`_run` only refines candidates that are admissible (feasible, a gain
    for every bargainer). The screen evaluates every draw's candidate packages (the same Latin
    hypercube, centre, corners and anchor as :func:`_run`) at once; where none can be
    admissible the forecast is the compromise of the canonically ordered actors, as in
    :func:`_run`, and elsewhere :func:`_run` itself runs. So row ``d`` is bit for bit ``run``
    on draw ``d`` (the search runs only where a Nash solution may exist). A seed given as a
    Generator is consumed draw after draw, so that case is run draw by draw.
    """
    from parley.analysis.solutions import sample_packages
    from parley.analysis.utility import batna_utility, package_utility
    from parley.scenario.arrays import reference_scale

    raw = arrays
    arrays = reference_scale(raw)  # as in _run; rows run by _run come back on raw's scales
    seed = DEFAULT_SEED if options.seed is None else options.seed
    D, m = int(arrays.draws or 0), arrays.n_issues
    out = np.empty((D, m))
    if isinstance(seed, np.random.Generator):
        rows = range(D)
    else:
        order, arr = _canonical_batch(arrays)
        pos = np.where(arr.mask, arr.position, np.nan)
        lo, hi = np.nanmin(pos, axis=-2), np.nanmax(pos, axis=-2)
        comp = compromise(arr.position, arr.salience, arr.capability, arr.mask)
        d_all = batna_utility(arr)
        ideal = package_utility(np.where(arr.mask, arr.position, comp[:, None, :]), arr)
        gain = np.diagonal(ideal, axis1=-2, axis2=-1) - d_all
        keep = gain > _GAIN_TOL
        unsure = (np.abs(gain - _GAIN_TOL) <= _SCREEN_TOL).any(axis=1)
        veto = np.array([a in arrays.veto for a in arrays.actors], dtype=bool)
        unit = sample_packages(np.zeros(m), np.ones(m), SAMPLES, seed)[:SAMPLES]
        possible = np.zeros(D, dtype=bool)
        K = SAMPLES + 2 + (2**m if m <= 10 else 0)
        step = max(1, _SCREEN_ELEMENTS // max(1, K * m))
        for s in range(0, D, step):
            sl = slice(s, s + step)
            parts = [lo[sl, None, :] + unit * (hi[sl, None, :] - lo[sl, None, :]),
                     ((lo[sl] + hi[sl]) / 2)[:, None, :]]
            if m <= 10:
                bits = (np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1
                parts.append(np.where(bits == 1, hi[sl, None, :], lo[sl, None, :]))
            parts.append(np.clip(comp[sl], lo[sl], hi[sl])[:, None, :])
            possible[sl] = _maybe_admissible(
                np.concatenate(parts, axis=1), _first_draws(arrays, sl), _first_draws(arr, sl),
                keep[sl], veto, d_all[sl],
            )
        take = order[..., None]
        shape = np.shape(raw.position)
        out[:] = compromise(*(np.take_along_axis(np.broadcast_to(getattr(raw, f), shape), take, -2)
                              for f in ("position", "salience", "capability", "mask")))
        rows = np.flatnonzero(unsure | (possible & keep.any(axis=1)))
    for d in rows:
        res = _run(raw.at(int(d)), options)
        out[d] = [res.issues[i].position for i in arrays.issues]
    return out


def _first_draws(arr: ScenarioArrays, sl: slice) -> ScenarioArrays:
    from dataclasses import replace

    fields = ("position", "salience", "capability", "mask", "red_line", "no_deal")
    return replace(arr, **{f: getattr(arr, f)[sl] for f in fields if np.ndim(getattr(arr, f)) == 3})


SPEC = ModelSpec(
    name=NAME,
    title="Nash bargaining, status quo as disagreement",
    citation="Nash 1950; Kalai 1977; Achen 2006, ch. 4",
    dynamic=False,
    run=_run,
    batch=_batch,
)
