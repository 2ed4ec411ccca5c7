"""Outcome odds on the case library: scores, baselines and the fit of the model's parameters.

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

**Fit.** The model's free continuous parameters are the logit precision ``lambda``, the
consent bias ``alpha`` (log-odds of consent at zero surplus, which sets the expected size of
the setter's random choice set) and the setter's no-proposal weight ``beta`` (the propensity
to end without agreement; -10 stands for "never walks away while a proposal would pass");
see :mod:`parley.analysis.outcomes`. They are fitted jointly by
maximum likelihood, ``max sum_c ln p_c(agreed_c; lambda, alpha, beta)`` (with the same floor),
over the grid ``FIT_GRID`` (every combination), with the loss ``FIT_LOSS``. The loss is
fitted alongside as a discrete choice among ``FIT_LOSSES`` and reported (``fit.losses``),
but not shipped: it is the default of every analysis (agreement space, levers, game), not of
the outcome model alone. Each case's probabilities are computed once per grid point
(``FIT_DRAWS`` Monte Carlo draws, seed ``FIT_SEED``, the same draws at every point: common
random numbers). The reported scores are **held out by leave-one-case-out** (Stone 1974,
*J. Royal Statistical Society B* 36(2), 111-147): case ``c`` is scored at the parameters
fitted on the other cases. Ties go to the first grid point (smallest values). The fit on
all cases is the value shipped as the defaults ``DEFAULT_PRECISION``, ``DEFAULT_CONSENT_BIAS``
and ``DEFAULT_NO_PROPOSAL`` of :mod:`parley.analysis.outcomes`; ``defaults`` scores those
defaults (in sample once they are the fit), ``fit.boundary`` says which fitted value lies on
the edge of its grid and ``fit.profiles`` how flat the likelihood is (the profile
log-likelihood of each parameter: the maximum over the others at each of its values).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.backtest.cases import NO_AGREEMENT, Case
from parley.backtest.scoring import brier_score
from parley.errors import ParleyError

__all__ = [
    "FIT_DRAWS",
    "FIT_GRID",
    "FIT_LOSS",
    "FIT_LOSSES",
    "LOG_FLOOR",
    "ModelInputs",
    "category_probabilities",
    "grid_points",
    "loco_indices",
    "log_score",
    "ml_index",
    "model_inputs",
    "probability_table",
    "score_outcomes",
]

FIT_GRID: dict[str, tuple[float, ...]] = {
    "precision": (0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0),
    "consent_bias": (-1.0, 0.0, 1.0, 2.0, 3.0, 5.0),
    "no_proposal": (-10.0, -2.0, 0.0, 2.0),
}
"""Values of each parameter tried by the maximum-likelihood fit (all combinations)."""
FIT_LOSS = "linear"
"""Loss of the shipped fit (the default loss of every analysis)."""
FIT_LOSSES: tuple[str, ...] = ("linear", "quadratic")
"""Losses compared by the fit (reported, not shipped)."""
FIT_DRAWS = 200
"""Monte Carlo draws per case in the fit (the analysis's own default is larger; 168 grid
points times two losses times the cases must stay a few seconds of CPU)."""
FIT_SEED = 0
"""Seed of those draws: every grid point sees the same draws (common random numbers)."""
LOG_FLOOR = 1e-3
"""Probabilities are floored here in the log score (ln 0.001 = -6.9)."""

Params = dict[str, float]


def log_score(probabilities: Mapping[str, float], agreed: str) -> float:
    """``ln max(p_agreed, LOG_FLOOR)``; the agreed category may be missing (probability 0)."""
    return math.log(max(float(probabilities.get(agreed, 0.0)), LOG_FLOOR))


def grid_points(grid: Mapping[str, Sequence[float]]) -> list[Params]:
    """Every combination of the grid's values, the first parameter varying slowest."""
    names = list(grid)
    return [dict(zip(names, map(float, v), strict=True)) for v in itertools.product(
        *(grid[n] for n in names))]


def ml_index(loglik: np.ndarray) -> int:
    """Index of the grid point maximising the total log-likelihood of ``loglik``
    ``(cases, points)`` (the first on ties)."""
    return int(np.argmax(np.asarray(loglik, dtype=float).sum(axis=0)))


def loco_indices(loglik: np.ndarray) -> np.ndarray:
    """``(cases,)``: for each case, :func:`ml_index` of the other cases' log-likelihoods."""
    L = np.asarray(loglik, dtype=float)
    return np.argmax(L.sum(axis=0)[None, :] - L, axis=1)


@dataclass(frozen=True)
class ModelInputs:
    """What the outcome model needs for one case, over its Monte Carlo draws (one loss)."""

    ids: list[str]
    surplus: np.ndarray
    """``(D, k, n)`` surplus of each package over each actor's BATNA."""
    crossed: np.ndarray
    """``(D, k, n)`` True where the package crosses the actor's red line."""
    parties: np.ndarray
    """``(k, n)`` True where the actor's consent is needed."""
    setter: int
    same_as: np.ndarray
    """``(k,)`` the package each one is the same outcome as."""


