"""Monte Carlo simulation: every model, the outcome odds and the agreement space over draws.

``simulate`` draws every uncertain input of a scenario over its range
(:mod:`parley.simulation.sampling`; uniform unless the estimate names another distribution)
and pushes all draws through each model at once (``ModelSpec.batch``: a draws axis through the
arrays, no Python loop per draw), through the outcome model of :mod:`parley.analysis.outcomes`
(the agenda setter's logit choice and the parties' logit consent, McKelvey & Palfrey 1995) and
through the agreement-space analysis of :mod:`parley.analysis.space` (Raiffa 1982).

Reproducibility: draws come in fixed blocks of :data:`BLOCK` draws, block ``b`` drawn from
child ``b`` of ``SeedSequence(seed)`` (:func:`parley.random.spawn`). Work is done in chunks of
whole blocks, in any order, locally or on Dask workers (:mod:`parley.simulation.distributed`);
the results are concatenated in block order, so the numbers depend on the seed and the number
of draws only, never on the chunk size or the number of workers.

Reported:

* per model and issue, the mean, median and 5th/95th percentiles of the forecasts;
* per outcome (the outcome model's packages, and "no agreement" as an outcome of its own;
  status-quo package), the probability (the mean over draws of the per-draw probability),
  ``ci_low``/``ci_high`` (the 5th and 95th percentiles of the per-draw probability: how much
  the probability depends on the uncertain inputs) and ``se`` (the Monte Carlo standard error);
* the share of draws in which the veto players have a zone of agreement (``zone``, on
  ``zone_draws`` draws: every draw unless ``space_draws`` caps them) and in which each pair
  of veto players' red lines collide on an issue (``collisions``; every draw, vectorised).

Departures: the zone of agreement is decided per draw by a vectorised screen (some candidate
package -- the named packages, the status quo, the point estimates' zone package, the zone
packages the exact search finds in the first block's draws (found once, when the run is
planned), or one it found in an earlier draw of the same block -- crosses no veto
player's red line and gives each more than its BATNA) and, where no such package is known,
by the exact search of :func:`parley.analysis.space.zone_search` (:func:`zone_draws`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.errors import ModelError
from parley.models.registry import MODEL_NAMES, ModelOptions, get_model, run_batch
from parley.random import spawn
from parley.scenario.arrays import ScenarioArrays
from parley.simulation.sampling import (
    Input,
    InputTable,
    from_unit,
    input_table,
    uncertain_inputs,
)

__all__ = [
    "BLOCK",
    "DEFAULT_SPACE_DRAWS",
    "Plan",
    "SimulationResult",
    "evaluate",
    "make_plan",
    "run_chunk",
    "simulate",
    "summarise",
]

BLOCK = 250
"""Draws per seed stream: the unit of reproducibility."""
DEFAULT_SPACE_DRAWS: int | None = None
"""Draws on which the zone of agreement is decided: None for every draw (see
:func:`zone_draws`); a number caps them (the first draws)."""
_CHUNK_ELEMENTS = 2_000_000
"""Target size of one chunk's per-actor arrays (draws x actors x issues), ~16 MB each."""
ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Plan:
    """Everything a chunk of draws needs; picklable, so it can go to a Dask worker."""

    arrays: ScenarioArrays
    inputs: tuple[Input, ...]
    models: tuple[str, ...]
    rounds: int | None
    params: dict[str, dict[str, Any]]
    loss: str
    precision: float
    consent_bias: float
    no_proposal: float
    packages: np.ndarray
    parties: np.ndarray
    setter: int
    veto: tuple[int, ...]
    screen: np.ndarray
    space_draws: int
    draws: int
    seed: int | None
    blocks: tuple[Any, ...] = ()
    table: InputTable | None = None


@dataclass
class ChunkResult:
    """The per-draw results of one chunk (rows in draw order)."""

    start: int
    forecasts: dict[str, np.ndarray]
    probability: np.ndarray
    collisions: np.ndarray
    zone: np.ndarray


