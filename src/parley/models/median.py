"""The median model: the position of the salience x capability weighted median actor.

The median voter theorem (Black 1948, "On the rationale of group decision-making", *J. Political
Economy* 56(1)) applied to weighted actors, as used as a baseline in Achen (2006) in Thomson et
al. (eds), *The European Union Decides*, ch. 4, and as the forecast of Bueno de Mesquita's
expected-utility model in every round (see :mod:`parley.models.expected_utility`).

On each issue the actors are sorted by position; the forecast is the first position at which
the cumulative weight c·s reaches half of the total (the *lower weighted median*). It minimises
sum_a c_a s_a |x_a - y| over the actors' positions y; where two positions tie (the cumulative
weight hits exactly one half), the lower one is returned.

Departures: where all weights on an issue are zero the capability-weighted median is used, and
where capabilities are zero too the plain median.
"""

from __future__ import annotations

import numpy as np

from parley.models.registry import ModelOptions, ModelSpec, static_result
from parley.models.result import ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = ["SPEC", "weighted_median"]

_REL_TOL = 1e-12


def weighted_median(
    position: np.ndarray, weight: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Lower weighted median along the actor axis (-2) of ``(..., actors, issues)`` arrays.

    Returns an array of shape ``(..., issues)``; NaN where no actor takes part.
    Positions where ``mask`` is False (or whose position is NaN) are ignored.
    """
    x = np.asarray(position, dtype=float)
    w = np.asarray(weight, dtype=float)
    valid = ~np.isnan(x) if mask is None else (np.asarray(mask, dtype=bool) & ~np.isnan(x))
    w = np.where(valid, np.broadcast_to(w, x.shape), 0.0)
    total = w.sum(axis=-2, keepdims=True)
    # equal weights where all are zero, so the median is still defined
    w = np.where(total > 0, w, valid.astype(float))
    total = w.sum(axis=-2, keepdims=True)
    key = np.where(valid, x, np.inf)
    order = np.argsort(key, axis=-2, kind="stable")
    xs = np.take_along_axis(key, order, axis=-2)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-2), axis=-2)
    reached = cum >= 0.5 * total * (1 - _REL_TOL)
    idx = np.argmax(reached, axis=-2)[..., None, :]
    out = np.take_along_axis(xs, idx, axis=-2)[..., 0, :]
    return np.where(np.isfinite(out), out, np.nan)


def _forecast(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray]:
    """The forecast ``(..., m)`` and where all saliences are zero ``(..., m)``."""
    w = arrays.weight
    zero = w.sum(axis=-2) == 0
    w = np.where(zero[..., None, :], arrays.capability, w)
    return weighted_median(arrays.position, w, arrays.mask), zero


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw: ``(D, n, m)`` arrays -> ``(D, m)``."""
    return _forecast(arrays)[0]


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    from parley.models.compromise import fallback_notes, weight_fallback

    x, _ = _forecast(arrays)
    result = static_result("median", arrays, x)
    code = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    result.notes.extend(fallback_notes(result, arrays, code, "median"))
    return result


SPEC = ModelSpec(
    name="median",
    title="Weighted median",
    citation="Black 1948; Achen 2006 in Thomson et al., The European Union Decides",
    dynamic=False,
    run=_run,
    batch=_batch,
)
