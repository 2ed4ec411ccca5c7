"""Outcome odds on the case library: scores, baselines and the fit of the logit precision.

The outcome model (:mod:`parley.analysis.outcomes`) gives each candidate package of a case,
and "no agreement", a probability. Where a case records which package came about (or that no
agreement was reached), the forecast is scored with

* the multi-category **Brier score** ``sum_k (p_k - o_k)^2`` (Brier 1950, *Monthly Weather
  Review* 78(1), eq. 1): 0 is perfect, 2 the worst;
* the **log score** ``ln p_agreed`` (Good 1952, "Rational decisions", *J. Royal Statistical
  Society B* 14(1), 107-114; the logarithmic scoring rule of Gneiting and Raftery 2007,
  *JASA* 102(477), 359-378, sec. 3.1, in its positive orientation): 0 is perfect, higher is
  better. A probability of 0 would score minus infinity; probabilities are floored at
  ``LOG_FLOOR`` = 0.001 (a score of -6.9) so that one confident miss does not swamp the mean.

against two baselines: **uniform** (equal probabilities on the candidate packages and "no
agreement", the categories the model forecasts) and **no agreement** (probability 1 on "no
agreement" always).

**Fit.** The model's one free continuous parameter is the logit precision ``lambda`` (the
loss function and agenda setter are structural choices, not fitted). It is fitted by maximum
likelihood over the cases, ``max_lambda sum_c ln p_c(agreed_c; lambda)`` (with the same
floor), on the grid ``PRECISION_GRID``; a case's probabilities at each grid value are
computed once (``FIT_DRAWS`` Monte Carlo draws, seed 0). The reported scores are **held out
by leave-one-case-out** (Stone 1974, *J. Royal Statistical Society B* 36(2), 111-147): case
``c`` is scored at the precision fitted on the other cases. The fit on all cases is the
value shipped as :data:`parley.analysis.outcomes.DEFAULT_PRECISION`; the result says whether
it lies on the grid's boundary and how flat the likelihood is around it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from parley.backtest.cases import NO_AGREEMENT, Case
from parley.backtest.scoring import brier_score
from parley.errors import ParleyError

__all__ = [
    "FIT_DRAWS",
    "LOG_FLOOR",
    "PRECISION_GRID",
    "category_probabilities",
    "log_score",
    "score_outcomes",
]

PRECISION_GRID: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 20.0,
                                     30.0, 50.0)
"""Values of the logit precision tried by the maximum-likelihood fit."""
FIT_DRAWS = 500
"""Monte Carlo draws per case and precision in the fit (the analysis's own default is larger)."""
FIT_SEED = 0
"""Seed of those draws: every precision sees the same draws (common random numbers)."""
LOG_FLOOR = 1e-3
"""Probabilities are floored here in the log score (ln 0.001 = -6.9)."""


def log_score(probabilities: dict[str, float], agreed: str) -> float:
    """``ln max(p_agreed, LOG_FLOOR)``; the agreed category may be missing (probability 0)."""
    return math.log(max(float(probabilities.get(agreed, 0.0)), LOG_FLOOR))


def category_probabilities(
    case: Case, precision: float, draws: int = FIT_DRAWS, seed: int = FIT_SEED
) -> dict[str, float]:
    """Probabilities of the case's candidate packages and of ``"no_agreement"`` (always
    present, possibly 0), from :func:`parley.analysis.outcomes.outcomes`."""
    from parley.analysis.outcomes import outcomes

    if case.loaded is None:
        raise ParleyError(f"case {case.name} did not load")
    res = outcomes(case.loaded.scenario, case.name, precision=precision, draws=draws, seed=seed)
    probs = {pid: float(p) for pid, p in zip(res.candidates.ids, res.probability, strict=True)}
    probs[NO_AGREEMENT] = probs.get(NO_AGREEMENT, 0.0) + float(res.no_agreement)
    return probs


def _scores(probs: dict[str, float], agreed: str) -> tuple[float, float]:
    return brier_score(probs, agreed), log_score(probs, agreed)


def _baselines(probs: dict[str, float], agreed: str) -> dict[str, tuple[float, float]]:
    k = len(probs)
    uniform = {c: 1.0 / k for c in probs}
    never = {c: float(c == NO_AGREEMENT) for c in probs}
    return {"uniform": _scores(uniform, agreed), "no_agreement": _scores(never, agreed)}


def _mean(rows: list[tuple[float, float]]) -> dict[str, float]:
    a = np.array(rows, dtype=float).reshape(-1, 2)
    return {"brier": float(a[:, 0].mean()), "log_score": float(a[:, 1].mean())}


def score_outcomes(
    cases: Sequence[Case],
    grid: Sequence[float] = PRECISION_GRID,
    draws: int = FIT_DRAWS,
    seed: int = FIT_SEED,
) -> dict[str, Any]:
    """Held-out (leave-one-case-out) Brier and log scores of the outcome model on the cases
    that record ``agreed``, the two baselines, and the maximum-likelihood precision.

    Returns ``{"brier", "log_score", "n_cases", "baselines": {"uniform": {...},
    "no_agreement": {...}}, "fit": {...}, "cases": {CASE: {...}}}`` (the top-level scores are
    the held-out ones); ``n_cases`` 0 and null scores when no case records ``agreed``.
    """
    scored = [c for c in cases if c.ok and c.outcome is not None and c.outcome.agreed]
    grid = sorted(set(float(g) for g in grid))
    if not scored:
        return {"brier": None, "log_score": None, "n_cases": 0, "baselines": {}, "fit": {}}
    names = [c.name for c in scored]
    agreed = [c.outcome.agreed or "" for c in scored if c.outcome is not None]
    table = [[category_probabilities(c, lam, draws, seed) for lam in grid] for c in scored]
    loglik = np.array([[log_score(p, a) for p in row] for row, a in zip(table, agreed,
                                                                          strict=True)])
    total = loglik.sum(axis=0)  # (grid,)
    best = int(np.argmax(total))
    held: list[tuple[float, float]] = []
    per_case: dict[str, Any] = {}
    base_rows: dict[str, list[tuple[float, float]]] = {"uniform": [], "no_agreement": []}
    for j, name in enumerate(names):
        g = int(np.argmax(total - loglik[j]))  # fitted without case j
        probs = table[j][g]
        b, ls = _scores(probs, agreed[j])
        held.append((b, ls))
        bases = _baselines(probs, agreed[j])
        for k, v in bases.items():
            base_rows[k].append(v)
        per_case[name] = {
            "agreed": agreed[j],
            "precision": grid[g],
            "probabilities": probs,
            "brier": b,
            "log_score": ls,
            "baselines": {k: {"brier": v[0], "log_score": v[1]} for k, v in bases.items()},
        }
    n = len(names)
    return {
        **_mean(held),
        "n_cases": n,
        "baselines": {k: {**_mean(v), "n_cases": n} for k, v in base_rows.items()},
        "fit": {
            "parameter": "precision",
            "precision": grid[best],
            "grid": grid,
            "log_likelihood": [float(x) for x in total],
            "on_boundary": best in (0, len(grid) - 1),
            "draws": draws,
            "seed": seed,
            "log_floor": LOG_FLOOR,
            "in_sample": _mean([_scores(table[j][best], agreed[j]) for j in range(n)]),
        },
        "cases": per_case,
    }
