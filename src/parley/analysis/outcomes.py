"""Outcome probabilities of packages: an agenda setter choosing among the proposals that would
pass, and logit consent.

The model (parley's; its parts are standard):

1. **Who decides.** Each package has *parties* whose consent it needs
   (:func:`parley.analysis.players.package_parties`): none for the status quo, one actor for a
   unilateral move, a channel's participants for a deal in that forum, or every veto player.
2. **Consent.** Party ``a`` consents to package ``k`` with the logit probability
   ``sigma(lambda * s_ak + alpha)`` of its surplus over its BATNA ``s_ak = u_a(k) - u_a(b_a)``,
   and never if ``k`` crosses one of its red lines. This is the binary logit / random utility model
   (McFadden 1974, "Conditional logit analysis of qualitative choice behavior", in Zarembka
   (ed.), *Frontiers in Econometrics*): utilities carry i.i.d. Gumbel noise of scale
   ``1/lambda``, and ``lambda`` is the precision of the logit quantal response equilibrium
   (McKelvey & Palfrey 1995, "Quantal response equilibria for normal form games", *Games and
   Economic Behavior* 10, section 4): ``lambda = 0`` is random choice, ``lambda -> inf`` strict
   best response. ``alpha`` is the alternative-specific constant of the binary logit (Train
   2009, *Discrete Choice Methods with Simulation*, 2nd ed., sec. 2.5.1): the log-odds of
   consent at zero surplus, a propensity to say yes that the surplus does not capture; with
   the setter's choice below it sets the expected size of the random choice set. ``q_k`` is
   the probability that every party other than the setter consents.
3. **Agenda setter.** One actor puts packages on the table: by default the veto player with
   the largest capability (the agenda setter of Romer & Rosenthal 1978, "Political resources,
   controlled agendas, and the status quo", *Public Choice* 33(4)). Before proposing, it sounds
   the parties out: package ``k`` is *available* when every other party would consent (with
   probability ``q_k``, independently across packages), and the setter chooses among the
   available packages and "no proposal" by multinomial logit on its own surplus, weights
   ``w_k = exp(lambda s_setter,k)`` and ``w_0 = exp(beta)`` (``beta``, the constant of the
   "no proposal" alternative, is the setter's propensity to end without agreement): the
   logit with a random choice set of Manski (1977, "The structure of random utility
   models", *Theory and Decision* 8(3), 229-254, eq. 4: ``P(k) = sum_C P(C) P(k | C)``;
   Swait & Ben-Akiva 1987, "Incorporating random constraints in discrete models of choice
   set generation", *Transportation Research B* 21(2), 91-102). So::

       P(k) = E_C[ 1{k in C} w_k / (w_0 + sum_{j in C} w_j) ]

   computed exactly by :func:`choice_among_available` (an integral identity, no sampling). It
   never proposes a package crossing its own red lines. A status-quo package (one moving no
   issue) needs nobody's consent: the setter may choose it like any other option.
4. **Distinct outcomes.** Packages that put every issue within ``SAME_TOL`` of the scale of
   each other are one outcome (:func:`same_outcome`): the setter chooses among distinct
   outcomes, so a copy takes nothing from the others and is reported with its original's
   probability (``same_as``). This is Debreu's (1960, review of Luce's *Individual Choice
   Behavior*, *American Economic Review* 50(1), 186-188) objection to the independence of
   irrelevant alternatives, answered as the nested logit does in its limit of perfectly
   correlated alternatives within a nest (McFadden 1978, "Modelling the choice of residential
   location", in Karlqvist et al. (eds), *Spatial Interaction Theory and Planning Models*).
5. **Outcome.** Everything else -- no proposal, or nothing available that the setter prefers
   -- is **no agreement**, reported apart from any status-quo package:
   ``P(no agreement) = 1 - sum over distinct packages of P(k)``. The expectation is over Monte
   Carlo draws of every uncertain input (positions, saliences, red lines, no-deal points,
   capabilities; :func:`parley.simulation.sampling.sample`, triangular on
   ``[low, value, high]`` unless the file names a distribution) with one seeded generator; each
   probability gets the 90% interval of its per-draw values, and the headline conclusions a
   robustness check (:mod:`parley.analysis.robustness`).

*Menu independence.* A package that some party other than the setter never accepts (it
crosses that party's red line, ``q = 0``) or that crosses the setter's own red line is never
available and changes nothing; one that its parties accept only with a tiny probability
changes the others by at most that probability; a copy changes nothing (step 4). The
agreement-space packages (:mod:`parley.analysis.space`) and bargaining solutions
(:mod:`parley.analysis.solutions`) are evaluated alongside the named ones (``generated``);
they are computed from the actors' numbers alone, never from the named packages.

*Parameters.* ``lambda``, ``alpha`` and ``beta`` are fitted jointly by maximum likelihood on
the case library's recorded agreements, with leave-one-case-out validation
(:mod:`parley.backtest.odds`; figures in docs/validation.md): ``DEFAULT_PRECISION`` 2,
``DEFAULT_CONSENT_BIAS`` 2 and ``DEFAULT_NO_PROPOSAL`` -10, the lower end of its grid (the
setter all but never walks away while some proposal would pass, so "no agreement" comes from
proposals that would not pass). At ``lambda = 2`` a surplus of 0.5 multiplies the odds of
consent by ``e``; at zero surplus a party consents with probability ``sigma(2) = 0.88``.
``alpha = beta = 0`` is the model without the two constants; before the fit ``lambda`` was
set by hand to 10 with no constants (the held-out scores of both are in docs/validation.md).

Departures: the earlier model (parley 0.x) valued a proposal at ``q_k s_k`` and chose by a plain
logit over all listed packages, which has the independence-of-irrelevant-alternatives property:
four copies of a hopeless plan moved "talks without commitment" from 60% to 70%. Here the setter
is assumed to know which proposals would pass (sounding out before proposing), so a refused
proposal never happens; the parties' consent decisions are independent of each other given the
draw, and a package's consent is the same event for all its copies. Setter weights below
``exp(-60)`` of the largest are raised to it (a numerical floor, no visible effect).
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
from parley.random import SeedLike, make_rng
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "DEFAULT_CONSENT_BIAS",
    "DEFAULT_DRAWS",
    "DEFAULT_NO_PROPOSAL",
    "DEFAULT_PRECISION",
    "PRECISIONS",
    "SAME_TOL",
    "DrawOutcomes",
    "OutcomeResult",
    "bargaining_solutions",
    "choice_among_available",
    "outcome_conclusions",
    "outcome_probabilities",
    "outcome_report",
    "outcomes",
    "same_outcome",
]

DEFAULT_PRECISION = 2.0
"""``lambda``, fitted by maximum likelihood on the case library (:mod:`parley.backtest.odds`)."""
DEFAULT_CONSENT_BIAS = 2.0
"""``alpha``, fitted with ``lambda`` (:mod:`parley.backtest.odds`)."""
DEFAULT_NO_PROPOSAL = -10.0
"""``beta``, fitted with ``lambda`` (:mod:`parley.backtest.odds`)."""
DEFAULT_DRAWS = 2000
PRECISIONS = (DEFAULT_PRECISION / 2, DEFAULT_PRECISION, DEFAULT_PRECISION * 2)
"""Logit precisions under which the robustness section re-checks each conclusion: half the
default, the default and twice it."""
SAME_TOL = 0.005
"""Two packages within this fraction of every issue's scale of each other are one outcome."""
_ACCEPT_EPS = 1e-9
"""Surplus above which a package counts as acceptable (as in :mod:`parley.analysis.utility`)."""
_SETTLEMENT_DRAWS = 100
"""Draws (at most) in which the comprehensive-settlement search is run per loss; the draws
with colliding red lines need no search and are all used."""


