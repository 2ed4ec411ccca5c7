"""Global sensitivity analysis: which uncertain inputs drive each forecast and outcome probability.

Two methods, both through SALib (Herman & Usher 2017, "SALib: an open-source Python library for
sensitivity analysis", *JOSS* 2(9)), on the inputs of :mod:`parley.simulation.sampling`:

* **Morris** (default): elementary effects along random one-at-a-time trajectories (Morris
  1991, "Factorial sampling plans for preliminary computational experiments",
  *Technometrics* 33(2)); reported per output are ``mu_star`` (mean absolute elementary effect,
  Campolongo, Cariboni & Saltelli 2007, *Environmental Modelling & Software* 22, eq. 4), its
  bootstrap confidence half-width ``mu_star_conf`` and ``sigma`` (spread of the effects:
  interactions or non-linearity). Cost: ``trajectories x (k + 1)`` evaluations.
* **Sobol**: variance-based first-order and total indices ``S1``, ``ST`` with confidence
  half-widths (Sobol' 2001, *Math. Comput. Simul.* 55; Saltelli et al. 2010, *Comput. Phys.
  Commun.* 181, estimators of table 2), from Saltelli's extension of Sobol sequences. Cost:
  ``N x (k + 2)`` evaluations.

Every design point is one row of unit draws ``U`` mapped through each input's inverse
distribution function (:func:`parley.simulation.sampling.from_unit`); all rows go through every
model at once (``ModelSpec.batch``).

The *tornado* data give, per output, the value with every input at its point estimate
(``base``) and with one input at a time moved to its ``low`` and to its ``high`` end.

Departures: effects are measured in the inputs' quantile space (a unit step is a step in
probability, not in the input's own units), so an input's range and distribution both count;
Morris effects are divided by the output's scale width where the output is a forecast, so they
are comparable across issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.registry import MODEL_NAMES, get_model
from parley.scenario.arrays import ScenarioArrays
from parley.simulation.monte_carlo import evaluate, make_plan
from parley.simulation.sampling import Input, from_unit, with_spread

__all__ = ["METHODS", "default_models", "sensitivity", "value_quantile"]

METHODS = ("morris", "sobol")
_LEVELS = 4
"""Grid levels of the Morris design (Morris 1991 recommends an even number, 4 being usual)."""
_KEYS = {
    "morris": ("mu_star", "mu_star_conf", "sigma"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}


def default_models() -> list[str]:
    """The models that run on all design points at once (``batch``), except the ensemble."""
    return [n for n in MODEL_NAMES if n != "ensemble" and get_model(n).batch is not None]


def _salib() -> Any:
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise ModelError(
            "sensitivity analysis needs SALib: pip install 'parley[sensitivity]'"
        ) from None
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    return morris_sample, morris_analyze, sobol_sample, sobol_analyze


def value_quantile(inp: Input) -> float:
    """The unit draw that maps to the input's point estimate under its distribution."""
    span = inp.high - inp.low
    if span <= 0:
        return 0.5
    if inp.dist == "truncnormal":
        from scipy.special import ndtr

        a, b = ndtr((inp.low - inp.value) / inp.sd), ndtr((inp.high - inp.value) / inp.sd)
        return float((0.5 - a) / (b - a))
    return (inp.value - inp.low) / span  # uniform CDF; and a triangle's CDF at its mode


