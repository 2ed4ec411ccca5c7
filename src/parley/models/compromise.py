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

__all__ = ["SPEC", "compromise", "fallback_notes", "weight_fallback", "weight_fallback_text"]

_FALLBACK_TEXT = {
    1: "all saliences are zero: capability-weighted {what}",
    2: "all saliences and capabilities are zero: unweighted {what}",
}


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


def weight_fallback(
    salience: np.ndarray, capability: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """Which weights a weighted mean or median of positions falls back to, per issue
    ``(..., m)``: 0 none (salience x capability weights), 1 capability weights (every salience
    zero), 2 equal weights (capabilities zero too). The one definition of the zero-weight
    fallback that the compromise, median, expected-utility and exchange models share."""
    m = np.asarray(mask, dtype=bool)
    c = np.where(m, capability, 0.0)
    w = np.where(m, salience, 0.0) * c
    return np.where(w.sum(axis=-2) > 0, 0, np.where(c.sum(axis=-2) > 0, 1, 2))


def weight_fallback_text(code: int, what: str = "mean") -> str | None:
    """The words for a :func:`weight_fallback` code (None for 0), e.g. "all saliences are
    zero: capability-weighted mean"."""
    return _FALLBACK_TEXT[int(code)].format(what=what) if code else None


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw: ``(D, n, m)`` arrays -> ``(D, m)`` (any leading axes work)."""
    return compromise(arrays.position, arrays.salience, arrays.capability, arrays.mask)


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    x = _batch(arrays, options)
    code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    result = static_result("compromise", arrays, x)
    result.notes.extend(fallback_notes(result, arrays, code, "mean"))
    return result


def fallback_notes(
    result: ModelResult, arrays: ScenarioArrays, code: np.ndarray, what: str
) -> list[str]:
    """Set each issue forecast's ``fallback`` from :func:`weight_fallback` codes (in place) and
    return one note per kind of fallback naming its issues."""
    notes = []
    for k in (1, 2):
        ids = [arrays.issues[i] for i in np.flatnonzero(code == k)]
        for iid in ids:
            result.issues[iid].fallback = weight_fallback_text(k, what)
        if ids:
            notes.append(f"{weight_fallback_text(k, what)} on {', '.join(ids)}")
    return notes


SPEC = ModelSpec(
    name="compromise",
    title="Compromise (weighted mean)",
    citation="Achen 2006, in Thomson et al., The European Union Decides, eq. 4.1-4.2",
    dynamic=False,
    run=_run,
    batch=_batch,
)