_W_FLOOR = -60.0
"""Log of the smallest proposal weight relative to the largest (``exp(-60)``, ~1e-26): a
weight below is raised to it, so the quadrature below covers every package's range."""
_Y_LOW = -8.0
"""Lower end of the quadrature in ``log t``; below it the integrand is ``1 - c t`` to
second order and is integrated exactly (error < 1e-8)."""
_TAIL = 40.0
"""Upper end of the quadrature: ``t`` up to ``_TAIL / a`` for the smallest ``a`` (e^-40)."""
_STEP = 0.5
"""Step of the trapezoid rule in ``log t``."""
QUADRATURE_ERROR = 1e-7
"""Bound on the quadrature error of each probability of :func:`choice_among_available` at
``_STEP``: measured against a step of 0.05 on 1,500 random outcome problems (up to 5 packages,
4 actors, precision up to 50), the largest error was 7.7e-8 (6.9e-9 at a step of 0.25, which
doubles the cost). A test checks the bound on fresh random problems."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def choice_among_available(q: np.ndarray, w: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """``E[B_k w_k / (w0 + sum_j B_j w_j)]`` for independent ``B_j ~ Bernoulli(q_j)``.

    The probability that a logit chooser with weights ``w`` ``(..., k)`` (and ``w0`` ``(...)``
    for the option that is always there) picks ``k`` when each option ``j`` is available with
    probability ``q_j``, independently (step 3 of the module docstring). Exact up to
    quadrature error (``QUADRATURE_ERROR``), by ``1/x = int_0^inf exp(-x t) dt``::

        P_k = q_k w_k int_0^inf exp(-(w0 + w_k) t) prod_{j != k} (1 - q_j + q_j e^(-w_j t)) dt

    with the trapezoid rule in ``log t``. Weights are taken relative to the largest of each
    row (``max(w0, w) = 1`` is assumed). The rows are integrated in blocks of
    ``_QUAD_BLOCK`` elements (rows x nodes x options), so that the temporaries stay in the
    cache; every row is computed exactly as it would be alone.
    """
    q, w, w0x = np.broadcast_arrays(
        np.asarray(q, dtype=float),
        np.asarray(w, dtype=float),
        np.asarray(w0, dtype=float)[..., None],
    )
    if q.size == 0:
        return np.zeros(q.shape)
    a = w0x + w
    a_min = max(float(a.min()), float(np.exp(_W_FLOOR)))
    y = np.arange(_Y_LOW, np.log(_TAIL / a_min) + _STEP, _STEP)
    t = np.exp(y)[:, None]  # (T, 1)
    shape, k = q.shape, q.shape[-1]
    q2, w2, w02 = (x.reshape(-1, k) for x in (q, w, w0x))
    integral = np.empty(q2.shape)
    rows = max(1, _QUAD_BLOCK // max(1, t.shape[0] * k))
    for r in range(0, q2.shape[0], rows):
        sl = slice(r, r + rows)
        integral[sl] = _integral(q2[sl], w2[sl], w02[sl, 0], t)
    return q * w * integral.reshape(shape)


_QUAD_BLOCK = 32_768
"""Elements (rows x quadrature nodes x options) integrated at a time by
:func:`choice_among_available`: a few hundred kB per temporary, resident in the L2 cache."""


def _integral(q: np.ndarray, w: np.ndarray, w0: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The integral of :func:`choice_among_available` for rows ``(r, k)`` at nodes ``t``."""
    a = w0[..., None] + w
    e = np.exp(-w[..., None, :] * t)  # (r, T, k)
    f = 1.0 - q[..., None, :] + q[..., None, :] * e  # P(option j does not take t-mass)
    # products of the options before and after each one (1 * x == x, so starting the
    # running product at the first factor is the same as starting it at 1)
    before = np.empty_like(f)
    before[..., 0] = 1.0
    np.cumprod(f[..., :-1], axis=-1, out=before[..., 1:])
    after = np.empty_like(f)
    after[..., -1] = 1.0
    np.cumprod(f[..., :0:-1], axis=-1, out=after[..., -2::-1])
    integrand = np.exp(-w0[..., None, None] * t)  # (r, T, 1)
    integrand = integrand * e  # dt = t dy: e0 * e * before * after * t
    integrand *= before
    integrand *= after
    integrand *= t
    t_lo = np.exp(_Y_LOW)
    slope = a + (q * w).sum(axis=-1, keepdims=True) - q * w  # -g'(0)
    trapezoid = integrand.sum(axis=-2) - 0.5 * integrand[..., 0, :]  # the upper end is ~0
    # Euler-Maclaurin end correction at the lower end, where the integrand is ~ e^y
    return _STEP * trapezoid + _STEP**2 / 12.0 * t_lo + t_lo - 0.5 * slope * t_lo**2


