"""Scenario -> numpy arrays: the one form every model and analysis works on (the array contract).

:func:`to_arrays` turns a validated :class:`~parley.scenario.schema.Scenario` into a
:class:`ScenarioArrays`, and from then on nothing in ``parley.models``, ``parley.analysis`` or
``parley.simulation`` looks at the scenario again. The contract:

* **Shapes.** Per-actor fields are ``(..., n, m)``: axis ``-2`` is actors (file order), axis
  ``-1`` is issues (file order). Monte Carlo code adds one leading *draws* axis ``D``: the
  sampled fields (``position, salience, capability, raw_capability, red_line, no_deal``) are
  ``(D, n, m)`` while everything not sampled (``mask``, ``specific``, scales, packages,
  channels, veto players) keeps its own shape and broadcasts. Array-level model and analysis
  functions accept ``(..., n, m)`` and return ``(..., m)`` (a forecast) or ``(..., k, n)``
  (one value per package and actor).
* **Names.** ``position, salience, capability, mask, red_line, no_deal`` everywhere (never
  ``x, s, c, valid``); per-issue scales ``lower, upper`` of shape ``(m,)``.
* **Mask.** ``mask[a, i]`` is True when actor ``a`` has a stance on issue ``i``. Where it is
  False, ``position``, ``red_line`` and ``no_deal`` are NaN and ``salience``, ``capability``
  and ``raw_capability`` are 0, so a forgotten mask shows up as NaN rather than as a silently
  wrong number.
* **Capability.** ``capability`` is normalised per issue to sum to 1 over the actors taking
  part (the file's "any positive scale"; only ratios matter). ``raw_capability`` is the same
  number as written in the file (a stance's issue-specific value, else the actor's);
  ``actor_capability`` ``(n,)`` is the actor-level value; ``specific[a, i]`` says whether the
  stance gives its own capability.
* **Missing values.** ``red_line`` / ``no_deal`` are NaN where the file gives none.
* **Uncertainty.** ``low[f]``, ``high[f]`` (``f`` in :data:`FIELDS`; capability in file
  units) hold each field's range (equal to the value where the file gives none); ``dist[f]``
  the distribution named in the file (``""`` where none is named; the sampler's default then
  applies) and ``sd[f]`` a truncated normal's standard deviation (NaN where not given).
* **Packages** ``(k, m)``: ``package_ids``, ``package_names``, ``packages`` (positions).
* **Channels** ``(c, n)``: ``channel_ids``, ``channel_names``, ``channels`` (True where the
  actor takes part) and ``channel_members`` (each channel's actor ids in the file's order).
* **Veto players**: ``veto`` (their ids), ``veto_index`` (their actor indices) and
  ``veto_rule`` (how they were found: declared in the file, or the blocking rule of
  :func:`parley.analysis.players.veto_players`); empty for arrays built by hand.
* **Labels**: ``actor_names``, ``issue_titles`` and ``points`` (each issue's labelled scale
  points) for printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from parley.scenario.schema import Estimate, Scenario

__all__ = [
    "DISTRIBUTIONS",
    "FIELDS",
    "REFERENCE_WIDTH",
    "ScenarioArrays",
    "from_reference",
    "normalise_capability",
    "reference_scale",
    "to_arrays",
]

FIELDS = ("position", "salience", "capability", "red_line", "no_deal")
"""The uncertain per-actor fields, in the order samplers draw them."""

DISTRIBUTIONS = ("uniform", "triangular", "truncnormal")
"""The distributions an estimate may name with ``dist:``."""


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """The numbers of a scenario as arrays (see the module docstring for the contract)."""

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
    raw_capability: np.ndarray | None = None
    actor_capability: np.ndarray | None = None
    specific: np.ndarray | None = None
    dist: dict[str, np.ndarray] = field(default_factory=dict)
    sd: dict[str, np.ndarray] = field(default_factory=dict)
    package_ids: tuple[str, ...] = ()
    package_names: tuple[str, ...] = ()
    packages: np.ndarray | None = None
    channel_ids: tuple[str, ...] = ()
    channel_names: tuple[str, ...] = ()
    channels: np.ndarray | None = None
    channel_members: tuple[tuple[str, ...], ...] = ()
    veto: tuple[str, ...] = ()
    veto_index: tuple[int, ...] = ()
    veto_rule: str = ""
    actor_names: tuple[str, ...] = ()
    issue_titles: tuple[str, ...] = ()
    points: tuple[dict[float, str], ...] = ()

    @property
    def n_actors(self) -> int:
        """Number of actors ``n``."""
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        """Number of issues ``m``."""
        return len(self.issues)

    @property
    def draws(self) -> int | None:
        """Length of the leading draws axis, or None for a single scenario."""
        return None if np.ndim(self.position) == 2 else int(np.shape(self.position)[0])

    @property
    def weight(self) -> np.ndarray:
        """Salience x capability: each actor's weight on each issue (0 where absent)."""
        return self.salience * self.capability

    def with_values(self, **arrays: np.ndarray) -> ScenarioArrays:
        """A copy with some arrays replaced.

        A new ``capability`` is taken in file units: it becomes ``raw_capability`` (unless that
        is given too) and is re-normalised per issue.
        """
        if "capability" in arrays:
            raw = np.asarray(arrays["capability"], dtype=float)
            mask = np.broadcast_to(self.mask, raw.shape)
            arrays.setdefault("raw_capability", np.where(mask, raw, 0.0))
            arrays["capability"] = normalise_capability(raw, self.mask)
        return replace(self, **arrays)

    def at(self, d: int) -> ScenarioArrays:
        """Draw ``d`` of arrays with a leading draws axis, as a single scenario's arrays."""
        if self.draws is None:
            raise ValueError("these arrays have no draws axis")
        picked = {
            f: np.asarray(getattr(self, f))[d]
            for f in ("position", "salience", "capability", "red_line", "no_deal")
        }
        if self.raw_capability is not None and np.ndim(self.raw_capability) == 3:
            picked["raw_capability"] = self.raw_capability[d]
        if np.ndim(self.mask) == 3:
            picked["mask"] = self.mask[d]
        return replace(self, **picked)


