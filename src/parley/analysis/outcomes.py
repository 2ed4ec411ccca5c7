"""Outcome probabilities of named packages: an agenda setter's logit choice and logit consent.

The model (parley's; its parts are standard):

1. **Who decides.** Each package has *parties* whose consent it needs
   (:func:`parley.analysis.players.package_parties`): none for the status quo, one actor for a
   unilateral move, a channel's participants for a deal in that forum, or every veto player.
2. **Consent.** Party ``a`` consents to package ``k`` with the logit probability
   ``sigma(lambda * s_ak)`` of its surplus over its BATNA ``s_ak = u_a(k) - u_a(b_a)``, and
   never if ``k`` crosses one of its red lines. This is the binary logit / random utility model
   (McFadden 1974, "Conditional logit analysis of qualitative choice behavior", in Zarembka
   (ed.), *Frontiers in Econometrics*): utilities carry i.i.d. Gumbel noise of scale
   ``1/lambda``, and ``lambda`` is the precision of the logit quantal response equilibrium
   (McKelvey & Palfrey 1995, "Quantal response equilibria for normal form games", *Games and
   Economic Behavior* 10, section 4, the logit QRE): ``lambda = 0`` is random choice,
   ``lambda -> inf`` strict best response. Default ``lambda = 10``: a surplus of 0.1 (a move
   across the whole scale of an issue of salience 0.1) multiplies the odds of consent by ``e``.
3. **Agenda setter.** One actor puts packages on the table: by default the veto player with
   the largest capability (the agenda setter of Romer & Rosenthal 1978, "Political resources,
   controlled agendas, and the status quo", *Public Choice* 33(4); in the flagship scenario the
   US, "the only player ... with even a remote chance of getting a deal done"). It values
   proposing ``k`` at ``V_k = P(the other parties consent to k) * s_setter,k`` (a rejected
   proposal leaves the status quo, worth 0 over its BATNA) and chooses among the packages and
   "no proposal" (``V = 0``) by multinomial logit with the same precision:
   ``pi_k = exp(lambda V_k) / sum_j exp(lambda V_j)``. It never proposes a package crossing
   its own red lines.
4. **Outcome.** ``P(k) = E[pi_k * P(the other parties consent to k)]``; the expectation is
   over Monte Carlo draws of every uncertain input (positions, saliences, red lines, no-deal
   points, capabilities) from triangular distributions on ``[low, value, high]``, with one
   seeded generator. Everything else -- no proposal, or a proposal refused -- is *no
   agreement*: it goes to the status-quo package(s) of the scenario (those moving no issue,
   split equally), or to the ``no_agreement`` entry if there is none.

Departures: the setter's logit over packages has the independence-of-irrelevant-alternatives
property, so each package that would be refused (``V = 0``) adds weight to "talks without
result"; parley accepts this (each futile proposal is another round without result). The
parties' consent decisions are independent given the draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from parley.analysis.players import (
    Candidates,
    PackageParties,
    candidate_packages,
    package_parties,
    raw_capability,
    veto_players,
)
from parley.analysis.utility import (
    LOSSES,
    batna_utility,
    crosses_red_line,
    package_evaluator,
    package_utility,
    status_quo,
)
from parley.errors import ModelError
from parley.random import make_rng
from parley.scenario.arrays import FIELDS, ScenarioArrays, normalise_capability, to_arrays
from parley.scenario.schema import Scenario

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_PRECISION",
    "OutcomeResult",
    "bargaining_solutions",
    "outcome_probabilities",
    "outcome_report",
    "outcomes",
    "sample_arrays",
]

DEFAULT_PRECISION = 10.0
DEFAULT_DRAWS = 2000


def _triangular(
    rng: np.random.Generator, lo: np.ndarray, mode: np.ndarray, hi: np.ndarray, draws: int
) -> np.ndarray:
    """Triangular draws by the inverse CDF; the value itself where low == high."""
    u = rng.random((draws, *mode.shape))
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    c = np.clip((mode - lo) / safe, 0.0, 1.0)
    left = lo + np.sqrt(u * c) * safe
    right = hi - np.sqrt((1.0 - u) * (1.0 - c)) * safe
    x = np.where(u < c, left, right)
    return np.where(span > 0, x, mode)


def sample_arrays(
    arrays: ScenarioArrays, raw_cap: np.ndarray, draws: int, rng: np.random.Generator
) -> ScenarioArrays:
    """``draws`` samples of every uncertain number: arrays of shape ``(draws, n, m)``.

    ``raw_cap`` is the capability as written in the file (``(n, m)``), since ``arrays``
    holds it normalised. Saliences are clipped to [0, 1], positions to the scales.
    """
    vals = {
        "position": arrays.position,
        "salience": arrays.salience,
        "capability": raw_cap,
        "red_line": arrays.red_line,
        "no_deal": arrays.no_deal,
    }
    out: dict[str, np.ndarray] = {}
    for f in FIELDS:
        lo = np.where(np.isnan(arrays.low[f]), vals[f], arrays.low[f])
        hi = np.where(np.isnan(arrays.high[f]), vals[f], arrays.high[f])
        x = _triangular(rng, lo, vals[f], hi, draws)
        out[f] = np.where(np.isnan(vals[f]), np.nan, x)
    out["salience"] = np.clip(out["salience"], 0.0, 1.0)
    mask = np.broadcast_to(arrays.mask, out["position"].shape)
    out["capability"] = normalise_capability(np.where(mask, out["capability"], 0.0), mask)
    out["salience"] = np.where(mask, out["salience"], 0.0)
    return replace(arrays, **out)


def _raw_capability_matrix(scenario: Scenario, arrays: ScenarioArrays) -> np.ndarray:
    raw = np.zeros((arrays.n_actors, arrays.n_issues))
    actor_cap = raw_capability(scenario)
    for a, aid in enumerate(arrays.actors):
        for i, iid in enumerate(arrays.issues):
            st = scenario.stance(aid, iid)
            if st is not None:
                raw[a, i] = (st.capability.value if st.capability else actor_cap[a])
    return raw


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def outcome_probabilities(
    surplus: np.ndarray,
    crossed: np.ndarray,
    parties: np.ndarray,
    setter: int,
    precision: float = DEFAULT_PRECISION,
) -> np.ndarray:
    """Probability that each package is the outcome, for each draw.

    Parameters
    ----------
    surplus:
        ``(..., k, n)`` surplus of each package over each actor's BATNA.
    crossed:
        ``(..., k, n)`` True where the package crosses one of the actor's red lines.
    parties:
        ``(k, n)`` True where the actor's consent is needed; a row of False is a status-quo
        package (it is never "proposed"; see :func:`outcomes`).
    setter:
        Index of the agenda setter.
    precision:
        The logit precision ``lambda >= 0``.

    Returns
    -------
    ``(..., k)`` probabilities of the non-status-quo packages (0 for status-quo rows); one
    minus their sum is the probability of no agreement.
    """
    if precision < 0 or not np.isfinite(precision):
        raise ModelError(f"precision must be a finite number >= 0, got {precision!r}")
    consent = _sigmoid(precision * surplus) * ~crossed
    others = parties.copy()
    others[:, setter] = False
    p_others = np.where(others, consent, 1.0).prod(axis=-1)  # (..., k)
    proposable = parties.any(axis=1) & ~crossed[..., setter]
    value = np.where(proposable, precision * p_others * surplus[..., setter], -np.inf)
    # the "no proposal" option, V = 0, last
    z = np.concatenate([value, np.zeros((*value.shape[:-1], 1))], axis=-1)
    z = z - z.max(axis=-1, keepdims=True)
    w = np.exp(z)
    pi = w[..., :-1] / w.sum(axis=-1, keepdims=True)
    return pi * p_others


@dataclass
class OutcomeResult:
    """Outcome analysis of a scenario's packages (see :func:`outcomes`)."""

    scenario: str
    actors: list[str]
    issues: list[str]
    veto_players: list[str]
    veto_rule: str
    setter: str
    loss: str
    precision: float
    draws: int
    seed: int | None
    candidates: Candidates
    parties: list[PackageParties]
    surplus: np.ndarray  # (k, n) at the point estimates
    acceptable: np.ndarray  # (k, n)
    crossed: np.ndarray  # (k, n)
    probability: np.ndarray  # (k,)
    no_agreement: float
    status_quo: np.ndarray  # (m,)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"scenario", "outcomes": [...], "no_agreement", "model", ...}``."""
        rows = []
        for k, pid in enumerate(self.candidates.ids):
            pp = self.parties[k]
            acc = [a for a, ok in zip(self.actors, self.acceptable[k], strict=True) if ok]
            vetoing = [a for a in self.veto_players if a not in acc]
            rows.append(
                {
                    "id": pid,
                    "name": self.candidates.names[k],
                    "probability": float(self.probability[k]),
                    "acceptable_to": acc,
                    "blocked_by": [a for a in pp.parties if a not in acc],
                    "opposed_by": [a for a in vetoing if a not in pp.parties],
                    "red_lines_crossed": [
                        a for a, c in zip(self.actors, self.crossed[k], strict=True) if c
                    ],
                    "surplus": {
                        a: float(s) for a, s in zip(self.actors, self.surplus[k], strict=True)
                    },
                    "parties": pp.parties,
                    "forum": pp.forum,
                    "moves": pp.moved,
                    "positions": {
                        i: float(x)
                        for i, x in zip(self.issues, self.candidates.positions[k], strict=True)
                    },
                }
            )
        return {
            "scenario": self.scenario,
            "outcomes": rows,
            "no_agreement": float(self.no_agreement),
            "model": {
                "loss": self.loss,
                "precision": self.precision,
                "draws": self.draws,
                "seed": self.seed,
                "agenda_setter": self.setter,
                "veto_players": self.veto_players,
                "veto_rule": self.veto_rule,
                "status_quo": {
                    i: float(x) for i, x in zip(self.issues, self.status_quo, strict=True)
                },
                "citation": "logit consent (McFadden 1974) with quantal-response precision "
                "(McKelvey & Palfrey 1995); agenda setter (Romer & Rosenthal 1978)",
            },
            "notes": self.notes,
        }


