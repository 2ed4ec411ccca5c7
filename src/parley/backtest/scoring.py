"""Scores of forecasts against recorded outcomes.

Point forecasts (one number per issue) are scored by their absolute error. Issues come on
different scales (a percentage cut, a number of centrifuges, years), so every error is also put
on a common 0-100 scale::

    error = |forecast - outcome| / (upper - lower) * 100

where ``lower``-``upper`` is the issue's scale as coded in the scenario. "Within 10 points" then
means "within a tenth of the scale's width" on every issue. This follows the comparison of
decision-making models in Achen (2006), "Evaluating political decision-making models", in
Thomson, Stokman, Achen and König (eds), *The European Union Decides* (Cambridge UP), which
codes every issue on a 0-100 scale and compares models by mean absolute error; parley departs
only in rescaling issues coded in real units instead of recoding them. The raw error, in the
issue's own units, is reported alongside.

Discrete candidate outcomes (packages, where a case records which one was agreed) are scored
with the Brier score in its original multi-category form (Brier 1950, "Verification of
forecasts expressed in terms of probability", *Monthly Weather Review* 78(1), eq. 1 for one
forecast occasion)::

    BS = sum_k (p_k - o_k)^2

with ``p_k`` the probability given to package ``k`` and ``o_k`` 1 for the agreed package and 0
otherwise. It runs from 0 (all probability on what happened) to 2 (all on something else); a
uniform forecast over K packages scores ``1 - 1/K``, the reference any model should beat.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from parley.errors import ParleyError

__all__ = [
    "WITHIN",
    "brier_score",
    "nearest_package",
    "scaled_error",
    "summarise",
    "uniform_brier",
]

WITHIN = 10.0
"""An error up to this many points (of 100) counts as "within 10 points"."""


def scaled_error(
    forecast: np.ndarray | float,
    outcome: np.ndarray | float,
    lower: np.ndarray | float,
    upper: np.ndarray | float,
) -> np.ndarray:
    """Absolute error on a common 0-100 scale: ``|forecast - outcome| / (upper - lower) * 100``."""
    f, o = np.asarray(forecast, dtype=float), np.asarray(outcome, dtype=float)
    span = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    if np.any(span <= 0):
        raise ParleyError("an issue scale must have upper > lower")
    return np.abs(f - o) / span * 100.0


def summarise(errors: np.ndarray | list[float], within: float = WITHIN) -> dict[str, float | int]:
    """Mean and median absolute error, share of errors at most ``within``, and count.

    Empty input gives NaN statistics and ``n = 0``.
    """
    e = np.asarray(errors, dtype=float).ravel()
    if e.size == 0:
        return {"mae": float("nan"), "median_ae": float("nan"), "within_10": float("nan"), "n": 0}
    return {
        "mae": float(e.mean()),
        "median_ae": float(np.median(e)),
        "within_10": float(np.mean(e <= within)),
        "n": int(e.size),
    }


def brier_score(probabilities: Mapping[str, float], agreed: str) -> float:
    """Multi-category Brier score of package probabilities given the agreed package.

    ``probabilities`` maps package id -> probability (must be non-negative and sum to 1 within
    1e-6; packages left out have probability 0). A probability for "no agreement" may be one of
    the entries. Raises :class:`ParleyError` if the probabilities are not a distribution.
    """
    p = np.array(list(probabilities.values()), dtype=float)
    if p.size == 0:
        raise ParleyError("no package probabilities to score")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-6:
        raise ParleyError(
            f"package probabilities must be non-negative and sum to 1 (sum {p.sum():.6g})"
        )
    o = np.array([k == agreed for k in probabilities], dtype=float)
    score = float(np.sum((p - o) ** 2))
    if agreed not in probabilities:
        score += 1.0  # the agreed package was given probability 0: (0 - 1)^2
    return score


def uniform_brier(k: int) -> float:
    """Brier score of the uniform forecast over ``k`` packages: ``1 - 1/k``."""
    if k < 1:
        raise ParleyError("need at least one package")
    return 1.0 - 1.0 / k


def nearest_package(
    forecast: Mapping[str, float],
    packages: Mapping[str, Mapping[str, float]],
    spans: Mapping[str, float],
) -> str:
    """The package closest to a point forecast: least mean scaled absolute distance over the
    issues the forecast covers (ties: the first package). ``spans`` maps issue -> upper-lower.
    """
    if not packages:
        raise ParleyError("no packages")
    issues = [i for i in forecast if i in spans]
    f = np.array([forecast[i] for i in issues])
    s = np.array([spans[i] for i in issues])
    ids = list(packages)
    pos = np.array([[packages[k][i] for i in issues] for k in ids])
    dist = (np.abs(pos - f) / s * 100.0).mean(axis=1)
    return ids[int(np.argmin(dist))]
