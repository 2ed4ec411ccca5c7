"""The compromise model: the salience x capability weighted mean of the actors' positions.

Implements the compromise model of Achen (2006), "Evaluating political decision-making models",
in Thomson, Stokman, Achen and König (eds), *The European Union Decides* (Cambridge UP, 2006),
ch. 4, eq. (4.1)-(4.2): the outcome on an issue is

    x* = sum_a c_a s_a x_a / sum_a c_a s_a

with c the capability, s the salience and x the position of actor a. In that book's comparison
of models on EU legislation this simple weighted mean was as accurate as, or more accurate
than, the elaborate bargaining models, which makes it the baseline every other model in parley
is measured against.

Departures: none in the formula. Where every actor on an issue has salience 0 (so the weights
sum to zero) the capability-weighted mean is returned, and where capabilities are zero too the
plain mean of the positions; the book does not consider these degenerate cases.
"""

from __future__ import annotations

import numpy as np

from parley.models.registry import ModelOptions, ModelSpec, static_result
from parley.models.result import ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = ["SPEC", "compromise"]


def _weighted_mean(position: np.ndarray, weight: np.ndarray, mask: np.ndarray) -> np.ndarray:
    w = np.where(mask, weight, 0.0)
    x = np.where(mask, position, 0.0)
    total = w.sum(axis=-2)
    num = (w * x).sum(axis=-2)
    return np.divide(num, total, out=np.full(total.shape, np.nan), where=total > 0)


def compromise(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted mean of positions per issue.

    Parameters
    ----------
    position, salience, capability:
        Arrays of shape ``(..., actors, issues)``.
    mask:
        True where the actor takes part in the issue (default: everywhere).

    Returns
    -------
    Array of shape ``(..., issues)``.
    """
    position = np.asarray(position, dtype=float)
    if mask is None:
        mask = np.ones(position.shape, dtype=bool)
    out = _weighted_mean(position, salience * capability, mask)
    for fallback in (capability, np.ones_like(position)):
        missing = np.isnan(out)
        if not missing.any():
            break
        out = np.where(missing, _weighted_mean(position, fallback, mask), out)
    return out


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw: ``(D, n, m)`` arrays -> ``(D, m)`` (any leading axes work)."""
    return compromise(arrays.position, arrays.salience, arrays.capability, arrays.mask)


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    x = _batch(arrays, options)
    notes = []
    zero = (arrays.weight.sum(axis=0) == 0).nonzero()[0]
    if zero.size:
        ids = ", ".join(arrays.issues[i] for i in zero)
        notes.append(f"all saliences are zero on {ids}: capability-weighted mean used")
    return static_result("compromise", arrays, x, notes=notes)


SPEC = ModelSpec(
    name="compromise",
    title="Compromise (weighted mean)",
    citation="Achen 2006, in Thomson et al., The European Union Decides, eq. 4.1-4.2",
    dynamic=False,
    run=_run,
    batch=_batch,
)
