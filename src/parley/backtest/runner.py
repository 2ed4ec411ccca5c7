"""Run every registered model on every case of a case library and score it.

:func:`run_backtest` loads a case directory (see :mod:`parley.backtest.cases`), runs each model
through :func:`parley.forecast.forecast` on each case, and scores the forecasts against the
recorded outcomes (see :mod:`parley.backtest.scoring`). A case that cannot be loaded, or a model
that fails on a case, is recorded in :attr:`BacktestResult.failures` and the run goes on.

The compromise model is the baseline: every model's mean absolute error is also given as a
ratio to the compromise model's on the same (case, issue) pairs (``vs_compromise`` < 1 means
more accurate than the baseline). The baseline is run even when not asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from parley.backtest.cases import Case, load_cases
from parley.backtest.conformal import DEFAULT_LEVEL, calibration_data, check_level, loco_coverage
from parley.backtest.scoring import (
    brier_score,
    nearest_package,
    scaled_error,
    summarise,
    uniform_brier,
)
from parley.errors import ParleyError
from parley.forecast import forecast
from parley.models.registry import MODEL_NAMES, get_model
from parley.scenario.arrays import to_arrays

__all__ = [
    "BASELINE",
    "BacktestResult",
    "Failure",
    "IssueScore",
    "package_probabilities",
    "run_backtest",
    "score_cases",
]

BASELINE = "compromise"

ProgressFn = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each (case, model) step."""


@dataclass(frozen=True)
class IssueScore:
    """One model's forecast on one issue of one case, and its error."""

    forecast: float
    outcome: float
    error: float
    """Absolute error on the common 0-100 scale."""
    error_raw: float
    """Absolute error in the issue's own units."""

    def to_dict(self) -> dict[str, float]:
        return {
            "forecast": self.forecast,
            "outcome": self.outcome,
            "error": self.error,
            "error_raw": self.error_raw,
        }


@dataclass(frozen=True)
class Failure:
    """A case that could not be loaded (``model`` None) or a model that failed on a case."""

    case: str
    model: str | None
    error: str

    def to_dict(self) -> dict[str, str | None]:
        return {"case": self.case, "model": self.model, "error": self.error}


