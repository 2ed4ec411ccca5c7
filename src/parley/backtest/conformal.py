"""Predictive intervals by split-conformal prediction on the case library's scaled errors.

Method (split-conformal prediction; Vovk, Gammerman and Shafer 2005, *Algorithmic Learning in a
Random World*, Springer, ch. 2; Lei, G'Sell, Rinaldo, Tibshirani and Wasserman 2018,
"Distribution-free predictive inference for regression", *JASA* 113(523), 1094-1111, sec. 2.2,
the split-conformal algorithm with the absolute residual as conformity score):

1. The *score* of a model on an issue of a past case is its absolute error on the common
   0-100 scale, ``e = |forecast - outcome| / (upper - lower) * 100``
   (:func:`parley.backtest.scoring.scaled_error`). The models have no parameters fitted to
   the cases' outcomes, so every case's forecasts are made without its outcome, as the split
   method requires of its calibration set.
2. For ``n`` calibration scores and nominal level ``1 - alpha``, the interval's half-width is
   the ``k``-th smallest score with ``k = ceil((n + 1)(1 - alpha))`` (Lei et al. 2018,
   eq. 2.3; the finite-sample quantile). Where ``k > n`` there are too few scores for the
   level and the interval is the whole scale.
3. For a new issue with forecast ``x`` on the scale ``[lower, upper]`` the interval is
   ``[x - q w, x + q w]`` with ``w = (upper - lower) / 100``, clipped to the scale.

Guarantee and assumptions: if the scaled errors of the calibration issues and of the new issue
are exchangeable, the interval covers the outcome with probability at least ``1 - alpha``
(Lei et al. 2018, thm. 2.2). This needs (a) issues of a new scenario to be like the library's
(same kind of coding, the same model settings); (b) errors to be comparable across issues once
scaled to the issue's range (the scale's ends are part of the coding); (c) exchangeability
across issues, which the issues of one case, sharing a coder and a negotiation, do not strictly
have. The backtest therefore checks coverage *leave-one-case-out*: the issues of each case are
covered by an interval calibrated on the other cases only (:func:`loco_coverage`).

The calibration used by ``parley forecast`` is shipped as data
(``src/parley/data/calibration.json``), written by
``parley backtest cases/ --write-calibration src/parley/data/calibration.json``; it holds every
model's sorted scores, so any level can be served without running the backtest again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from parley.errors import ParleyError

__all__ = [
    "CALIBRATION_FILE",
    "DEFAULT_LEVEL",
    "Calibration",
    "calibration_data",
    "check_level",
    "conformal_quantile",
    "interval",
    "load_calibration",
    "loco_coverage",
]

DEFAULT_LEVEL = 0.8
"""Nominal coverage of the intervals shown by default."""
CALIBRATION_FILE = "calibration.json"
"""Name of the shipped calibration in the ``parley.data`` package."""
METHOD = (
    "split-conformal prediction (Lei et al. 2018, sec. 2.2) on absolute errors scaled to the "
    "issue's range (0-100); half-width = k-th smallest calibration score, "
    "k = ceil((n + 1) * level)"
)


def check_level(level: float) -> float:
    """The level as a float; :class:`ParleyError` unless ``0 < level < 1``."""
    try:
        lv = float(level)
    except (TypeError, ValueError):
        raise ParleyError(f"interval level must be a number, got {level!r}") from None
    if not 0.0 < lv < 1.0 or not math.isfinite(lv):
        raise ParleyError(f"interval level must lie strictly between 0 and 1, got {level!r}")
    return lv


def conformal_quantile(scores: Sequence[float] | np.ndarray, level: float) -> float:
    """The split-conformal half-width: the ``ceil((n + 1) level)``-th smallest score.

    ``inf`` when that rank exceeds ``n`` (including ``n = 0``).
    """
    s = np.sort(np.asarray(scores, dtype=float).ravel())
    k = math.ceil((s.size + 1) * check_level(level) - 1e-12)  # guard 0.8 * 5 = 4.000...01
    return float(s[k - 1]) if k <= s.size else math.inf


def interval(
    forecast: np.ndarray | float,
    half_width: float,
    lower: np.ndarray | float,
    upper: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """``[x - q w, x + q w]`` clipped to ``[lower, upper]``, ``w = (upper - lower) / 100``."""
    x = np.asarray(forecast, dtype=float)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    if math.isinf(half_width):
        return np.broadcast_to(lo, x.shape).copy(), np.broadcast_to(hi, x.shape).copy()
    w = half_width * (hi - lo) / 100.0
    return np.clip(x - w, lo, hi), np.clip(x + w, lo, hi)


def loco_coverage(
    errors: Mapping[str, Sequence[float]],
    scaled_forecasts: Mapping[str, Sequence[float]],
    level: float = DEFAULT_LEVEL,
) -> dict[str, Any]:
    """Leave-one-case-out coverage and mean width of a model's conformal intervals.

    ``errors`` maps case -> the model's scaled errors on its issues, ``scaled_forecasts`` case
    -> its forecasts on the same issues put on 0-100 (``(x - lower) / (upper - lower) * 100``).
    For each case the half-width is calibrated on the *other* cases' errors; an issue is
    covered when its error is at most that half-width; the width is that of the interval
    after clipping to the scale, in points of 100.

    Returns ``{"coverage", "width", "n", "level"}`` (NaN coverage and width without errors).
    """
    lv = check_level(level)
    covered: list[np.ndarray] = []
    widths: list[np.ndarray] = []
    for case, errs in errors.items():
        rest = [e for c, es in errors.items() if c != case for e in es]
        q = conformal_quantile(rest, lv)
        lo, hi = interval(np.asarray(scaled_forecasts[case], dtype=float), q, 0.0, 100.0)
        covered.append(np.asarray(errs, dtype=float) <= q)
        widths.append(hi - lo)
    if not covered or not np.concatenate(covered).size:
        return {"coverage": float("nan"), "width": float("nan"), "n": 0, "level": lv}
    cov, wid = np.concatenate(covered), np.concatenate(widths)
    return {
        "coverage": float(cov.mean()),
        "width": float(wid.mean()),
        "n": int(cov.size),
        "level": lv,
    }


class Calibration:
    """Sorted calibration scores per model, read from the shipped file (or built in memory)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        try:
            self.models: dict[str, np.ndarray] = {
                name: np.sort(np.asarray(entry["scores"], dtype=float))
                for name, entry in data["models"].items()
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ParleyError(f"calibration data is malformed: {exc}") from None
        self.data = dict(data)

    def half_width(self, model: str, level: float) -> float | None:
        """The model's half-width at ``level`` (points of 100); None if it is not calibrated."""
        scores = self.models.get(model)
        return None if scores is None else conformal_quantile(scores, level)


def calibration_data(
    errors: Mapping[str, Mapping[str, Sequence[float]]], source: str
) -> dict[str, Any]:
    """The calibration file's contents from ``errors[model][case] = [scaled errors]``."""
    models = {}
    for name, per_case in errors.items():
        scores = sorted(round(float(e), 10) for es in per_case.values() for e in es)
        models[name] = {"n": len(scores), "n_cases": len(per_case), "scores": scores}
    return {
        "method": METHOD,
        "source": source,
        "command": "parley backtest cases/ --write-calibration src/parley/data/calibration.json",
        "models": models,
    }


@lru_cache(maxsize=4)
def _read(path: str | None) -> Calibration:
    if path is None:
        ref = resources.files("parley") / "data" / CALIBRATION_FILE
        try:
            text = ref.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ParleyError(f"the shipped calibration {CALIBRATION_FILE} is missing") from None
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        return Calibration(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ParleyError(f"{path or CALIBRATION_FILE}: not valid JSON: {exc.msg}") from None


def load_calibration(path: str | Path | None = None) -> Calibration:
    """The shipped calibration (or the one at ``path``); read once and cached."""
    return _read(None if path is None else str(path))