@dataclass
class SimulationResult:
    """Per-draw results of a simulation and what they summarise to (:meth:`to_dict`)."""

    scenario: str
    draws: int
    seed: int | None
    issues: tuple[str, ...]
    forecasts: dict[str, np.ndarray]
    outcome_ids: list[str]
    probability: np.ndarray
    collision_pairs: list[tuple[str, str, str]]
    collisions: np.ndarray
    zone: np.ndarray
    inputs: int
    distribution: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"scenario", "draws", "seed", "models", "outcomes", "space", ...}``."""
        models = {
            name: {"issues": {iid: _stats(f[:, i]) for i, iid in enumerate(self.issues)}}
            for name, f in self.forecasts.items()
        }
        D = self.probability.shape[0]
        outcomes = []
        for k, oid in enumerate(self.outcome_ids):
            p = self.probability[:, k]
            lo, hi = np.percentile(p, [5, 95])
            outcomes.append({
                "id": oid,
                "probability": float(p.mean()),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "se": float(p.std(ddof=1) / np.sqrt(D)) if D > 1 else 0.0,
            })
        share = self.collisions.mean(axis=0) if D else np.zeros(len(self.collision_pairs))
        collisions = [
            {"issue": i, "actors": [a, b], "share": float(s)}
            for (i, a, b), s in zip(self.collision_pairs, share, strict=True)
            if s > 0
        ]
        collisions.sort(key=lambda c: -c["share"])
        return {
            "scenario": self.scenario,
            "draws": self.draws,
            "seed": self.seed,
            "models": models,
            "outcomes": outcomes,
            "space": {
                "zone": float(self.zone.mean()) if self.zone.size else None,
                "zone_draws": int(self.zone.size),
                "collisions": collisions,
            },
            "inputs": self.inputs,
            "distribution": self.distribution,
            "notes": list(self.notes),
        }


def _stats(x: np.ndarray) -> dict[str, float]:
    p05, med, p95 = np.percentile(x, [5, 50, 95])
    return {"mean": float(x.mean()), "median": float(med), "p05": float(p05), "p95": float(p95)}


def make_plan(
    arrays: ScenarioArrays,
    draws: int,
    seed: int | None = 0,
    *,
    models: Sequence[str] | None = None,
    rounds: int | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    distribution: str = "uniform",
    loss: str = "linear",
    precision: float | None = None,
    space_draws: int | None = DEFAULT_SPACE_DRAWS,
    consent_bias: float | None = None,
    no_proposal: float | None = None,
) -> tuple[Plan, list[str], list[str]]:
    """The plan of a simulation, the outcome ids and notes (checks every argument).
    ``precision``, ``consent_bias`` and ``no_proposal`` are the outcome model's parameters
    (:func:`parley.analysis.outcomes.outcome_probabilities`; None: the fitted defaults)."""
    from parley.analysis.outcomes import (
        DEFAULT_CONSENT_BIAS,
        DEFAULT_NO_PROPOSAL,
        DEFAULT_PRECISION,
    )
    from parley.analysis.players import candidate_packages, package_parties, raw_capability
    from parley.analysis.space import zone_search
    from parley.analysis.utility import LOSSES, status_quo

    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ModelError(f"draws must be a whole number >= 1, got {draws!r}")
    if loss not in LOSSES:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")
    if space_draws is None:
        space_draws = draws
    if space_draws < 0:
        raise ModelError(f"space draws must be >= 0, got {space_draws}")
    names = tuple(dict.fromkeys(models or MODEL_NAMES))
    for n in names:
        get_model(n)
    inputs = tuple(uncertain_inputs(arrays, distribution))
    cands = candidate_packages(arrays)
    veto = [arrays.actors.index(a) for a in arrays.veto] if arrays.veto else []
    veto_ids = [arrays.actors[a] for a in veto]
    parties = package_parties(arrays, cands.positions, veto_ids)
    pmask = np.array([[a in pp.parties for a in arrays.actors] for pp in parties], dtype=bool)
    cap = raw_capability(arrays)
    setter = max(veto, key=lambda a: cap[a]) if veto else int(np.argmax(cap))
    ids = [*cands.ids, "no agreement"]
    screen = [cands.positions, status_quo(arrays)[None, :]]
    notes = [f"{len(inputs)} uncertain inputs, drawn {distribution} unless the file says "
             "otherwise", f"agenda setter: {arrays.actors[setter]}"]
    if veto_ids and space_draws > 0:
        zp = zone_search(arrays, veto_ids, loss).package
        if zp is not None:
            screen.append(np.asarray(zp)[None, :])
    if cands.note:
        notes.append(cands.note)
    looped = [n for n in names if get_model(n).batch is None]
    if looped:
        notes.append("run draw by draw (no batch form yet, slower): " + ", ".join(looped))
    blocks = tuple(spawn(seed, -(-draws // BLOCK)))
    plan = Plan(
        arrays=arrays,
        inputs=inputs,
        models=names,
        rounds=rounds,
        params=dict(params or {}),
        loss=loss,
        precision=DEFAULT_PRECISION if precision is None else float(precision),
        consent_bias=DEFAULT_CONSENT_BIAS if consent_bias is None else float(consent_bias),
        no_proposal=DEFAULT_NO_PROPOSAL if no_proposal is None else float(no_proposal),
        packages=cands.positions,
        parties=pmask,
        setter=int(setter),
        veto=tuple(veto),
        screen=np.vstack(screen),
        space_draws=min(space_draws, draws),
        draws=draws,
        seed=seed,
        blocks=blocks,
        table=input_table(arrays, list(inputs)),
    )
    return _with_pilot(plan), ids, notes


def _with_pilot(plan: Plan) -> Plan:
    """The plan with the zone packages the exact search finds in the first block's draws
    added to the screen (:func:`zone_draws`): they decide most draws of the other blocks
    without a search. Computed once, before any chunk, so no number depends on the chunking;
    a package only ever certifies a zone that it is in."""
    n = min(BLOCK, plan.space_draws)
    if not plan.veto or n == 0:
        return plan
    from dataclasses import replace

    arr = from_unit(plan.arrays, list(plan.inputs), _unit(plan, 0, 1)[:n], plan.table)
    found: list[np.ndarray] = []
    zone_draws(arr, list(plan.veto), plan.screen, plan.loss, found)
    if not found:
        return plan
    return replace(plan, screen=np.vstack([plan.screen, *[p[None, :] for p in found]]))


def chunks(plan: Plan, chunk_draws: int | None = None) -> list[tuple[int, int]]:
    """``(first block, number of blocks)`` of each chunk; chunk size from the arrays' size."""
    n_blocks = len(plan.blocks)
    if chunk_draws is None:
        per = max(1, plan.arrays.n_actors * plan.arrays.n_issues)
        chunk_draws = max(BLOCK, _CHUNK_ELEMENTS // per)
    size = max(1, chunk_draws // BLOCK)
    return [(b, min(size, n_blocks - b)) for b in range(0, n_blocks, size)]


def _unit(plan: Plan, first: int, count: int) -> np.ndarray:
    from parley.random import make_rng

    rows = []
    for b in range(first, first + count):
        size = min(BLOCK, plan.draws - b * BLOCK)
        rows.append(make_rng(plan.blocks[b]).random((size, len(plan.inputs))))
    return np.vstack(rows)


def run_chunk(plan: Plan, first: int, count: int) -> ChunkResult:
    """The results of blocks ``first .. first + count - 1``: a pure function of the plan.

    Each block is computed on its own (vectorised over its draws), so that the numbers do not
    depend on how blocks are grouped into chunks: numpy's vectorised transcendental functions
    may round the last elements of an array differently from the rest.
    """
    parts = [_run_block(plan, b) for b in range(first, first + count)]
    return ChunkResult(
        start=parts[0].start,
        forecasts={n: np.vstack([p.forecasts[n] for p in parts]) for n in plan.models},
        probability=np.vstack([p.probability for p in parts]),
        collisions=np.vstack([p.collisions for p in parts]),
        zone=np.concatenate([p.zone for p in parts]),
    )


def evaluate(plan: Plan, arr: ScenarioArrays) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each model's forecasts ``(D, m)`` and the outcome probabilities ``(D, K)`` of the draws
    ``arr`` (every row sums to 1; see the module docstring)."""
    from parley.analysis.outcomes import outcome_probabilities
    from parley.analysis.utility import batna_utility, crosses_red_line, package_utility

    forecasts: dict[str, np.ndarray] = {}
    for name in sorted(plan.models, key=lambda n: n == ENSEMBLE):
        opts = ModelOptions(rounds=plan.rounds, params=plan.params.get(name, {}))
        forecasts[name] = _reuse_members(name, opts, forecasts)
        if forecasts[name] is None:
            forecasts[name] = run_batch(get_model(name), arr, opts)
    P = plan.packages
    S = package_utility(P, arr, plan.loss) - batna_utility(arr, plan.loss)[..., None, :]
    C = crosses_red_line(P, arr)
    prob = outcome_probabilities(S, C, plan.parties, plan.setter, plan.precision,
                                 consent_bias=plan.consent_bias, no_proposal=plan.no_proposal)
    rest = np.clip(1.0 - prob.sum(axis=-1), 0.0, None)
    prob = np.concatenate([prob, rest[:, None]], axis=1)  # "no agreement", its own outcome
    return forecasts, prob


def _run_block(plan: Plan, block: int) -> ChunkResult:
    """The results of one block of draws."""
    from parley.analysis.space import collision_matrix

    start = block * BLOCK
    arr = from_unit(plan.arrays, list(plan.inputs), _unit(plan, block, 1), plan.table)
    forecasts, prob = evaluate(plan, arr)
    veto = list(plan.veto)
    g = len(veto)
    iu = np.triu_indices(g, 1)
    col = collision_matrix(arr, veto)[:, iu[0], iu[1], :].reshape(arr.draws, -1) if g > 1 else \
        np.zeros((arr.draws, 0), bool)
    n_zone = int(np.clip(plan.space_draws - start, 0, arr.draws))
    zone = np.zeros(n_zone, dtype=bool)
    if n_zone and veto:
        zone[:] = zone_draws(_first(arr, n_zone), veto, plan.screen, plan.loss)
    return ChunkResult(start, forecasts, prob, col, zone)


def zone_draws(
    arr: ScenarioArrays,
    veto: list[int],
    screen: np.ndarray,
    loss: str,
    found: list[np.ndarray] | None = None,
) -> np.ndarray:
    """``(D,)``: whether the veto players have a zone of agreement in each draw of ``arr``.

    1. *Screen* (vectorised over the draws): a draw has a zone if a package of ``screen``
       ``(k, m)`` crosses no veto player's red line and gives each more than its BATNA
       (:func:`parley.analysis.utility.acceptable`).
    2. The first undecided draw gets the exact search (:func:`parley.analysis.space.
       zone_search`: linear programmes); if it finds a zone, its package is screened against
       every draw still undecided at once (a package in one draw's zone is often in
       neighbouring draws' zones too), and so on until every draw is decided.

    Every True is certified by a package that every veto player accepts in that draw, every
    False by the exact search. The draws are taken in order, so the result depends only on
    ``arr`` (one block of draws) and ``screen``, never on the chunking. The zone packages the
    search finds are appended to ``found`` (if given).
    """
    from parley.analysis.space import zone_search
    from parley.analysis.utility import acceptable

    def accepted(packages: np.ndarray, rows: np.ndarray) -> np.ndarray:
        sub = _take(arr, rows)
        return acceptable(packages, sub, loss)[..., veto].all(axis=-1).any(axis=-1)

    D = int(arr.draws or 0)
    zone = accepted(np.asarray(screen, dtype=float), np.arange(D))
    members = [arr.actors[a] for a in veto]
    todo = np.flatnonzero(~zone)
    while todo.size:
        d, todo = int(todo[0]), todo[1:]
        zone_d = zone_search(arr.at(d), members, loss)
        zone[d] = zone_d.exists
        if zone_d.exists and found is not None:
            found.append(np.asarray(zone_d.package, dtype=float))
        if zone_d.exists and todo.size:
            hit = accepted(np.asarray(zone_d.package, dtype=float)[None, :], todo)
            zone[todo[hit]] = True
            todo = todo[~hit]
    return zone


def _reuse_members(
    name: str, opts: ModelOptions, done: dict[str, np.ndarray]
) -> np.ndarray | None:
    """The default ensemble from member forecasts already computed (None if it cannot be):
    the same equal-weight average :mod:`parley.models.ensemble` computes, without running
    its members a second time."""
    if name != ENSEMBLE or opts.params:
        return None
    from parley.models.ensemble import combine, default_members

    members = default_members()
    if not all(m in done for m in members):
        return None
    return combine(np.stack([done[m] for m in members], axis=-2), np.ones(len(members)))


def _first(arr: ScenarioArrays, k: int) -> ScenarioArrays:
    return _take(arr, np.arange(k)) if k < int(arr.draws or 0) else arr


def _take(arr: ScenarioArrays, rows: np.ndarray) -> ScenarioArrays:
    """The draws ``rows`` of arrays with a leading draws axis."""
    from dataclasses import replace

    fields = ("position", "salience", "capability", "raw_capability", "red_line", "no_deal")
    if np.ndim(arr.mask) == 3:
        fields = (*fields, "mask")
    return replace(arr, **{f: getattr(arr, f)[rows] for f in fields
                           if getattr(arr, f) is not None})


def summarise(
    plan: Plan, parts: list[ChunkResult], scenario: str, ids: list[str], notes: list[str],
    distribution: str,
) -> SimulationResult:
    """Concatenate chunk results in draw order into a :class:`SimulationResult`."""
    parts = sorted(parts, key=lambda p: p.start)
    veto = [plan.arrays.actors[a] for a in plan.veto]
    pairs = [
        (iid, veto[x], veto[y])
        for x, y in zip(*np.triu_indices(len(veto), 1), strict=True)
        for iid in plan.arrays.issues
    ]
    return SimulationResult(
        scenario=scenario,
        draws=plan.draws,
        seed=plan.seed,
        issues=plan.arrays.issues,
        forecasts={n: np.vstack([p.forecasts[n] for p in parts]) for n in plan.models},
        outcome_ids=ids,
        probability=np.vstack([p.probability for p in parts]),
        collision_pairs=pairs,
        collisions=np.vstack([p.collisions for p in parts]),
        zone=np.concatenate([p.zone for p in parts]),
        inputs=len(plan.inputs),
        distribution=distribution,
        notes=notes,
    )


def simulate(
    arrays: ScenarioArrays,
    draws: int,
    seed: int | None = 0,
    *,
    scenario: str = "",
    models: Sequence[str] | None = None,
    rounds: int | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    distribution: str = "uniform",
    loss: str = "linear",
    precision: float | None = None,
    space_draws: int | None = DEFAULT_SPACE_DRAWS,
    consent_bias: float | None = None,
    no_proposal: float | None = None,
    chunk_draws: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Monte Carlo simulation of a scenario (see the module docstring).

    ``chunk_draws`` sets the draws per chunk (rounded to whole blocks; default: by the
    arrays' size, to bound memory); ``workers`` runs the chunks on a local Dask cluster of
    that many workers, ``scheduler`` on an existing Dask scheduler (``"tcp://host:8786"``).
    ``progress(done, total)`` is called after each chunk, with draws done. ``precision``,
    ``consent_bias`` and ``no_proposal`` are the outcome model's parameters (None: the fitted
    defaults; :func:`make_plan`).
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ModelError(f"seed must be a whole number >= 0, got {seed!r}")
    plan, ids, notes = make_plan(
        arrays, draws, seed, models=models, rounds=rounds, params=params,
        distribution=distribution, loss=loss, precision=precision, space_draws=space_draws,
        consent_bias=consent_bias, no_proposal=no_proposal,
    )
    work = chunks(plan, chunk_draws)
    if workers is not None or scheduler is not None:
        from parley.simulation.distributed import run_distributed

        parts = run_distributed(plan, work, workers=workers, scheduler=scheduler,
                                progress=progress)
    else:
        parts = []
        done = 0
        for first, count in work:
            parts.append(run_chunk(plan, first, count))
            done += parts[-1].probability.shape[0]
            if progress is not None:
                progress(done, plan.draws)
    return summarise(plan, parts, scenario or "scenario", ids, notes, distribution)
