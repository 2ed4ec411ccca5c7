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


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    from dataclasses import replace

    from parley.analysis.solutions import nash_bargaining
    from parley.analysis.utility import batna_utility, crosses_red_line, package_utility

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
        notes.append("no package gives every bargainer a gain: the compromise model's forecast")
        x = comp
    else:
        x = np.clip(solution.package, lo, hi)
    result = static_result(NAME, arrays, x, notes=notes)
    result.params = {"samples": SAMPLES, "weights": "mean capability share"}
    return result


SPEC = ModelSpec(
    name=NAME,
    title="Nash bargaining, status quo as disagreement",
    citation="Nash 1950; Kalai 1977; Achen 2006, ch. 4",
    dynamic=False,
    run=_run,
)
