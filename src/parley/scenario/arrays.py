"""Scenario -> numpy arrays (actors x issues), the form every model and analysis works on.

Conventions, relied on by every model:

* Axis ``-2`` is actors (file order), axis ``-1`` is issues (file order). A leading "draws" axis
  may be added by Monte Carlo code; array-level model functions accept ``(..., n, m)``.
* ``mask[a, i]`` is True when actor ``a`` has a stance on issue ``i``. Where it is False,
  ``position``, ``red_line`` and ``no_deal`` are NaN and ``salience`` and ``capability`` are 0,
  so a forgotten mask shows up as NaN rather than as a silently wrong number.
* ``capability`` is normalised per issue to sum to 1 over the actors taking part (capability
  is "any positive scale" in the file; only ratios matter).
* ``red_line`` / ``no_deal`` are NaN where the file gives none.
* ``low`` / ``high`` hold the uncertainty ranges of each field (equal to the value where the
  file gives no range), for Monte Carlo sampling.
* ``veto`` holds the ids of the veto players (declared in the file, or by the default rule of
  :func:`parley.analysis.players.veto_players`); empty for arrays built by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from parley.scenario.schema import Estimate, Scenario

__all__ = ["ScenarioArrays", "normalise_capability", "to_arrays"]

FIELDS = ("position", "salience", "capability", "red_line", "no_deal")


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """The numbers of a scenario as arrays of shape (actors, issues)."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    mask: np.ndarray
    red_line: np.ndarray
    no_deal: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    low: dict[str, np.ndarray] = field(default_factory=dict)
    high: dict[str, np.ndarray] = field(default_factory=dict)
    veto: tuple[str, ...] = ()

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def weight(self) -> np.ndarray:
        """Salience x capability: each actor's weight on each issue (0 where absent)."""
        return self.salience * self.capability

    def with_values(self, **arrays: np.ndarray) -> ScenarioArrays:
        """A copy with some arrays replaced (capability is re-normalised if given)."""
        if "capability" in arrays:
            arrays["capability"] = normalise_capability(arrays["capability"], self.mask)
        return replace(self, **arrays)


def normalise_capability(capability: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Scale capabilities so that each issue's column sums to 1 over the actors taking part."""
    cap = np.where(mask, capability, 0.0)
    total = cap.sum(axis=-2, keepdims=True)
    return np.divide(cap, total, out=np.zeros_like(cap), where=total > 0)


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """Convert a validated scenario into :class:`ScenarioArrays`."""
    actors = tuple(scenario.actor_ids)
    issues = tuple(scenario.issue_ids)
    n, m = len(actors), len(issues)
    vals = {f: np.full((n, m), np.nan) for f in FIELDS}
    lows = {f: np.full((n, m), np.nan) for f in FIELDS}
    highs = {f: np.full((n, m), np.nan) for f in FIELDS}
    mask = np.zeros((n, m), dtype=bool)

    def put(f: str, a: int, i: int, est: Estimate | None) -> None:
        if est is None:
            return
        vals[f][a, i] = est.value
        lows[f][a, i], highs[f][a, i] = est.bounds()

    for a, actor in enumerate(scenario.actors):
        for i, iid in enumerate(issues):
            st = scenario.stance(actor.id, iid)
            if st is None:
                continue
            mask[a, i] = True
            put("position", a, i, st.position)
            put("salience", a, i, st.salience)
            put("capability", a, i, st.capability or actor.capability)
            put("red_line", a, i, st.red_line)
            put("no_deal", a, i, st.no_deal)

    for f in ("salience", "capability"):
        for d in (vals, lows, highs):
            d[f] = np.where(mask, d[f], 0.0)
    from parley.analysis.players import veto_players  # lazy: analysis imports this module

    raw_cap = vals["capability"]
    lower = np.array([iss.scale.min for iss in scenario.issues], dtype=float)
    upper = np.array([iss.scale.max for iss in scenario.issues], dtype=float)
    return ScenarioArrays(
        actors=actors,
        issues=issues,
        position=vals["position"],
        salience=vals["salience"],
        capability=normalise_capability(raw_cap, mask),
        mask=mask,
        red_line=vals["red_line"],
        no_deal=vals["no_deal"],
        lower=lower,
        upper=upper,
        low=lows,
        high=highs,
        veto=tuple(veto_players(scenario)[0]),
    )