REFERENCE_WIDTH = 100.0
"""Width of the reference scale (0-100, the file format's default scale) on which analyses
with solvers and absolute tolerances compute (:func:`reference_scale`)."""

_ON_SCALE = ("position", "red_line", "no_deal")
_SNAP_DECIMALS = 10  # decimals of the reference scale kept by reference_scale


def reference_scale(arrays: ScenarioArrays) -> ScenarioArrays:
    """The same arrays with every issue's scale mapped onto 0-100 (``REFERENCE_WIDTH``).

    Each number on issue ``i``'s scale (``position``, ``red_line``, ``no_deal``, their
    ``low``/``high``, a truncated normal's ``sd``, ``packages``, labelled ``points``, the
    scale's ends) goes through ``z = (x - lower_i) * (100 / width_i)``, rounded to
    ``_SNAP_DECIMALS`` decimals (1e-10 of the scale: far below any meaning, far above the
    rounding of the map, so ``x`` in euros and in billions of euros give the same ``z`` bit for
    bit and searches whose path turns on ties take the same path); nothing else changes. On a
    0-100 scale the map is the identity up to that rounding.
    Utilities are in shares of the scale (:mod:`parley.analysis.utility`), so they are the same
    on both; a solver or an absolute tolerance applied to the mapped arrays then gives results
    that do not depend on the unit of the file's scales (a budget in euros or in billions).
    :func:`from_reference` maps positions back.
    """
    lower = np.asarray(arrays.lower, dtype=float)
    factor = REFERENCE_WIDTH / (np.asarray(arrays.upper, dtype=float) - lower)

    def z(x: np.ndarray) -> np.ndarray:
        return np.round((np.asarray(x, dtype=float) - lower) * factor, _SNAP_DECIMALS)

    low = dict(arrays.low)
    high = dict(arrays.high)
    sd = dict(arrays.sd)
    for f in _ON_SCALE:
        if f in low:
            low[f] = z(low[f])
        if f in high:
            high[f] = z(high[f])
        if f in sd:
            sd[f] = np.asarray(sd[f], dtype=float) * factor
    points = tuple(
        {float(z(np.full(lower.shape, k))[i]): v for k, v in pts.items()}
        for i, pts in enumerate(arrays.points)
    )
    return replace(
        arrays,
        position=z(arrays.position),
        red_line=z(arrays.red_line),
        no_deal=z(arrays.no_deal),
        lower=np.zeros_like(lower),
        upper=np.full_like(lower, REFERENCE_WIDTH),
        low=low,
        high=high,
        sd=sd,
        packages=None if arrays.packages is None else z(arrays.packages),
        points=points,
    )