def outcome_probabilities(
    surplus: np.ndarray,
    crossed: np.ndarray,
    parties: np.ndarray,
    setter: int,
    precision: float = DEFAULT_PRECISION,
    same_as: np.ndarray | None = None,
    *,
    consent_bias: float = DEFAULT_CONSENT_BIAS,
    no_proposal: float = DEFAULT_NO_PROPOSAL,
) -> np.ndarray:
    """Probability that each package is the outcome, for each draw (module docstring).

    Parameters
    ----------
    surplus:
        ``(..., k, n)`` surplus of each package over each actor's BATNA (threats and
        promises enter here, as a conditional surplus).
    crossed:
        ``(..., k, n)`` True where the package crosses one of the actor's red lines.
    parties:
        ``(k, n)`` True where the actor's consent is needed; a row of False (a status-quo
        package) needs nobody's consent: the setter may simply choose it.
    setter:
        Index of the agenda setter.
    precision:
        The logit precision ``lambda >= 0``.
    same_as:
        ``(k,)`` index of the package each package is the same outcome as (itself if none;
        see :func:`same_outcome`). Copies share their original's probability and take
        nothing from the others.
    consent_bias:
        ``alpha``, the log-odds of a party's consent at zero surplus (step 2).
    no_proposal:
        ``beta``, the setter's log-weight of making no proposal (step 3).

    Returns
    -------
    ``(..., k)`` probabilities; one minus their sum over distinct packages
    (``same_as[k] == k``) is the probability of no agreement.
    """
    if precision < 0 or not np.isfinite(precision):
        raise ModelError(f"precision must be a finite number >= 0, got {precision!r}")
    for label, value in (("consent bias", consent_bias), ("no-proposal weight", no_proposal)):
        if not np.isfinite(value):
            raise ModelError(f"{label} must be a finite number, got {value!r}")
    S = np.asarray(surplus, dtype=float)
    k = S.shape[-2]
    rep = np.arange(k) if same_as is None else np.asarray(same_as, dtype=np.intp)
    consent = _sigmoid(precision * S + consent_bias) * ~crossed
    others = np.array(parties, dtype=bool)
    others[:, setter] = False
    q = np.where(others, consent, 1.0).prod(axis=-1)  # (..., k)
    proposable = ~crossed[..., setter] & (rep == np.arange(k))
    q = np.where(proposable, q, 0.0)
    v = precision * S[..., setter]
    ref = np.maximum(no_proposal, np.where(proposable, v, -np.inf).max(axis=-1))  # (...)
    w = np.exp(np.clip(v - ref[..., None], _W_FLOOR, 0.0))
    w0 = np.exp(np.maximum(no_proposal - ref, _W_FLOOR))
    live = q.reshape(-1, k).any(axis=0)  # options never available change nothing
    p = np.zeros_like(q)
    p[..., live] = choice_among_available(q[..., live], w[..., live], w0)
    return p[..., rep]


