"""Run forecasting models on a scenario: the function behind ``parley forecast``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

# imported where used: `import parley` loads this module, and must stay light
if TYPE_CHECKING:
    from parley.models.result import ModelResult
    from parley.scenario.arrays import ScenarioArrays
    from parley.scenario.loader import LoadedScenario
    from parley.scenario.schema import Scenario

__all__ = ["Forecast", "add_intervals", "forecast", "resolve"]


@dataclass
class Forecast:
    """The forecasts of several models for one scenario."""

    scenario: str
    models: dict[str, ModelResult]
    issues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"scenario": NAME, "models": {MODEL: {"issues": {ISSUE: {"position": X}}}}}``
        plus, for dynamic models, per-issue ``rounds`` and ``converged`` and per-model
        ``actors``."""
        return {
            "scenario": self.scenario,
            "models": {name: res.to_dict() for name, res in self.models.items()},
        }

    def to_dataframe(self) -> Any:
        """A long pandas DataFrame: one row per model and issue (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_dataframe() needs pandas: pip install 'parley[pandas]'"
            ) from exc
        rows = [
            {
                "scenario": self.scenario,
                "model": name,
                "issue": iid,
                "position": f.position,
                "converged": f.converged,
                "n_rounds": None if f.rounds is None else len(f.rounds) - 1,
            }
            for name, res in self.models.items()
            for iid, f in res.issues.items()
        ]
        return pd.DataFrame(rows)


ScenarioLike: TypeAlias = "str | Path | Scenario | LoadedScenario | None"


def resolve(scenario: ScenarioLike) -> LoadedScenario:
    """Accept a path, a built-in name, a :class:`Scenario` or a :class:`LoadedScenario`."""
    from parley.scenario.loader import LoadedScenario, load_scenario
    from parley.scenario.schema import Scenario

    if isinstance(scenario, LoadedScenario):
        return scenario
    if isinstance(scenario, Scenario):
        return LoadedScenario(scenario, scenario.title, None)
    return load_scenario(scenario)


def forecast(
    scenario: ScenarioLike = None,
    models: Sequence[str] | None = None,
    *,
    rounds: int | None = None,
    seed: Any = None,
    params: dict[str, dict[str, Any]] | None = None,
    arrays: ScenarioArrays | None = None,
    interval: float | None = None,
) -> Forecast:
    """Forecast every issue of ``scenario`` with each model in ``models`` (default: all).

    ``rounds`` caps dynamic models' rounds, ``seed`` seeds any random tie-breaking, and
    ``params`` gives model-specific settings by model name. ``interval`` (a level strictly
    between 0 and 1, e.g. 0.8) adds to every issue forecast the predictive interval of that
    nominal coverage, calibrated on the case library (:mod:`parley.backtest.conformal`).
    """
    from parley.models.registry import MODEL_NAMES, ModelOptions, get_model
    from parley.scenario.arrays import to_arrays

    loaded = resolve(scenario)
    arr = arrays if arrays is not None else to_arrays(loaded.scenario)
    names = list(models) if models else list(MODEL_NAMES)
    specs = [get_model(n) for n in dict.fromkeys(names)]  # validate all names first
    results = {}
    for spec in specs:
        opts = ModelOptions(rounds=rounds, seed=seed, params=(params or {}).get(spec.name, {}))
        results[spec.name] = spec.run(arr, opts)
    if interval is not None:
        add_intervals(results, arr, interval, params or {})
    annotate(results, arr)
    return Forecast(scenario=loaded.name, models=results, issues=arr.issues)


def annotate(results: dict[str, ModelResult], arrays: ScenarioArrays) -> None:
    """Set each issue forecast's ``label`` (the nearest labelled point of the issue's scale)
    and ``veto_red_lines_crossed`` (veto players whose red line on the issue it crosses, by
    the rule of :func:`parley.analysis.utility.red_line_crossings`), in place."""
    import numpy as np

    from parley.analysis.utility import red_line_crossings
    from parley.scenario.labels import nearest_label

    points = arrays.points or tuple({} for _ in arrays.issues)
    veto = list(arrays.veto_index)
    for res in results.values():
        x = np.array([res.issues[i].position for i in arrays.issues], dtype=float)
        crossed = None
        if veto and np.isfinite(x).all():
            crossed = red_line_crossings(x[None, :], arrays)[0]  # (n, m)
        for i, iid in enumerate(arrays.issues):
            f = res.issues[iid]
            f.label = nearest_label(points[i], f.position)
            if crossed is not None:
                f.veto_red_lines_crossed = [arrays.actors[a] for a in veto if crossed[a, i]]


def add_intervals(
    results: dict[str, ModelResult],
    arrays: ScenarioArrays,
    level: float,
    params: dict[str, dict[str, Any]],
) -> None:
    """Set each issue forecast's ``interval`` from the shipped calibration, in place.

    A model the calibration does not cover gets no interval and a note; a model run with
    settings of its own gets a note that the calibration is for its default settings.
    """
    import numpy as np

    from parley.backtest.conformal import check_level, interval, load_calibration

    lv = check_level(level)
    cal = load_calibration()
    for name, res in results.items():
        q = cal.half_width(name, lv)
        if q is None:
            res.notes.append(
                "no interval: this model is not in the calibration (see docs/validation.md)"
            )
            continue
        if params.get(name):
            res.notes.append("interval calibrated for the model's default settings")
        x = np.array([res.issues[i].position for i in arrays.issues])
        lo, hi = interval(x, q, arrays.lower, arrays.upper)
        for k, iid in enumerate(arrays.issues):
            res.issues[iid].interval = (float(lo[k]), float(hi[k]))