def model_inputs(case: Case, loss: str, draws: int = FIT_DRAWS, seed: int = FIT_SEED
                 ) -> ModelInputs:
    """The surplus, red-line crossings, parties and setter of ``case`` as
    :func:`parley.analysis.outcomes.outcomes` computes them (same sampler, same seed), so
    that each grid point costs one :func:`~parley.analysis.outcomes.outcome_probabilities`."""
    from parley.analysis.outcomes import outcomes
    from parley.analysis.utility import batna_utility, crosses_red_line, package_utility
    from parley.random import make_rng
    from parley.scenario.arrays import to_arrays
    from parley.simulation.sampling import sample

    if case.loaded is None:
        raise ParleyError(f"case {case.name} did not load")
    arrays = to_arrays(case.loaded.scenario)
    res = outcomes(arrays, case.name, loss=loss, draws=0)
    P = res.candidates.positions
    sampled = sample(arrays, draws, make_rng(seed), "triangular")
    S = package_utility(P, sampled, loss) - batna_utility(sampled, loss)[..., None, :]
    parties = np.array([[a in pp.parties for a in res.actors] for pp in res.parties], dtype=bool)
    return ModelInputs(
        ids=list(res.candidates.ids),
        surplus=S,
        crossed=crosses_red_line(P, sampled),
        parties=parties.reshape(P.shape[0], len(res.actors)),
        setter=res.actors.index(res.setter),
        same_as=np.asarray(res.same_as),
    )


def category_probabilities(inputs: ModelInputs, params: Mapping[str, float]) -> dict[str, float]:
    """Mean probabilities of the case's distinct candidate packages and of ``"no_agreement"``
    (always present, possibly 0) at ``params`` (``precision``, ``consent_bias``,
    ``no_proposal``)."""
    from parley.analysis.outcomes import outcome_probabilities

    p = outcome_probabilities(
        inputs.surplus, inputs.crossed, inputs.parties, inputs.setter,
        params["precision"], inputs.same_as,
        consent_bias=params["consent_bias"], no_proposal=params["no_proposal"],
    ).mean(axis=0)
    distinct = np.flatnonzero(inputs.same_as == np.arange(inputs.same_as.size))
    probs = {inputs.ids[k]: float(p[k]) for k in distinct}
    rest = float(np.clip(1.0 - p[distinct].sum(), 0.0, 1.0))
    probs[NO_AGREEMENT] = probs.get(NO_AGREEMENT, 0.0) + rest
    return probs


def _agreed_category(inputs: ModelInputs, agreed: str) -> str:
    """The agreed package's category: its original if it is a copy of another package."""
    if agreed in inputs.ids:
        return inputs.ids[int(inputs.same_as[inputs.ids.index(agreed)])]
    return agreed


def probability_table(
    case: Case, loss: str, points: Sequence[Params], draws: int = FIT_DRAWS,
    seed: int = FIT_SEED,
) -> tuple[list[dict[str, float]], str]:
    """The case's category probabilities at each grid point, and its agreed category."""
    inputs = model_inputs(case, loss, draws, seed)
    agreed = case.outcome.agreed if case.outcome is not None else None
    return [category_probabilities(inputs, p) for p in points], _agreed_category(
        inputs, agreed or "")


def _scores(probs: Mapping[str, float], agreed: str) -> tuple[float, float]:
    return brier_score(probs, agreed), log_score(probs, agreed)


def _baselines(probs: Mapping[str, float], agreed: str) -> dict[str, tuple[float, float]]:
    k = len(probs)
    uniform = {c: 1.0 / k for c in probs}
    never = {c: float(c == NO_AGREEMENT) for c in probs}
    return {"uniform": _scores(uniform, agreed), "no_agreement": _scores(never, agreed)}


def _mean(rows: Sequence[tuple[float, float]]) -> dict[str, float]:
    a = np.array(rows, dtype=float).reshape(-1, 2)
    return {"brier": float(a[:, 0].mean()), "log_score": float(a[:, 1].mean())}


def _profiles(total: np.ndarray, points: Sequence[Params], grid: Mapping[str, Sequence[float]]
              ) -> dict[str, list[float]]:
    """Profile log-likelihood of each parameter: the best total over the others per value."""
    return {
        name: [float(max(t for t, p in zip(total, points, strict=True) if p[name] == v))
               for v in map(float, values)]
        for name, values in grid.items()
    }