def same_outcome(positions: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``(k,)``: for each package, the first package that is the same outcome (every issue
    within ``SAME_TOL`` of the scale of it), else the package itself."""
    P = np.asarray(positions, dtype=float)
    width = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    close = (np.abs(P[:, None, :] - P[None, :, :]) <= SAME_TOL * width).all(axis=-1)
    rep = np.arange(P.shape[0])
    for j in range(P.shape[0]):  # k is a handful of packages
        earlier = np.flatnonzero(close[j, :j] & (rep[:j] == np.arange(j)))
        if earlier.size:
            rep[j] = earlier[0]
    return rep


@dataclass
class DrawOutcomes:
    """Per-draw results of the outcome model, ``D`` draws (1 for the point estimates): what
    the robustness conclusions are checked on."""

    probability: np.ndarray
    """``(D, k)`` probability of each package."""
    no_agreement: np.ndarray
    """``(D,)`` probability of no agreement."""
    blocked: np.ndarray
    """``(D, k, n)`` True where a party to the package would not accept it."""
    settlement: np.ndarray
    """``(D,)`` 1.0 / 0.0 where a comprehensive settlement of the veto players exists or not,
    NaN in draws where it was not searched."""


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
    consent_bias: float
    no_proposal: float
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
    generated: np.ndarray | None = None
    """``(k,)`` True for packages of the agreement space or a bargaining solution."""
    same_as: np.ndarray | None = None
    """``(k,)`` index of the package each one is the same outcome as (itself if none)."""
    interval: np.ndarray | None = None
    """``(k, 2)`` 90% interval of each probability over the draws."""
    no_agreement_interval: tuple[float, float] | None = None
    per_draw: DrawOutcomes | None = None
    space: Any = None
    """The veto players' :class:`parley.analysis.space.SpaceResult` (if computed)."""
    solutions: dict[str, Any] | None = None
    """The bargaining solutions (if computed), as :func:`bargaining_solutions` gives them."""
    robustness: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"scenario", "outcomes": [...], "no_agreement", "model", ...}``."""
        k = len(self.candidates.ids)
        gen = np.zeros(k, bool) if self.generated is None else self.generated
        rep = np.arange(k) if self.same_as is None else self.same_as
        ivl = np.repeat(self.probability[:, None], 2, axis=1) if self.interval is None \
            else self.interval
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
                    "interval": [float(ivl[k, 0]), float(ivl[k, 1])],
                    "generated": bool(gen[k]),
                    "same_as": None if rep[k] == k else self.candidates.ids[rep[k]],
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
        na = self.no_agreement_interval or (self.no_agreement, self.no_agreement)
        out = {
            "scenario": self.scenario,
            "outcomes": rows,
            "no_agreement": float(self.no_agreement),
            "no_agreement_interval": [float(na[0]), float(na[1])],
            "model": {
                "loss": self.loss,
                "precision": self.precision,
                "consent_bias": self.consent_bias,
                "no_proposal": self.no_proposal,
                "draws": self.draws,
                "seed": self.seed,
                "agenda_setter": self.setter,
                "veto_players": self.veto_players,
                "veto_rule": self.veto_rule,
                "status_quo": {
                    i: float(x) for i, x in zip(self.issues, self.status_quo, strict=True)
                },
                "interval_level": 0.9,
                "citation": "logit consent (McFadden 1974) with quantal-response precision "
                "(McKelvey & Palfrey 1995); agenda setter (Romer & Rosenthal 1978) choosing "
                "among the proposals that would pass (random choice sets, Manski 1977) and "
                "among distinct outcomes (Debreu 1960; McFadden 1978)",
            },
            "notes": self.notes,
        }
        if self.robustness is not None:
            out["robustness"] = self.robustness
        return out


@dataclass
class _Setup:
    """What every evaluation of the model over the draws shares."""

    packages: np.ndarray  # (k, m)
    ids: list[str]
    parties: np.ndarray  # (k, n) bool
    setter: int
    same_as: np.ndarray  # (k,)
    veto: list[str]
    in_force: list[Any]
    sampled: ScenarioArrays  # (D, n, m) fields
    consent_bias: float = 0.0
    no_proposal: float = 0.0
    surplus_memo: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Surplus and red-line crossings over the draws, by loss: the robustness variants of the
    precision reuse them instead of recomputing them."""