def from_reference(values: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    """Positions ``(..., m)`` on the reference scale of :func:`reference_scale` mapped back
    onto the scales of ``arrays``: ``x = lower_i + z * (width_i / 100)``."""
    lower = np.asarray(arrays.lower, dtype=float)
    width = np.asarray(arrays.upper, dtype=float) - lower
    return lower + np.asarray(values, dtype=float) * (width / REFERENCE_WIDTH)


def normalise_capability(capability: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Scale capabilities so that each issue's column sums to 1 over the actors taking part."""
    cap = np.where(mask, capability, 0.0)
    total = cap.sum(axis=-2, keepdims=True)
    return np.divide(cap, total, out=np.zeros_like(cap), where=total > 0)


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """Convert a validated scenario into :class:`ScenarioArrays`."""
    from parley.analysis.players import veto_rule

    actors = tuple(scenario.actor_ids)
    issues = tuple(scenario.issue_ids)
    n, m = len(actors), len(issues)
    vals = {f: np.full((n, m), np.nan) for f in FIELDS}
    lows = {f: np.full((n, m), np.nan) for f in FIELDS}
    highs = {f: np.full((n, m), np.nan) for f in FIELDS}
    dists = {f: np.full((n, m), "", dtype=f"<U{max(map(len, DISTRIBUTIONS))}") for f in FIELDS}
    sds = {f: np.full((n, m), np.nan) for f in FIELDS}
    mask = np.zeros((n, m), dtype=bool)
    specific = np.zeros((n, m), dtype=bool)

    def put(f: str, a: int, i: int, est: Estimate | None) -> None:
        if est is None:
            return
        vals[f][a, i] = est.value
        lows[f][a, i], highs[f][a, i] = est.bounds()
        if est.dist is not None:
            dists[f][a, i] = est.dist
        if est.sd is not None:
            sds[f][a, i] = est.sd

    for a, actor in enumerate(scenario.actors):
        for i, iid in enumerate(issues):
            st = scenario.stance(actor.id, iid)
            if st is None:
                continue
            mask[a, i] = True
            specific[a, i] = st.capability is not None
            put("position", a, i, st.position)
            put("salience", a, i, st.salience)
            put("capability", a, i, st.capability or actor.capability)
            put("red_line", a, i, st.red_line)
            put("no_deal", a, i, st.no_deal)

    for f in ("salience", "capability"):
        for d in (vals, lows, highs):
            d[f] = np.where(mask, d[f], 0.0)
    raw_cap = vals["capability"]
    actor_cap = np.array([a.capability.value for a in scenario.actors], dtype=float)
    veto, rule = veto_rule(actors, actor_cap, scenario.veto_players)
    packages = np.array(
        [[p.positions[i] for i in issues] for p in scenario.packages], dtype=float
    ).reshape(len(scenario.packages), m)
    channels = np.array(
        [[a in ch.actors for a in actors] for ch in scenario.channels], dtype=bool
    ).reshape(len(scenario.channels), n)
    return ScenarioArrays(
        actors=actors,
        issues=issues,
        position=vals["position"],
        salience=vals["salience"],
        capability=normalise_capability(raw_cap, mask),
        mask=mask,
        red_line=vals["red_line"],
        no_deal=vals["no_deal"],
        lower=np.array([iss.scale.min for iss in scenario.issues], dtype=float),
        upper=np.array([iss.scale.max for iss in scenario.issues], dtype=float),
        low=lows,
        high=highs,
        raw_capability=raw_cap,
        actor_capability=actor_cap,
        specific=specific,
        dist=dists,
        sd=sds,
        package_ids=tuple(p.id for p in scenario.packages),
        package_names=tuple(p.name for p in scenario.packages),
        packages=packages,
        channel_ids=tuple(c.id for c in scenario.channels),
        channel_names=tuple(c.name for c in scenario.channels),
        channels=channels,
        channel_members=tuple(tuple(c.actors) for c in scenario.channels),
        veto=tuple(actors[a] for a in veto),
        veto_index=tuple(veto),
        veto_rule=rule,
        actor_names=tuple(a.name for a in scenario.actors),
        issue_titles=tuple(i.title for i in scenario.issues),
        points=tuple(dict(i.points) for i in scenario.issues),
    )