def sensitivity(
    arrays: ScenarioArrays,
    *,
    scenario: str = "",
    method: str = "morris",
    samples: int | None = None,
    seed: int = 0,
    models: Sequence[str] | None = None,
    distribution: str = "uniform",
    rounds: int | None = None,
    top: int = 10,
    spread: float = 0.0,
) -> dict[str, Any]:
    """Sensitivity of every forecast and outcome probability to every uncertain input.

    ``samples`` is the number of Morris trajectories (default 20) or Sobol's base sample
    ``N`` (a power of 2, default 256). ``spread`` gives numbers without a range one
    (:func:`parley.simulation.sampling.with_spread`). Returns plain data: ``{"scenario",
    "method", "samples", "seed", "evaluations", "inputs",
    "outputs": [{"output", "kind", "ranking": [...]}],
    "tornado": {OUTPUT: {"base", "bars": [{"input", "low", "high", "swing"}]}}, "notes"}``.
    """
    if method not in METHODS:
        raise ModelError(f"unknown method {method!r} (choose from: {', '.join(METHODS)})")
    if top < 1:
        raise ModelError(f"top must be >= 1, got {top}")
    names = list(models) if models else default_models()
    arrays = with_spread(arrays, spread)
    plan, ids, notes = make_plan(arrays, 1, seed, models=names, rounds=rounds,
                                 distribution=distribution, space_draws=0)
    inputs = list(plan.inputs)
    if not inputs:
        raise ModelError(
            "the scenario has no uncertain inputs (no estimate gives low and high); give "
            "every number a range with --spread, e.g. --spread 0.1"
        )
    k = len(inputs)
    problem = {"num_vars": k, "names": [i.label for i in inputs], "bounds": [[0.0, 1.0]] * k}
    m_sample, m_analyze, s_sample, s_analyze = _salib()
    if method == "morris":
        n = 20 if samples is None else samples
        if n < 2:
            raise ModelError(f"Morris needs at least 2 trajectories, got {n}")
        X = m_sample.sample(problem, n, num_levels=_LEVELS, seed=seed)
    else:
        n = 256 if samples is None else samples
        if n < 2 or n & (n - 1):
            raise ModelError(f"Sobol's base sample must be a power of 2 (>= 2), got {n}")
        X = s_sample.sample(problem, n, calc_second_order=False, seed=seed)
    outputs, kinds, scale = _outputs(plan, ids, from_unit(arrays, inputs, X, plan.table))
    base_u = np.array([value_quantile(i) for i in inputs])
    tornado_U = np.vstack([base_u, *(_moved(base_u, j, 0.0) for j in range(k)),
                           *(_moved(base_u, j, 1.0) for j in range(k))])
    torn, _, _ = _outputs(plan, ids, from_unit(arrays, inputs, tornado_U, plan.table))
    result_outputs = []
    tornado: dict[str, Any] = {}
    for name, Y in outputs.items():
        if np.ptp(Y) == 0:  # the output does not move: no input drives it
            rows = [{"input": label, **dict.fromkeys(_KEYS[method], 0.0)}
                    for label in problem["names"]]
        elif method == "morris":
            res = m_analyze.analyze(problem, X, Y / scale[name], num_levels=_LEVELS, seed=seed)
            rows = [
                {"input": problem["names"][j], "mu_star": float(res["mu_star"][j]),
                 "mu_star_conf": float(res["mu_star_conf"][j]), "sigma": float(res["sigma"][j])}
                for j in range(k)
            ]
            rows.sort(key=lambda r: -r["mu_star"])
        else:
            res = s_analyze.analyze(problem, Y, calc_second_order=False, seed=seed)
            rows = [
                {"input": problem["names"][j], "S1": _num(res["S1"][j]),
                 "S1_conf": _num(res["S1_conf"][j]), "ST": _num(res["ST"][j]),
                 "ST_conf": _num(res["ST_conf"][j])}
                for j in range(k)
            ]
            rows.sort(key=lambda r: -(r["ST"] or 0.0))
        result_outputs.append({"output": name, "kind": kinds[name], "ranking": rows[:top]})
        t = torn[name]
        bars = [
            {"input": problem["names"][j], "low": float(t[1 + j]), "high": float(t[1 + k + j]),
             "swing": float(abs(t[1 + k + j] - t[1 + j]))}
            for j in range(k)
        ]
        bars.sort(key=lambda b: -b["swing"])
        tornado[name] = {"base": float(t[0]), "bars": bars[:top]}
    notes = [n for n in notes if not n.startswith("agenda setter")]
    return {
        "scenario": scenario or "scenario",
        "method": method,
        "samples": n,
        "seed": seed,
        "evaluations": int(X.shape[0]),
        "inputs": problem["names"],
        "outputs": result_outputs,
        "tornado": tornado,
        "notes": notes,
    }


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _moved(base: np.ndarray, j: int, to: float) -> np.ndarray:
    u = base.copy()
    u[j] = to
    return u


def _outputs(
    plan: Any, ids: list[str], arr: ScenarioArrays
) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, float]]:
    """Every output as a column over the design's rows: ``MODEL/ISSUE`` forecasts and
    ``outcome/ID`` probabilities, with their kind and scale width."""
    forecasts, prob = evaluate(plan, arr)
    width = np.asarray(arr.upper) - np.asarray(arr.lower)
    out: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    scale: dict[str, float] = {}
    for name, f in forecasts.items():
        for i, iid in enumerate(arr.issues):
            key = f"{name}/{iid}"
            out[key], kinds[key], scale[key] = f[:, i], "forecast", float(width[i])
    for k, oid in enumerate(ids):
        key = f"outcome/{oid}"
        out[key], kinds[key], scale[key] = prob[:, k], "outcome", 1.0
    return out, kinds, scale