def outcomes(
    scenario: Scenario,
    name: str | None = None,
    *,
    loss: str = "linear",
    precision: float = DEFAULT_PRECISION,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    setter: str | None = None,
    levers: Sequence[str] | None = None,
) -> OutcomeResult:
    """Outcome analysis of the scenario's packages (see the module docstring).

    ``draws = 0`` uses the point estimates only. ``rng`` overrides ``seed``. ``levers``
    (``ACTOR.LEVER`` or lever ids) are pulled: their unconditional changes applied to the
    numbers, their threats and promises to the surplus (:mod:`parley.analysis.levers`).
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise ModelError(f"draws must be a whole number >= 0, got {draws!r}")
    scenario, in_force = _pull(scenario, levers)
    arrays = to_arrays(scenario)
    cands = candidate_packages(scenario, arrays)
    veto, how = veto_players(scenario)
    parties = package_parties(scenario, arrays, cands.positions, veto)
    idx = {a: i for i, a in enumerate(arrays.actors)}
    setter_given = setter is not None
    if setter is None:
        cap = raw_capability(scenario)
        setter = max(veto, key=lambda a: cap[idx[a]])
    elif setter not in idx:
        raise ModelError(f"unknown agenda setter {setter!r} (actors: {', '.join(arrays.actors)})")
    P = cands.positions
    surplus0, crossed0 = _surplus(P, arrays, loss, in_force, cands.ids)
    acceptable0 = ~crossed0 & (surplus0 > 1e-9)
    pmask = np.array([[a in pp.parties for a in arrays.actors] for pp in parties], dtype=bool)
    if draws == 0:
        sampled = arrays
    else:
        gen = make_rng(seed if rng is None else rng)
        sampled = sample_arrays(arrays, _raw_capability_matrix(scenario, arrays), draws, gen)
    S, C = _surplus(P, sampled, loss, in_force, cands.ids)
    prob = outcome_probabilities(S, C, pmask, idx[setter], precision)
    prob = prob.reshape(-1, P.shape[0]).mean(axis=0)
    rest = max(0.0, 1.0 - float(prob.sum()))
    sq_rows = [k for k, pp in enumerate(parties) if not pp.parties]
    notes = [
        f"veto players: {how}",
        f"agenda setter: {setter}" + (" (given)" if setter_given else
        " (the veto player with the largest capability)"),
    ]
    if cands.note:
        notes.append(cands.note)
    if in_force:
        notes.append("threats and promises in force: " + ", ".join(lv.id for lv in in_force))
    if arrays.mask.any() and np.isnan(np.where(arrays.mask, arrays.no_deal, 0.0)).any():
        notes.append(
            "no-deal points missing for some actors: the issue's status quo (capability-"
            "weighted mean of the no-deal points given) or, where none is given, the "
            "compromise forecast is used"
        )
    if sq_rows:
        prob[sq_rows] = rest / len(sq_rows)
        no_agreement = 0.0
        notes.append(
            "no agreement is assigned to the status-quo package(s): "
            + ", ".join(cands.ids[k] for k in sq_rows)
        )
    else:
        no_agreement = rest
    return OutcomeResult(
        scenario=name or scenario.title,
        actors=list(arrays.actors),
        issues=list(arrays.issues),
        veto_players=veto,
        veto_rule=how,
        setter=setter,
        loss=loss,
        precision=float(precision),
        draws=draws,
        seed=seed if rng is None else None,
        candidates=cands,
        parties=parties,
        surplus=surplus0,
        acceptable=acceptable0,
        crossed=crossed0,
        probability=prob,
        no_agreement=no_agreement,
        status_quo=status_quo(arrays),
        notes=notes,
    )


def _pull(scenario: Scenario, levers: Sequence[str] | None) -> tuple[Scenario, list[Any]]:
    """The scenario with ``levers`` pulled (:func:`parley.whatif.apply`), and the pulled
    levers whose threats and promises are in force."""
    if not levers:
        return scenario, []
    from parley.scenario.loader import LoadedScenario
    from parley.whatif import apply

    v = apply(LoadedScenario(scenario, scenario.title, None), levers)
    return v.scenario, [lv for lv in v.scenario.levers if lv.id in v.levers]


def _surplus(
    P: np.ndarray, arrays: ScenarioArrays, loss: str, in_force: list[Any], ids: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Surplus over the BATNA and red-line crossings, ``(..., k, n)`` each."""
    if in_force:
        from parley.analysis.levers import conditional_surplus

        return conditional_surplus(P, arrays, in_force, loss, ids)
    S = package_utility(P, arrays, loss) - batna_utility(arrays, loss)[..., None, :]
    return S, crosses_red_line(P, arrays)


