"""Result objects of models: plain dataclasses that convert to dicts (and JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IssueForecast", "ModelResult"]


@dataclass
class IssueForecast:
    """A model's forecast on one issue.

    ``rounds`` (dynamic models only) holds the forecast after round 0 (the input), 1, 2, ...;
    ``converged`` says whether the positions settled before the round limit. ``interval``
    is the predictive interval ``(low, high)`` on the issue's scale, when one was asked for
    (see :mod:`parley.backtest.conformal`). ``label`` is the nearest labelled point of the
    issue's scale, and ``veto_red_lines_crossed`` the veto players whose red line on the issue
    the forecast crosses (both set by :func:`parley.forecast.forecast`). ``fallback`` says
    what the model returned instead of its own solution where that is undefined on the issue
    (e.g. every salience zero: no weights), None where no fallback was taken; the cases and
    each model's fallback are listed in ``docs/reliability.md`` ("Numeric edge cases").
    """

    position: float
    rounds: list[float] | None = None
    converged: bool | None = None
    interval: tuple[float, float] | None = None
    label: str | None = None
    veto_red_lines_crossed: list[str] | None = None
    fallback: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"position": float(self.position)}
        if self.label is not None:
            out["label"] = self.label
        if self.veto_red_lines_crossed:
            out["veto_red_lines_crossed"] = list(self.veto_red_lines_crossed)
        if self.interval is not None:
            out["interval"] = [float(self.interval[0]), float(self.interval[1])]
        if self.rounds is not None:
            out["rounds"] = [float(x) for x in self.rounds]
        if self.converged is not None:
            out["converged"] = bool(self.converged)
        if self.fallback is not None:
            out["fallback"] = self.fallback
        return out


@dataclass
class ModelResult:
    """What one model forecasts for one scenario.

    ``actors`` (dynamic models only) maps actor -> issue -> [position after each round].
    ``params`` records the settings the model ran with; ``notes`` anything a reader should know
    (defaults applied, fall-backs taken).
    """

    model: str
    issues: dict[str, IssueForecast]
    actors: dict[str, dict[str, list[float]]] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"issues": {k: v.to_dict() for k, v in self.issues.items()}}
        if self.actors is not None:
            out["actors"] = {
                a: {i: [float(x) for x in xs] for i, xs in per.items()}
                for a, per in self.actors.items()
            }
        if self.params:
            out["params"] = self.params
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    @property
    def positions(self) -> dict[str, float]:
        """Forecast position per issue."""
        return {k: v.position for k, v in self.issues.items()}
