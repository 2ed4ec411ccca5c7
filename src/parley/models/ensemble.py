"""The ensemble model: a weighted average of the other registered models' forecasts.

Forecast combination after Bates and Granger (1969), "The combination of forecasts",
*Operational Research Quarterly* 20(4), 451-468: the combined forecast on an issue is

    x_ens = sum_m w_m x_m,    w_m >= 0,  sum_m w_m = 1,

with x_m the forecast of member model m. By default every member gets the same weight, the
simple average that Clemen (1989), "Combining forecasts: a review and annotated bibliography",
*International Journal of Forecasting* 5(4), 559-583, found hard to beat in practice; equal
weights need no fitting, so an equal-weight ensemble's backtest score is not flattered by
tuning. Weights fitted on past cases must be judged on cases left out of the fit (see
:mod:`parley.backtest.crossval`, which does this by leave-one-case-out cross-validation).

Parameters (``ModelOptions.params``):

* ``members``: list of model names (default: every registered model except ``ensemble``);
* ``weights``: mapping member -> non-negative weight (default: equal; normalised to sum 1).

Departures from Bates and Granger: weights are fixed per run rather than estimated from the
members' error variances (there are too few past cases to estimate covariances). A member that
fails on a scenario (for any reason) is left out and the remaining weights renormalised,
with a note naming the member and the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from parley.errors import ModelError, ParleyError
from parley.models.registry import (
    MODEL_NAMES,
    ModelOptions,
    ModelSpec,
    get_model,
    run_batch,
    static_result,
)
from parley.models.result import ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = ["SPEC", "combine", "default_members"]

NAME = "ensemble"


def default_members() -> list[str]:
    """Every registered model except the ensemble itself."""
    return [n for n in MODEL_NAMES if n != NAME]


def combine(forecasts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted average of member forecasts.

    ``forecasts`` has shape ``(..., members, issues)``, ``weights`` shape ``(members,)``
    (non-negative, not all zero; normalised here). Returns shape ``(..., issues)``.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise ModelError("ensemble weights must be non-negative, finite and not all zero")
    w = w / w.sum()
    return np.tensordot(w, np.asarray(forecasts, dtype=float), axes=([0], [-2]))


def _weights(members: Sequence[str], given: Mapping[str, Any] | None) -> np.ndarray:
    if given is None:
        return np.ones(len(members))
    unknown = sorted(set(given) - set(members))
    if unknown:
        raise ModelError(f"ensemble: weights given for models not among the members: {unknown}")
    try:
        return np.array([float(given.get(m, 0.0)) for m in members])
    except (TypeError, ValueError):
        raise ModelError("ensemble: weights must be numbers") from None


def _plan(options: ModelOptions) -> tuple[list[str], np.ndarray]:
    """The members and their (unnormalised) weights, checked."""
    params = dict(options.params)
    members = list(params.get("members") or default_members())
    if NAME in members:
        raise ModelError("ensemble: cannot be a member of itself")
    if not members:
        raise ModelError("ensemble: no member models")
    return members, _weights(members, params.get("weights"))


def _members(
    arrays: ScenarioArrays, options: ModelOptions, forecast: Callable[..., np.ndarray]
) -> tuple[list[str], list[np.ndarray], list[float], list[str]]:
    """Run every member with non-zero weight through ``forecast(spec, arrays, options)``;
    returns the members used, their forecasts, their weights and notes on those that failed."""
    members, weights = _plan(options)
    notes: list[str] = []
    used, rows, w_used = [], [], []
    for name, w in zip(members, weights, strict=True):
        spec = get_model(name)
        if w == 0:
            continue
        member_opts = ModelOptions(rounds=options.rounds, seed=options.seed, params={})
        try:
            rows.append(forecast(spec, arrays, member_opts))
        except Exception as exc:  # a failing member must not sink the ensemble; noted below
            why = str(exc) if isinstance(exc, ParleyError) else f"{type(exc).__name__}: {exc}"
            notes.append(f"member {name} failed and was left out: {why}")
            continue
        used.append(name)
        w_used.append(float(w))
    if not rows:
        raise ModelError("ensemble: every member model failed")
    return used, rows, w_used, notes


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw ``(D, m)`` from the members' own batch forecasts."""
    _, rows, w_used, _ = _members(arrays, options, run_batch)
    return combine(np.stack(rows, axis=-2), np.array(w_used))


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    runs: dict[str, ModelResult] = {}

    def point(spec: ModelSpec, arr: ScenarioArrays, opts: ModelOptions) -> np.ndarray:
        runs[spec.name] = res = spec.run(arr, opts)
        return np.array([res.issues[i].position for i in arr.issues])

    used, rows, w_used, notes = _members(arrays, options, point)
    x = combine(np.array(rows), np.array(w_used))
    total = float(np.sum(w_used))
    result = static_result(NAME, arrays, x, notes=notes)
    for iid, f in result.issues.items():
        taken = [m for m in used if runs[m].issues[iid].fallback is not None]
        if taken:
            f.fallback = "averages members that fell back (see theirs): " + ", ".join(taken)
    shares = {m: w / total for m, w in zip(used, w_used, strict=True)}
    result.params = {"members": used, "weights": shares}
    return result


SPEC = ModelSpec(
    name=NAME,
    title="Ensemble (weighted average of models)",
    citation="Bates and Granger 1969; Clemen 1989",
    dynamic=False,
    run=_run,
    batch=_batch,
)