def bargaining_solutions(
    scenario: Scenario,
    *,
    loss: str = "linear",
    samples: int = 1000,
    seed: int | None = 0,
    members: list[str] | None = None,
    zone_package: np.ndarray | None = None,
) -> dict[str, Any]:
    """Nash, asymmetric Nash (capability weights), Kalai-Smorodinsky and utilitarian
    solutions among the veto players (or ``members``), over packages crossing none of their
    red lines, from :mod:`parley.analysis.solutions`. A solution is ``None`` where no package
    gives every member more than its BATNA.

    ``zone_package`` is a package inside the members' zone of agreement, used as a starting
    point of the search; found with :func:`parley.analysis.space.agreement_space` if not given.
    """
    from parley.analysis import solutions as sol

    arrays = to_arrays(scenario)
    if members is None:
        members, _ = veto_players(scenario)
    idx = [arrays.actors.index(a) for a in members]
    batna = batna_utility(arrays, loss)[idx]
    sq = status_quo(arrays)

    # BATNAs and red-line limits computed once: the polish evaluates thousands of packages
    utility, crosses = package_evaluator(arrays, loss, idx)

    def feasible(P: np.ndarray) -> np.ndarray:
        return ~crosses(P).any(axis=1)

    ideal = np.where(arrays.mask[idx], arrays.position[idx], sq[None, :])
    extra = [candidate_packages(scenario, arrays).positions, ideal, sq[None, :]]
    if zone_package is None:
        from parley.analysis.space import agreement_space

        zone_package = agreement_space(arrays, list(members), loss).zone.package
    if zone_package is not None:
        extra.append(np.asarray(zone_package)[None, :])  # inside the zone, found by LP/SLSQP
    anchors = np.vstack(extra)
    weights = raw_capability(scenario)[idx]
    common = {
        "samples": samples,
        "anchors": anchors,
    }
    gen = make_rng(seed)
    found = {
        "nash": sol.nash_bargaining(
            utility, batna, arrays.lower, arrays.upper, feasible, rng=gen, **common
        ),
        "asymmetric_nash": sol.nash_bargaining(
            utility, batna, arrays.lower, arrays.upper, feasible, weights, rng=gen, **common
        ),
        "kalai_smorodinsky": sol.kalai_smorodinsky(
            utility, batna, arrays.lower, arrays.upper, feasible, rng=gen, **common
        ),
        "utilitarian": sol.utilitarian(
            utility, batna, arrays.lower, arrays.upper, feasible, rng=gen, **common
        ),
    }
    out: dict[str, Any] = {"actors": list(members), "loss": loss}
    for key, s in found.items():
        out[key] = None if s is None else s.to_dict(list(arrays.issues), list(members))
    return out


