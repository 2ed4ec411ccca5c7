"""How far a conclusion can be trusted: the share of draws in which it holds, and whether it
survives other modelling choices.

A *conclusion* is a statement read off a result at the base settings ("the likeliest outcome is
X", "Y is blocked by Z"), written as a function that checks it in every Monte Carlo draw of a
per-draw result (``(D,)`` booleans; NaN where it cannot be decided in a draw). Two checks:

1. **Parameter uncertainty.** The share of the draws of the scenario's uncertainty ranges in
   which the conclusion holds: the "probability that the decision is right" of probabilistic
   sensitivity analysis (van Hout, Al, Gordon & Rutten 1994, "Costs, effects and C/E-ratios
   alongside a clinical trial", *Health Economics* 3(5), 309-319: the share of simulated
   draws in which a choice is the best one, the acceptability curve). A conclusion holding in
   fewer than ``FRAGILE_BELOW`` (70%) of the draws is *fragile*.
2. **Structural uncertainty.** The same check under alternative model settings (logit
   precision, distance loss), the "scenario analysis" of structural assumptions (Bojke,
   Claxton, Sculpher & Palmer 2009, "Characterizing structural uncertainty in decision
   analytic models: a review and application of methods", *Value in Health* 12(5), 739-749):
   a conclusion *holds under* a setting when it holds in the result the caller passes for
   that setting (a summary with one draw, such as the mean over the draws; with several draws,
   in at least half of them).

:func:`assess` works on any per-draw result (the outcome model's, the game's): callers pass
their own conclusions. :func:`interval` gives the central interval of a per-draw quantity.

Departures: draws are weighted equally (no importance weights); "holds under a setting" is read
from one summary (or a majority of draws), not a test; conclusions are fixed at the base
settings and re-checked, not re-derived, under each setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from parley.errors import ModelError

__all__ = ["FRAGILE_BELOW", "INTERVAL_LEVEL", "Conclusion", "assess", "interval"]

FRAGILE_BELOW = 0.7
"""A conclusion holding in fewer than this share of the draws is fragile."""
INTERVAL_LEVEL = 0.9
"""Coverage of the reported intervals (the 5th to the 95th percentile of the draws)."""
_MAJORITY = 0.5
"""Share of a setting's draws in which a conclusion must hold to hold under that setting."""

R = TypeVar("R")


@dataclass(frozen=True)
class Conclusion(Generic[R]):
    """A statement and how to check it in every draw of a per-draw result of type ``R``."""

    text: str
    """The conclusion in words, as the table shows it."""
    holds: Callable[[R], np.ndarray]
    """Per-draw result -> ``(D,)``: True/False where decided, NaN where not."""
    about: Mapping[str, Any] | None = None
    """What the conclusion is about, for programs (e.g. ``{"kind": "blocked_by", "package":
    ID, "actors": [...]}``); reported as the row's ``"about"`` when given."""


def _share(values: np.ndarray) -> float | None:
    v = np.asarray(values, dtype=float).reshape(-1)
    v = v[~np.isnan(v)]
    return None if v.size == 0 else float(v.mean())


def assess(
    conclusions: Sequence[Conclusion[R]],
    base: R,
    settings: Mapping[str, R],
    fragile_below: float = FRAGILE_BELOW,
) -> list[dict[str, Any]]:
    """``[{"conclusion", "holds_share", "holds_under": {SETTING: bool}, "fragile"}]``, with
    ``"about"`` where the conclusion says what it is about.

    ``base`` is the per-draw result at the base settings, ``settings`` maps a setting's name
    (e.g. ``"precision=5"``, ``"loss=quadratic"``) to the result under it (typically a
    one-draw summary: the conclusion holds there or not; with several draws, when it holds in
    at least half). A share is None (and the conclusion not fragile) where no draw could
    decide it.
    """
    if not 0.0 <= fragile_below <= 1.0:
        raise ModelError(f"fragile_below must lie in [0, 1], got {fragile_below!r}")
    out = []
    for c in conclusions:
        share = _share(c.holds(base))
        under = {}
        for name, res in settings.items():
            s = _share(c.holds(res))
            under[name] = bool(s is not None and s >= _MAJORITY)
        row: dict[str, Any] = {
            "conclusion": c.text,
            "holds_share": share,
            "holds_under": under,
            "fragile": bool(share is not None and share < fragile_below),
        }
        if c.about is not None:
            row["about"] = dict(c.about)
        out.append(row)
    return out


def interval(
    values: np.ndarray, level: float = INTERVAL_LEVEL, axis: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of ``values`` along ``axis`` (percentiles)."""
    if not 0.0 < level < 1.0:
        raise ModelError(f"interval level must lie in (0, 1), got {level!r}")
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(np.asarray(values, dtype=float), [tail, 100.0 - tail], axis=axis)
    return lo, hi