def _evaluate(setup: _Setup, loss: str, precision: float, settlement: np.ndarray) -> DrawOutcomes:
    if loss not in setup.surplus_memo:
        setup.surplus_memo[loss] = _surplus(
            setup.packages, setup.sampled, loss, setup.in_force, setup.ids
        )
    S, C = setup.surplus_memo[loss]
    prob = outcome_probabilities(
        S, C, setup.parties, setup.setter, precision, setup.same_as,
        consent_bias=setup.consent_bias, no_proposal=setup.no_proposal,
    )
    distinct = setup.same_as == np.arange(setup.same_as.size)
    rest = np.clip(1.0 - prob[:, distinct].sum(axis=-1), 0.0, 1.0)
    blocked = setup.parties & ~(~C & (S > _ACCEPT_EPS))
    return DrawOutcomes(prob, rest, blocked, settlement)


def _summary(d: DrawOutcomes, setup: _Setup, arrays: ScenarioArrays, loss: str) -> DrawOutcomes:
    """One "draw" summing up a setting: the mean probabilities, who blocks at the point
    estimates, and whether most searched draws have a settlement (what the conclusions are
    read from at the base setting)."""
    S, C = _surplus(setup.packages, arrays, loss, setup.in_force, setup.ids)
    blocked = setup.parties & ~(~C & (S > _ACCEPT_EPS))
    decided = d.settlement[~np.isnan(d.settlement)]
    settled = float(decided.mean() >= 0.5) if decided.size else np.nan
    return DrawOutcomes(
        d.probability.mean(axis=0, keepdims=True),
        d.no_agreement.mean(axis=0, keepdims=True),
        blocked[None],
        np.array([settled]),
    )


def _settlement_draws(arrays: ScenarioArrays, veto: list[str], loss: str) -> np.ndarray:
    """Per draw: 1.0 where the veto players have a comprehensive settlement, 0.0 where not,
    NaN where not searched (red lines that collide decide it without a search)."""
    from parley.analysis.space import red_line_range, settlement_exists

    if not veto:
        return np.full(arrays.position.shape[0], np.nan)
    idx = [arrays.actors.index(a) for a in veto]
    lo, hi = red_line_range(arrays, idx)
    width = np.asarray(arrays.upper, dtype=float) - np.asarray(arrays.lower, dtype=float)
    collide = (lo > hi + _ACCEPT_EPS * width).any(axis=-1)
    out = np.where(collide, 0.0, np.nan)
    for d in np.flatnonzero(~collide)[:_SETTLEMENT_DRAWS]:
        out[d] = float(settlement_exists(arrays.at(int(d)), veto, loss))
    return out


def _point_draw(arrays: ScenarioArrays) -> ScenarioArrays:
    """The point estimates as arrays with a draws axis of length 1."""
    fields = ("position", "salience", "capability", "red_line", "no_deal")
    out = {f: np.asarray(getattr(arrays, f))[None] for f in fields}
    if arrays.raw_capability is not None:
        out["raw_capability"] = np.asarray(arrays.raw_capability)[None]
    return replace(arrays, **out)


_GENERATED = {
    "nash": "Nash bargaining solution",
    "asymmetric_nash": "Asymmetric Nash solution (capability weights)",
    "kalai_smorodinsky": "Kalai-Smorodinsky solution",
    "utilitarian": "Utilitarian solution",
}