def _held_out(tables: list[list[dict[str, float]]], agreed: list[str], loglik: np.ndarray
              ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    idx = loco_indices(loglik)
    return idx, [_scores(tables[j][g], agreed[j]) for j, g in enumerate(idx)]


def score_outcomes(
    cases: Sequence[Case],
    grid: Mapping[str, Sequence[float]] | None = None,
    draws: int = FIT_DRAWS,
    seed: int = FIT_SEED,
    losses: Sequence[str] = FIT_LOSSES,
) -> dict[str, Any]:
    """Held-out (leave-one-case-out) Brier and log scores of the outcome model on the cases
    that record ``agreed``, the two baselines, the maximum-likelihood fit and the scores at
    the shipped defaults.

    Returns ``{"brier", "log_score", "n_cases", "baselines": {"uniform": {...},
    "no_agreement": {...}}, "fit": {...}, "defaults": {...}, "cases": {CASE: {...}}}`` (the
    top-level scores are the held-out ones); ``n_cases`` 0 and null scores when no case
    records ``agreed``. ``grid`` defaults to ``FIT_GRID``; ``losses`` must include
    ``FIT_LOSS``.
    """
    from parley.analysis.outcomes import (
        DEFAULT_CONSENT_BIAS,
        DEFAULT_NO_PROPOSAL,
        DEFAULT_PRECISION,
    )

    scored = [c for c in cases if c.ok and c.outcome is not None and c.outcome.agreed]
    if not scored:
        return {"brier": None, "log_score": None, "n_cases": 0, "baselines": {}, "fit": {}}
    grid = {k: tuple(sorted(set(map(float, v)))) for k, v in (grid or FIT_GRID).items()}
    losses = list(dict.fromkeys([FIT_LOSS, *losses]))
    shipped = {"precision": DEFAULT_PRECISION, "consent_bias": DEFAULT_CONSENT_BIAS,
               "no_proposal": DEFAULT_NO_PROPOSAL}
    points = [*grid_points(grid), shipped]  # last: the shipped defaults, never fitted
    names = [c.name for c in scored]
    per_loss: dict[str, tuple[list[list[dict[str, float]]], list[str], np.ndarray]] = {}
    for loss in losses:
        rows = [probability_table(c, loss, points, draws, seed) for c in scored]
        tables, agreed = [r[0] for r in rows], [r[1] for r in rows]
        loglik = np.array([[log_score(p, a) for p in row] for row, a in zip(tables, agreed,
                                                                            strict=True)])
        per_loss[loss] = (tables, agreed, loglik)
    tables, agreed, loglik_all = per_loss[FIT_LOSS]
    loglik = loglik_all[:, :-1]
    total = loglik.sum(axis=0)
    best = ml_index(loglik)
    idx, held = _held_out(tables, agreed, loglik)
    n = len(names)
    per_case: dict[str, Any] = {}
    base_rows: dict[str, list[tuple[float, float]]] = {"uniform": [], "no_agreement": []}
    for j, name in enumerate(names):
        probs = tables[j][int(idx[j])]
        bases = _baselines(probs, agreed[j])
        for k, v in bases.items():
            base_rows[k].append(v)
        per_case[name] = {
            "agreed": agreed[j],
            **points[int(idx[j])],
            "probabilities": probs,
            "brier": held[j][0],
            "log_score": held[j][1],
            "baselines": {k: {"brier": v[0], "log_score": v[1]} for k, v in bases.items()},
        }
    profiles = _profiles(total, points[:-1], grid)
    fitted = points[best]
    return {
        **_mean(held),
        "n_cases": n,
        "baselines": {k: {**_mean(v), "n_cases": n} for k, v in base_rows.items()},
        "fit": {
            "parameters": list(grid),
            **fitted,
            "loss": FIT_LOSS,
            "grid": {k: list(v) for k, v in grid.items()},
            "log_likelihood_max": float(total[best]),
            "log_likelihood": profiles["precision"],
            "profiles": profiles,
            "boundary": {k: fitted[k] in (v[0], v[-1]) for k, v in grid.items()},
            "on_boundary": any(fitted[k] in (v[0], v[-1]) for k, v in grid.items()),
            "folds_at_full_fit": int((idx == best).sum()),
            "draws": draws,
            "seed": seed,
            "log_floor": LOG_FLOOR,
            "in_sample": _mean([_scores(tables[j][best], agreed[j]) for j in range(n)]),
            "losses": _loss_comparison(per_loss),
        },
        "defaults": {
            **points[-1],
            "loss": FIT_LOSS,
            **_mean([_scores(tables[j][-1], agreed[j]) for j in range(n)]),
            "log_likelihood": float(loglik_all[:, -1].sum()),
        },
        "cases": per_case,
    }


def _loss_comparison(
    per_loss: Mapping[str, tuple[list[list[dict[str, float]]], list[str], np.ndarray]]
) -> dict[str, Any]:
    """Per loss: the maximum log-likelihood and the held-out scores with that loss; and the
    held-out scores when the loss is fitted too (``"fitted"``)."""
    out: dict[str, Any] = {}
    for loss, (tables, agreed, L) in per_loss.items():
        _, held = _held_out(tables, agreed, L[:, :-1])
        out[loss] = {"log_likelihood_max": float(L[:, :-1].sum(axis=0).max()), **_mean(held)}
    keys = list(per_loss)
    stacked = np.concatenate([per_loss[k][2][:, :-1] for k in keys], axis=1)
    width = stacked.shape[1] // len(keys)
    idx = loco_indices(stacked)
    rows = [
        _scores(per_loss[keys[g // width]][0][j][g % width], per_loss[keys[g // width]][1][j])
        for j, g in enumerate(idx)
    ]
    out["fitted"] = {"loss": keys[ml_index(stacked) // width], **_mean(rows)}
    return out