@dataclass
class BacktestResult:
    """Scores of several models on a case library.

    ``cases[case][model][issue]`` is an :class:`IssueScore`; ``models[model]`` the summary
    (``mae``, ``median_ae``, ``within_10``, ``n``, ``vs_compromise``); ``skipped[case]`` the
    issues without a recorded outcome; ``packages[case]`` the Brier scoring of the agreed
    package where the case records one; ``package_hits[model][case]`` whether the package
    nearest to the model's point forecast is the agreed one.
    """

    directory: str
    model_names: tuple[str, ...]
    cases: dict[str, dict[str, dict[str, IssueScore]]]
    models: dict[str, dict[str, Any]]
    failures: list[Failure] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    packages: dict[str, dict[str, Any]] = field(default_factory=dict)
    package_hits: dict[str, dict[str, bool]] = field(default_factory=dict)
    outcomes: dict[str, Any] | None = None
    """Held-out scores of the outcome odds (:func:`parley.backtest.odds.score_outcomes`)."""

    @property
    def n_skipped(self) -> int:
        """Number of issues skipped for want of a recorded outcome."""
        return sum(len(v) for v in self.skipped.values())

    def errors(self, model: str) -> np.ndarray:
        """All of a model's scaled errors, in case and issue order."""
        return np.array(
            [s.error for per in self.cases.values() for s in per.get(model, {}).values()]
        )

    def calibration(self) -> dict[str, Any]:
        """The interval calibration (:func:`parley.backtest.conformal.calibration_data`) from
        every model's scaled errors on these cases."""
        errors = {
            m: {c: [s.error for s in pm[m].values()] for c, pm in self.cases.items() if m in pm}
            for m in self.model_names
        }
        return calibration_data(errors, self.directory)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready: NaN becomes null)::

        {"cases": {CASE: {MODEL: {ISSUE: {"forecast", "outcome", "error", "error_raw"}}}},
         "models": {MODEL: {"mae", "median_ae", "within_10", "n", "vs_compromise",
                            "coverage", "width", "interval"}},
         "skipped": {...}, "n_skipped": N, "failures": [...], "packages": {...},
         "package_hits": {...}, "scale": "..."}
        """
        return _json_safe(
            {
                "directory": self.directory,
                "scale": "error = |forecast - outcome| / (upper - lower) * 100; "
                "error_raw in the issue's units",
                "cases": {
                    c: {m: {i: s.to_dict() for i, s in per.items()} for m, per in pm.items()}
                    for c, pm in self.cases.items()
                },
                "models": self.models,
                "skipped": self.skipped,
                "n_skipped": self.n_skipped,
                "failures": [f.to_dict() for f in self.failures],
                "packages": self.packages,
                "package_hits": self.package_hits,
                "outcomes": self.outcomes,
            }
        )


def _json_safe(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return float(obj) if np.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def package_probabilities(case: Case, seed: Any = None) -> dict[str, float] | None:
    """Probabilities of the case's candidate packages, from :mod:`parley.analysis.outcomes`
    (the analysis behind ``parley outcomes``), with its default settings.

    Returns package id -> probability, plus ``"no_agreement"`` for the probability of no
    package (which is then scored as one more category). Returns None when that module is not
    installed (the Brier score is then not computed and the result says why). ``seed`` must be
    an int or None (None: the analysis's own default seed).
    """
    try:
        from parley.odds import outcomes
    except ImportError:
        return None
    if case.loaded is None:
        return None
    kwargs: dict[str, Any] = {} if seed is None else {"seed": seed}
    res = outcomes(case.loaded.scenario, case.name, **kwargs)
    probs = {pid: float(p) for pid, p in zip(res.candidates.ids, res.probability, strict=True)}
    if res.no_agreement > 0:
        probs["no_agreement"] = float(res.no_agreement)
    return probs


def _score_model(
    case: Case, name: str, rounds: int | None, seed: Any, params: dict[str, dict[str, Any]]
) -> tuple[dict[str, IssueScore], dict[str, float]]:
    """Run one model on one case; return the scores and the full point forecast."""
    assert case.loaded is not None and case.outcome is not None
    scen = case.loaded.scenario
    arr = to_arrays(scen)
    fc = forecast(case.loaded, [name], rounds=rounds, seed=seed, params=params, arrays=arr)
    positions = fc.models[name].positions
    scales = {i.id: i.scale for i in scen.issues}
    scores: dict[str, IssueScore] = {}
    for iid, outcome in case.outcome.recorded().items():
        f = float(positions[iid])
        if not np.isfinite(f):
            raise ParleyError(f"no forecast (NaN) on issue {iid!r}")
        sc = scales[iid]
        scores[iid] = IssueScore(
            forecast=f,
            outcome=float(outcome),
            error=float(scaled_error(f, outcome, sc.min, sc.max)),
            error_raw=abs(f - float(outcome)),
        )
    return scores, {k: float(v) for k, v in positions.items()}


def score_cases(
    cases: Sequence[Case],
    models: Sequence[str] | None = None,
    *,
    rounds: int | None = None,
    seed: Any = None,
    params: dict[str, dict[str, Any]] | None = None,
    progress: ProgressFn | None = None,
    directory: str = "",
    level: float = DEFAULT_LEVEL,
    odds: bool = False,
) -> BacktestResult:
    """Score ``models`` (default: every registered model) on already loaded cases.

    See :func:`run_backtest`; this is the same without reading the directory (used by
    cross-validation, which scores subsets of cases). With ``odds``, the outcome odds are
    scored too (held out case by case; :func:`parley.backtest.odds.score_outcomes`).
    """
    check_level(level)
    names = list(dict.fromkeys(models or MODEL_NAMES))
    for n in names:
        get_model(n)  # unknown names fail before anything runs
    run_names = names if BASELINE in names else [*names, BASELINE]
    params = params or {}
    scores: dict[str, dict[str, dict[str, IssueScore]]] = {}
    failures: list[Failure] = []
    skipped: dict[str, list[str]] = {}
    packages: dict[str, dict[str, Any]] = {}
    hits: dict[str, dict[str, bool]] = {n: {} for n in names}
    total, done = len(cases) * len(run_names), 0

    for case in cases:
        scores[case.name] = {}
        if not case.ok:
            failures.append(Failure(case.name, None, case.error or "cannot be loaded"))
            done += len(run_names)
            if progress is not None:
                progress(done, total, f"{case.name}: failed to load")
            continue
        assert case.loaded is not None and case.outcome is not None
        skipped[case.name] = list(case.skipped)
        scen = case.loaded.scenario
        spans = {i.id: i.scale.max - i.scale.min for i in scen.issues}
        pkg_pos = {p.id: p.positions for p in scen.packages}
        for name in run_names:
            try:
                per_issue, point = _score_model(case, name, rounds, seed, params)
            except Exception as exc:  # isolate a failing model and go on
                msg = str(exc) if isinstance(exc, ParleyError) else f"{type(exc).__name__}: {exc}"
                if name in names:
                    failures.append(Failure(case.name, name, msg))
            else:
                scores[case.name][name] = per_issue
                if name in names and case.outcome.agreed is not None and pkg_pos:
                    hits[name][case.name] = (
                        nearest_package(point, pkg_pos, spans) == case.outcome.agreed
                    )
            done += 1
            if progress is not None:
                progress(done, total, f"{case.name}: {name}")
        if case.outcome.agreed is not None:
            packages[case.name] = _score_packages(case, seed)

    summary = _summaries(scores, names)
    add_coverage(summary, scores, spans_of(cases), level)
    visible = {c: {m: s for m, s in pm.items() if m in names} for c, pm in scores.items()}
    odds_result = None
    if odds:
        from parley.backtest.odds import score_outcomes

        odds_result = score_outcomes(cases)
    return BacktestResult(
        directory=directory,
        model_names=tuple(names),
        cases=visible,
        models=summary,
        failures=failures,
        skipped=skipped,
        packages=packages,
        package_hits={n: h for n, h in hits.items() if h},
        outcomes=odds_result,
    )


def _score_packages(case: Case, seed: Any) -> dict[str, Any]:
    assert case.loaded is not None and case.outcome is not None
    agreed = case.outcome.agreed
    k = len(case.loaded.scenario.packages)
    out: dict[str, Any] = {"agreed": agreed, "n_packages": k, "uniform_brier": uniform_brier(k)}
    try:
        probs = package_probabilities(case, seed)
    except ParleyError as exc:
        out["error"] = str(exc)
        return out
    if probs is None:
        out["note"] = "parley.analysis.outcomes is not available: no package probabilities"
        return out
    out["probabilities"] = probs
    out["brier"] = brier_score(probs, agreed or "")
    out["uniform_brier"] = uniform_brier(len(probs))  # same categories, equal probabilities
    return out


def _summaries(
    scores: dict[str, dict[str, dict[str, IssueScore]]], names: Sequence[str]
) -> dict[str, dict[str, Any]]:
    summary: dict[str, dict[str, Any]] = {}
    for name in names:
        errs, paired_m, paired_b = [], [], []
        for per_model in scores.values():
            mine = per_model.get(name, {})
            base = per_model.get(BASELINE, {})
            for iid, s in mine.items():
                errs.append(s.error)
                if iid in base:
                    paired_m.append(s.error)
                    paired_b.append(base[iid].error)
        stats: dict[str, Any] = dict(summarise(errs))
        b = float(np.mean(paired_b)) if paired_b else float("nan")
        stats["vs_compromise"] = float(np.mean(paired_m)) / b if paired_b and b > 0 else None
        stats["n_cases"] = sum(1 for pm in scores.values() if name in pm)
        summary[name] = stats
    return summary


def spans_of(cases: Sequence[Case]) -> dict[str, dict[str, tuple[float, float]]]:
    """Case -> issue -> (lower, upper) of the issue's scale, for the cases that loaded."""
    return {
        c.name: {i.id: (i.scale.min, i.scale.max) for i in c.loaded.scenario.issues}
        for c in cases
        if c.loaded is not None
    }


def add_coverage(
    summary: dict[str, dict[str, Any]],
    scores: dict[str, dict[str, dict[str, IssueScore]]],
    scales: dict[str, dict[str, tuple[float, float]]],
    level: float,
) -> None:
    """Add each model's leave-one-case-out conformal ``coverage`` and ``width`` (points of
    100) at nominal ``level`` to ``summary`` (see :func:`parley.backtest.conformal.loco_coverage`).
    """
    for name, stats in summary.items():
        errs: dict[str, list[float]] = {}
        where: dict[str, list[float]] = {}
        for case, per_model in scores.items():
            mine = per_model.get(name)
            if not mine:
                continue
            errs[case] = [s.error for s in mine.values()]
            where[case] = [
                (s.forecast - scales[case][i][0]) / (scales[case][i][1] - scales[case][i][0])
                * 100.0
                for i, s in mine.items()
            ]
        cov = loco_coverage(errs, where, level)
        stats["coverage"], stats["width"], stats["interval"] = (
            cov["coverage"], cov["width"], cov["level"]
        )


def run_backtest(
    directory: str | Path,
    models: Sequence[str] | None = None,
    *,
    rounds: int | None = None,
    seed: Any = None,
    params: dict[str, dict[str, Any]] | None = None,
    progress: ProgressFn | None = None,
    level: float = DEFAULT_LEVEL,
    odds: bool = True,
) -> BacktestResult:
    """Score ``models`` (default: every registered model) on the case library ``directory``.

    ``rounds``, ``seed`` and ``params`` are passed to :func:`parley.forecast.forecast` for every
    case. ``level`` is the nominal coverage of the conformal intervals whose held-out coverage
    and width are reported per model (``coverage``, ``width``); ``odds`` adds the held-out
    scores of the outcome odds (``outcomes``). ``progress(done, total,
    label)`` is called after each (case, model) step. Raises
    :class:`parley.ParleyError` only for an unusable directory or an unknown model name; bad
    cases and failing models are recorded in the result.
    """
    cases = load_cases(directory)
    return score_cases(
        cases,
        models,
        rounds=rounds,
        seed=seed,
        params=params,
        progress=progress,
        directory=str(directory),
        level=level,
        odds=odds,
    )