def _generated(
    arrays: ScenarioArrays,
    veto: list[str],
    loss: str,
    in_force: list[Any],
    solutions: bool,
    seed: SeedLike,
) -> tuple[Any, dict[str, Any] | None, list[tuple[str, str, np.ndarray]]]:
    """The veto players' agreement space, the bargaining solutions, and the packages they
    give: ``[(id, name, positions)]``."""
    from parley.analysis.space import agreement_space

    space_arrays = arrays
    if in_force:
        from parley.analysis.levers import threat_world

        space_arrays = threat_world(arrays, in_force)
    space = agreement_space(space_arrays, veto, loss)
    found: list[tuple[str, str, np.ndarray]] = []
    if space.zone.exists:
        found.append(("space:zone", "Zone of agreement: max-min package", space.zone.package))
    if space.settlement.exists:
        found.append(
            ("space:settlement", "Comprehensive settlement: max-min package",
             space.settlement.package)
        )
    sols = None
    if solutions:
        sols = bargaining_solutions(
            arrays, loss=loss, seed=seed, members=veto, zone_package=space.zone.package,
            zone_reference=space.zone.reference_package,
        )
        for key, name in _GENERATED.items():
            if sols.get(key) is not None:
                pos = np.array([sols[key]["positions"][i] for i in arrays.issues], dtype=float)
                found.append((f"solution:{key}", name, pos))
    return space, sols, found