def outcome_report(
    scenario: Scenario,
    name: str,
    *,
    loss: str = "linear",
    seed: int | None = 0,
    draws: int = DEFAULT_DRAWS,
    precision: float = DEFAULT_PRECISION,
    solutions: bool = True,
    levers: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Everything ``parley outcomes`` reports, as plain data: the outcomes of
    :func:`outcomes`, the veto players' agreement space under ``"zopa"`` and the bargaining
    solutions under ``"solutions"`` (``{"skipped": True}`` when ``solutions`` is False).
    With ``levers`` (see :func:`outcomes`), the agreement space uses each actor's refusal
    payoff with the threats in force."""
    from parley.analysis.space import agreement_space

    if loss not in LOSSES:
        raise ModelError(f"--loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    data = outcomes(
        scenario, name, loss=loss, precision=precision, draws=draws, seed=seed, levers=levers
    ).to_dict()
    scenario, in_force = _pull(scenario, levers)
    veto, _ = veto_players(scenario)
    space_arrays = to_arrays(scenario)
    if in_force:
        from parley.analysis.levers import threat_world

        space_arrays = threat_world(space_arrays, in_force)
    space = agreement_space(space_arrays, veto, loss)
    data["zopa"] = space.to_dict()
    data["solutions"] = (
        bargaining_solutions(
            scenario, loss=loss, seed=seed, members=veto, zone_package=space.zone.package
        )
        if solutions
        else {"skipped": True}
    )
    return data
