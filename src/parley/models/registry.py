"""The registry of forecasting models.

Each model module defines ``SPEC``, a :class:`ModelSpec` whose ``run`` takes the scenario's
arrays and a :class:`ModelOptions` and returns a :class:`~parley.models.result.ModelResult`.
Modules are imported on first use, so a model's heavy imports cost nothing until it runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.result import IssueForecast, ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "MODEL_NAMES",
    "ModelOptions",
    "ModelSpec",
    "get_model",
    "run_batch",
    "static_result",
]

# name -> module; the order is the order of the forecast table's columns
_MODULES: dict[str, str] = {
    "compromise": "parley.models.compromise",
    "median": "parley.models.median",
    "expected-utility": "parley.models.expected_utility",
    "exchange": "parley.models.exchange",
    "veto-compromise": "parley.models.veto_compromise",
    "nash": "parley.models.nash_status_quo",
    "ensemble": "parley.models.ensemble",
}

MODEL_NAMES: tuple[str, ...] = tuple(_MODULES)


@dataclass(frozen=True)
class ModelOptions:
    """Settings shared by all models.

    ``rounds`` caps the rounds of dynamic models (None: the model's default); ``seed`` seeds any
    randomness (an int, a SeedSequence or a Generator); ``params`` holds model-specific settings.
    """

    rounds: int | None = None
    seed: Any = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    """A model: its name, what it implements, and the functions that run it.

    ``run(arrays, options)`` forecasts one scenario. ``batch(arrays, options)``, where a model
    has one, forecasts many draws at once: ``arrays`` holds per-actor fields shaped
    ``(D, n, m)`` (see :mod:`parley.scenario.arrays`) and the result is the final forecasts,
    shape ``(D, m)``, row ``d`` equal to ``run`` on draw ``d``. Monte Carlo code falls back to
    calling ``run`` draw by draw for a model without ``batch``.
    """

    name: str
    title: str
    citation: str
    dynamic: bool
    run: Callable[[ScenarioArrays, ModelOptions], ModelResult]
    batch: Callable[[ScenarioArrays, ModelOptions], np.ndarray] | None = None


def get_model(name: str) -> ModelSpec:
    """The :class:`ModelSpec` called ``name``; :class:`ModelError` if there is none."""
    if name not in _MODULES:
        raise ModelError(f"unknown model {name!r} (models: {', '.join(MODEL_NAMES)})")
    spec = importlib.import_module(_MODULES[name]).SPEC
    return spec


def static_result(
    name: str, arrays: ScenarioArrays, forecast: np.ndarray, notes: list[str] | None = None
) -> ModelResult:
    """Wrap a per-issue forecast array of a static (one-shot) model in a ModelResult."""
    return ModelResult(
        model=name,
        issues={iid: IssueForecast(float(forecast[i])) for i, iid in enumerate(arrays.issues)},
        notes=list(notes or []),
    )


def run_batch(spec: ModelSpec, arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Final forecasts ``(D, m)`` of ``spec`` on arrays with a leading draws axis.

    Uses ``spec.batch`` where the model has one; otherwise runs the model draw by draw (a
    Python loop: correct, but slow; :func:`has_batch` tells callers which path is taken).
    """
    if arrays.draws is None:
        raise ModelError("run_batch needs arrays with a leading draws axis, shape (D, n, m)")
    if spec.batch is not None:
        return np.asarray(spec.batch(arrays, options), dtype=float)
    out = np.empty((arrays.draws, arrays.n_issues))
    for d in range(arrays.draws):
        res = spec.run(arrays.at(d), options)
        out[d] = [res.issues[i].position for i in arrays.issues]
    return out
