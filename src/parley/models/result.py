"""Result objects of models: plain dataclasses that convert to dicts (and JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IssueForecast", "ModelResult"]


@dataclass
class IssueForecast:
    """A model's forecast on one issue.

    ``rounds`` (dynamic models only) holds the forecast after round 0 (the input), 1, 2, ...;
    ``converged`` says whether the positions settled before the round limit.
    """

    position: float
    rounds: list[float] | None = None
    converged: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"position": float(self.position)}
        if self.rounds is not None:
            out["rounds"] = [float(x) for x in self.rounds]
        if self.converged is not None:
            out["converged"] = bool(self.converged)
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