def outcomes(
    arrays: ScenarioArrays,
    name: str | None = None,
    *,
    loss: str = "linear",
    precision: float = DEFAULT_PRECISION,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    setter: str | None = None,
    consent_bias: float = DEFAULT_CONSENT_BIAS,
    no_proposal: float = DEFAULT_NO_PROPOSAL,
    in_force: Sequence[Any] = (),
    generated: bool = False,
    solutions: bool = False,
    robustness: bool = False,
) -> OutcomeResult:
    """Outcome analysis of the scenario's packages (see the module docstring).

    ``arrays`` are the scenario's arrays (:func:`parley.scenario.arrays.to_arrays`; with
    levers pulled, those of the scenario with their unconditional changes applied, as
    :func:`parley.odds.outcomes` does). ``draws = 0`` uses the point estimates only;
    ``rng`` overrides ``seed`` (:func:`parley.random.make_rng`). ``in_force`` are the pulled
    levers whose threats and promises enter the surplus (:mod:`parley.analysis.levers`). With
    ``generated`` the veto
    players' zone-of-agreement and settlement packages are evaluated alongside the named ones
    (as ``parley outcomes`` does), with ``solutions`` also the bargaining solutions (slower);
    with ``robustness`` the result carries the robustness section (needs ``generated`` for the
    settlement conclusion; :func:`outcome_conclusions`). ``precision``, ``consent_bias`` and
    ``no_proposal`` are the model's parameters ``lambda``, ``alpha`` and ``beta``; their
    defaults are fitted on the case library (:mod:`parley.backtest.odds`).
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise ModelError(f"draws must be a whole number >= 0, got {draws!r}")
    if loss not in LOSSES:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")
    in_force, title = list(in_force), name or "scenario"
    cands = candidate_packages(arrays)
    veto, how = veto_players(arrays)
    idx = {a: i for i, a in enumerate(arrays.actors)}
    setter_given = setter is not None
    if setter is None:
        cap = raw_capability(arrays)
        setter = max(veto, key=lambda a: cap[idx[a]])
    elif setter not in idx:
        raise ModelError(f"unknown agenda setter {setter!r} (actors: {', '.join(arrays.actors)})")
    space, sols, extra = (
        _generated(arrays, veto, loss, in_force, solutions, seed) if generated
        else (None, None, [])
    )
    n_named = len(cands.ids)
    cands = Candidates(
        cands.ids + [e[0] for e in extra],
        cands.names + [e[1] for e in extra],
        np.vstack([cands.positions, *[e[2][None, :] for e in extra]]),
        cands.note,
    )
    P = cands.positions
    is_generated = np.arange(P.shape[0]) >= n_named
    parties = package_parties(arrays, P, veto)
    same = same_outcome(P, arrays.lower, arrays.upper)
    surplus0, crossed0 = _surplus(P, arrays, loss, in_force, cands.ids)
    acceptable0 = ~crossed0 & (surplus0 > _ACCEPT_EPS)
    pmask = np.array([[a in pp.parties for a in arrays.actors] for pp in parties], dtype=bool)
    pmask = pmask.reshape(P.shape[0], arrays.n_actors)
    if draws == 0:
        sampled = _point_draw(arrays)
    else:
        from parley.simulation.sampling import sample

        sampled = sample(arrays, draws, make_rng(seed if rng is None else rng), "triangular")
    setup = _Setup(P, list(cands.ids), pmask, idx[setter], same, veto, in_force, sampled,
                   float(consent_bias), float(no_proposal))
    settle = {loss: _settlement_draws(sampled, veto, loss)} if robustness else {}
    unsearched = np.full(sampled.position.shape[0], np.nan)
    base = _evaluate(setup, loss, precision, settle.get(loss, unsearched))
    prob = base.probability.mean(axis=0)
    from parley.analysis.robustness import assess, interval

    lo, hi = interval(base.probability)
    na_lo, na_hi = interval(base.no_agreement)
    notes = _notes(arrays, cands, parties, same, how, setter, setter_given, in_force)
    result = OutcomeResult(
        scenario=title,
        actors=list(arrays.actors),
        issues=list(arrays.issues),
        veto_players=veto,
        veto_rule=how,
        setter=setter,
        loss=loss,
        precision=float(precision),
        consent_bias=float(consent_bias),
        no_proposal=float(no_proposal),
        draws=draws,
        seed=seed if rng is None else None,
        candidates=cands,
        parties=parties,
        surplus=surplus0,
        acceptable=acceptable0,
        crossed=crossed0,
        probability=prob,
        no_agreement=float(base.no_agreement.mean()),
        status_quo=status_quo(arrays),
        notes=notes,
        generated=is_generated,
        same_as=same,
        interval=np.stack([lo, hi], axis=-1),
        no_agreement_interval=(float(na_lo), float(na_hi)),
        per_draw=base,
        space=space,
        solutions=sols,
    )
    if robustness:
        variants: dict[str, DrawOutcomes] = {}
        for lam in PRECISIONS:
            res = base if lam == precision else _evaluate(setup, loss, lam, settle[loss])
            variants[f"precision={lam:g}"] = _summary(res, setup, arrays, loss)
        for other in LOSSES:
            if other not in settle:
                settle[other] = _settlement_draws(sampled, veto, other)
            res = base if other == loss else _evaluate(setup, other, precision, settle[other])
            variants[f"loss={other}"] = _summary(res, setup, arrays, other)
        result.robustness = assess(outcome_conclusions(result), base, variants)
    return result


def _notes(
    arrays: ScenarioArrays,
    cands: Candidates,
    parties: list[PackageParties],
    same: np.ndarray,
    how: str,
    setter: str,
    setter_given: bool,
    in_force: list[Any],
) -> list[str]:
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
    sq_rows = [cands.ids[k] for k, pp in enumerate(parties) if not pp.parties]
    if sq_rows:
        notes.append(
            "status-quo package(s), which need nobody's consent and are reported apart from "
            "no agreement: " + ", ".join(sq_rows)
        )
    copies = [f"{cands.ids[k]} = {cands.ids[r]}" for k, r in enumerate(same) if r != k]
    if copies:
        notes.append("the same outcome (counted once): " + "; ".join(copies))
    return notes


def outcome_conclusions(result: OutcomeResult) -> list[Any]:
    """The headline conclusions of ``result`` (at its settings), as
    :class:`parley.analysis.robustness.Conclusion` objects on :class:`DrawOutcomes`: the
    likeliest outcome, the likeliest agreement (a package needing two or more parties), who
    blocks each package, and whether a comprehensive settlement exists."""
    from parley.analysis.robustness import Conclusion

    ids = result.candidates.ids
    same = np.arange(len(ids)) if result.same_as is None else result.same_as
    distinct = np.flatnonzero(same == np.arange(len(ids)))
    labels = [ids[k] for k in distinct] + ["no agreement"]
    mean = np.append(result.probability[distinct], result.no_agreement)
    out: list[Any] = []

    def table(d: DrawOutcomes) -> np.ndarray:
        return np.concatenate([d.probability[:, distinct], d.no_agreement[:, None]], axis=1)

    top = int(np.argmax(mean))
    out.append(Conclusion(
        f"the likeliest outcome is {labels[top]}",
        lambda d, top=top: (np.argmax(table(d), axis=1) == top).astype(float),
        about={"kind": "likeliest_outcome",
               "package": None if top == len(distinct) else labels[top]},
    ))
    deals = [k for k in distinct if len(result.parties[k].parties) >= 2]
    if deals:
        best = max(deals, key=lambda k: result.probability[k])
        out.append(Conclusion(
            f"the likeliest agreement is {ids[best]}",
            lambda d, best=best, deals=deals: (
                np.asarray(deals)[np.argmax(d.probability[:, deals], axis=1)] == best
            ).astype(float),
            about={"kind": "likeliest_agreement", "package": ids[best]},
        ))
    for k in distinct:
        needed = np.array([a in result.parties[k].parties for a in result.actors])
        if not needed.any():
            continue
        point = needed & ~result.acceptable[k]
        who = [a for a, b in zip(result.actors, point, strict=True) if b]
        text = f"{ids[k]} is blocked by {', '.join(who)}" if who else f"nobody blocks {ids[k]}"
        out.append(Conclusion(
            text,
            lambda d, k=k, point=point, needed=needed: (
                (d.blocked[:, k] & needed) == point
            ).all(axis=1).astype(float),
            about={"kind": "blocked_by", "package": ids[k], "actors": who},
        ))
    if result.space is not None:
        exists = bool(result.space.settlement.exists)
        out.append(Conclusion(
            "a comprehensive settlement exists" if exists
            else "no comprehensive settlement exists",
            lambda d, exists=exists: np.where(
                np.isnan(d.settlement), np.nan, d.settlement == float(exists)
            ),
            about={"kind": "settlement_exists", "exists": exists},
        ))
    return out


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
    arrays: ScenarioArrays,
    *,
    loss: str = "linear",
    samples: int = 1000,
    seed: int | None = 0,
    members: list[str] | None = None,
    zone_package: np.ndarray | None = None,
    zone_reference: np.ndarray | None = None,
) -> dict[str, Any]:
    """Nash, asymmetric Nash (capability weights), Kalai-Smorodinsky and utilitarian
    solutions among the veto players (or ``members``), over packages crossing none of their
    red lines, from :mod:`parley.analysis.solutions`. A solution is ``None`` where no package
    gives every member more than its BATNA.

    ``zone_package`` is a package inside the members' zone of agreement, used as a starting
    point of the search (``zone_reference``, the same package on the reference scale as
    :class:`~parley.analysis.space.Zone` holds it, is used instead where given); found with
    :func:`parley.analysis.space.agreement_space` if not given.
    The search starts from the members' ideal packages, the status quo and that package, never
    from the scenario's named packages, so the solutions do not depend on the menu.
    """
    from parley.analysis import solutions as sol
    from parley.scenario.arrays import REFERENCE_WIDTH, from_reference, reference_scale

    raw = arrays
    if members is None:
        members, _ = veto_players(raw)
    # the searches run on the reference scale (0-100 per issue), packages mapped back: the
    # solutions do not depend on the unit of a scale (parley.scenario.arrays.reference_scale);
    # the zone package starts them as the space's search found it on that scale, not mapped
    # there and back (the random search follows ties: a rounding would change its path)
    if zone_reference is None and zone_package is None:
        from parley.analysis.space import agreement_space

        zone_reference = agreement_space(raw, list(members), loss).zone.reference_package
    elif zone_reference is None:
        lower = np.asarray(raw.lower, dtype=float)
        zone_reference = (np.asarray(zone_package, dtype=float) - lower) * (
            REFERENCE_WIDTH / (np.asarray(raw.upper, dtype=float) - lower)
        )
    zone_package = zone_reference
    arrays = reference_scale(raw)
    idx = [arrays.actors.index(a) for a in members]
    batna = batna_utility(arrays, loss)[idx]
    sq = status_quo(arrays)

    # BATNAs and red-line limits computed once: the polish evaluates thousands of packages
    utility, crosses = package_evaluator(arrays, loss, idx)

    def feasible(P: np.ndarray) -> np.ndarray:
        return ~crosses(P).any(axis=1)

    ideal = np.where(arrays.mask[idx], arrays.position[idx], sq[None, :])
    extra = [ideal, sq[None, :]]
    if zone_package is not None:
        extra.append(np.asarray(zone_package)[None, :])  # inside the zone, found by LP/SLSQP
    anchors = np.vstack(extra)
    weights = raw_capability(arrays)[idx]
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
        if s is not None:
            s = replace(s, package=from_reference(s.package, raw))
        out[key] = None if s is None else s.to_dict(list(arrays.issues), list(members))
    return out


def outcome_report(
    arrays: ScenarioArrays,
    name: str,
    *,
    loss: str = "linear",
    seed: int | None = 0,
    draws: int = DEFAULT_DRAWS,
    precision: float = DEFAULT_PRECISION,
    solutions: bool = True,
    in_force: Sequence[Any] = (),
    consent_bias: float = DEFAULT_CONSENT_BIAS,
    no_proposal: float = DEFAULT_NO_PROPOSAL,
) -> dict[str, Any]:
    """Everything ``parley outcomes`` reports, as plain data: the outcomes of
    :func:`outcomes` (with the agreement-space and bargaining-solution packages, intervals and
    the ``"robustness"`` section), the veto players' agreement space under ``"zopa"`` and the
    bargaining solutions under ``"solutions"`` (``{"skipped": True}`` when ``solutions`` is
    False). With threats and promises ``in_force`` (see :func:`outcomes`), the agreement space
    uses each actor's refusal payoff with the threats in force."""
    res = outcomes(
        arrays, name, loss=loss, precision=precision, draws=draws, seed=seed,
        in_force=in_force, generated=True, solutions=solutions, robustness=True,
        consent_bias=consent_bias, no_proposal=no_proposal,
    )
    data = res.to_dict()
    data["zopa"] = res.space.to_dict()
    data["solutions"] = res.solutions if solutions else {"skipped": True}
    return data
