"""Levers as changes to the scenario's arrays: what-ifs, threats and promises.

A lever (:class:`parley.scenario.schema.Lever`) is a list of changes one actor can make to
the numbers of the negotiation. Each change holds in one of three worlds:

* ``always`` -- a *what-if*: the number changes unconditionally (:func:`apply_changes`);
* ``refuses`` -- a *threat*: the number changes only in the changed actor's payoff of
  refusing, i.e. in its no-deal world (its BATNA, Fisher & Ury 1981, *Getting to Yes*);
* ``accepts`` -- a *promise*: the number changes only in its payoff of accepting a package;
  the field ``outcome`` says what it then gets on an issue whatever the package says (a
  promise delivered outside the package, such as sanctions relief).

This is the distinction of Schelling (1960), *The Strategy of Conflict*, Harvard UP, ch. 2 and
appendix A: a threat is a commitment to act against the other side's interest *if it does not
comply*, a promise a commitment to act in its interest *if it does*; both work by changing the
other side's payoffs of the choice it has not yet made, not the state of the world. So the
*conditional surplus* of actor ``a`` for package ``k`` (:func:`conditional_surplus`) is::

    s_ak = u_a(k | a's 'accepts' changes) - u_a(b_a | a's 'refuses' changes)

with ``u`` the salience-weighted loss utility of :mod:`parley.analysis.utility`. A threat
against Russia changes Russia's refusal payoff only; Ukraine's and Europe's BATNAs stay as
they are, since no change names them.

*Credibility* (:func:`threat_credibility`). Schelling (1960, ch. 2) and Selten (1975,
"Reexamination of the perfectness concept for equilibrium points in extensive games",
*International Journal of Game Theory* 4, section 1: subgame perfection rules out threats a
player would not carry out when the time comes) call a threat credible when carrying it out is
in the threatener's interest at the moment it must be carried out. parley's test: the lever
actor's utility of its own no-deal world with the lever carried out (its ``refuses``
changes and costs that fall on its own numbers) is at least its utility without
(within ``EPS``). A promise is credible when carrying it out leaves its actor no worse off in
the deal world (its ``accepts`` changes and costs on its own numbers) for the package
(:func:`promise_credibility`).

*Expected utility* (:func:`expected_utility`) of an actor over an outcome distribution:
``EU_a = sum_k P(k) u_a(k | accepts) + P(no agreement) u_a(b_a | refuses)``.

A lever's ``packages`` ties its conditional changes to some packages only (a threat "for
failing to agree to a ceasefire" applies to the refusal of the ceasefire packages): the
surplus of a package uses the threats and promises tied to it.

Departures: the no-agreement world (for expected utility) is taken to be the world in which
the threats in force are carried out (every refusal is treated as the refusal the threat
targets), and promises hold for every actor they name in the deal world, party to the
package or not. A promised outcome
does not lift a red line: whether a package crosses one is judged on the package's own terms
(an actor does not sign a text it cannot sign, however it is compensated). Conditional
changes of
capability are not allowed (utilities do not depend on capability); the status quo of each
issue, which decides whose consent a package needs, stays that of the unchanged scenario.
All functions broadcast over a leading draws axis: arrays ``(..., n, m)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from parley.analysis.utility import batna_utility, batna_vector, crosses_red_line, package_utility
from parley.errors import ModelError
from parley.scenario.arrays import ScenarioArrays, normalise_capability
from parley.scenario.schema import Change, Lever

__all__ = [
    "EPS",
    "CompiledChanges",
    "applicable",
    "apply_changes",
    "compile_changes",
    "conditional_surplus",
    "expected_utility",
    "lever_changes",
    "no_deal_utility",
    "promise_credibility",
    "refusal_arrays",
    "threat_credibility",
    "threat_world",
    "world_utilities",
]

EPS = 1e-9
"""Utility differences within this are ties (an actor indifferent is 'no worse off')."""

_ISSUE_FIELDS = ("position", "salience", "red_line", "no_deal")


@dataclass(frozen=True)
class CompiledChanges:
    """A list of changes as per-field arrays ``(n, m)``: ``x -> (set if has_set else x) * mul
    + add``, which composes set, shift and scale in the order given."""

    has_set: dict[str, np.ndarray]
    value: dict[str, np.ndarray]
    mul: dict[str, np.ndarray]
    add: dict[str, np.ndarray]

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields some change touches."""
        return tuple(self.has_set)


def compile_changes(
    changes: Sequence[Change], actors: Sequence[str], issues: Sequence[str]
) -> CompiledChanges:
    """Fold ``changes`` (in order) into :class:`CompiledChanges` over ``actors x issues``.

    A capability change without an issue applies to every issue of its actor.
    """
    a_idx = {a: i for i, a in enumerate(actors)}
    i_idx = {x: i for i, x in enumerate(issues)}
    n, m = len(actors), len(issues)
    has: dict[str, np.ndarray] = {}
    val: dict[str, np.ndarray] = {}
    mul: dict[str, np.ndarray] = {}
    add: dict[str, np.ndarray] = {}
    for ch in changes:
        if ch.actor not in a_idx or (ch.issue is not None and ch.issue not in i_idx):
            raise ModelError(f"a lever changes an unknown actor or issue: {ch.actor}.{ch.issue}")
        f = ch.field
        if f not in has:
            has[f] = np.zeros((n, m), dtype=bool)
            val[f] = np.zeros((n, m))
            mul[f] = np.ones((n, m))
            add[f] = np.zeros((n, m))
        a = a_idx[ch.actor]
        cols = slice(None) if ch.issue is None else i_idx[ch.issue]
        if ch.set is not None:
            has[f][a, cols] = True
            val[f][a, cols] = ch.set
            mul[f][a, cols] = 1.0
            add[f][a, cols] = 0.0
        elif ch.shift is not None:
            add[f][a, cols] += ch.shift
        else:
            assert ch.scale is not None  # the schema guarantees one action
            mul[f][a, cols] *= ch.scale
            add[f][a, cols] *= ch.scale
    return CompiledChanges(has, val, mul, add)


def _apply_field(x: np.ndarray, c: CompiledChanges, f: str) -> np.ndarray:
    base = np.where(c.has_set[f], c.value[f], x)
    return base * c.mul[f] + c.add[f]


def apply_changes(
    arrays: ScenarioArrays,
    changes: CompiledChanges,
    raw_capability: np.ndarray | None = None,
) -> ScenarioArrays:
    """The arrays with ``changes`` applied, for every draw of a leading draws axis.

    Positions, red lines and no-deal points are clipped to the issue scales, saliences to
    [0, 1]; fields outside the mask stay as they are (NaN or 0). A capability change acts on
    the raw capability ``raw_capability`` (as written in the file, ``(..., n, m)``) and is
    re-normalised; without it only ``scale`` is possible (ratios are all that normalised
    capabilities keep).
    """
    mask = np.asarray(arrays.mask, dtype=bool)
    out: dict[str, np.ndarray] = {}
    lower = np.asarray(arrays.lower, dtype=float)
    upper = np.asarray(arrays.upper, dtype=float)
    for f in changes.fields:
        if f in ("capability", "outcome"):
            continue
        x = np.asarray(getattr(arrays, f), dtype=float)
        y = _apply_field(x, changes, f)
        y = np.clip(y, 0.0, 1.0) if f == "salience" else np.clip(y, lower, upper)
        out[f] = np.where(mask, y, x)
    if "capability" in changes.fields:
        if raw_capability is None:
            raw_capability = getattr(arrays, "raw_capability", None)
        if raw_capability is None:
            if changes.has_set["capability"].any() or (changes.add["capability"] != 0).any():
                raise ModelError(
                    "setting or shifting a capability needs the raw capabilities "
                    "(pass raw_capability); scaling works without them"
                )
            raw_capability = np.asarray(arrays.capability, dtype=float)
        y = np.maximum(_apply_field(np.asarray(raw_capability, float), changes, "capability"), 0)
        out["capability"] = normalise_capability(np.where(mask, y, 0.0), mask)
        if getattr(arrays, "raw_capability", None) is not None:
            out["raw_capability"] = np.where(mask, y, 0.0)
    return replace(arrays, **out)


def lever_changes(levers: Sequence[Lever], when: str) -> list[Change]:
    """The changes and costs of ``levers`` that hold in world ``when``, in file order."""
    return [c for lv in levers for c in (*lv.changes, *lv.cost) if c.when == when]


def refusal_arrays(arrays: ScenarioArrays, refuses: CompiledChanges | None) -> ScenarioArrays:
    """The arrays of each actor's no-deal world: every missing no-deal point filled with the
    unchanged scenario's :func:`~parley.analysis.utility.batna_vector` first, so that a change
    of one actor's no-deal point cannot move another's imputed one, then ``refuses`` applied."""
    filled = replace(arrays, no_deal=batna_vector(arrays))
    return filled if refuses is None else apply_changes(filled, refuses)


def threat_world(arrays: ScenarioArrays, levers: Sequence[Lever]) -> ScenarioArrays:
    """Arrays whose no-deal points are each actor's refusal payoff with every threat of
    ``levers`` carried out, whatever packages it is tied to (:func:`refusal_arrays`), for
    analyses that take one BATNA per actor (the agreement space, the no-agreement world)."""
    refuses = lever_changes(levers, "refuses")
    compiled = compile_changes(refuses, arrays.actors, arrays.issues) if refuses else None
    return refusal_arrays(arrays, compiled)


def applicable(levers: Sequence[Lever], package_ids: Sequence[str] | None) -> np.ndarray:
    """``(k, L)``: True where lever ``l``'s conditional changes are tied to package ``k``
    (its ``packages``, or every package if it names none). One row of True if no ids."""
    if package_ids is None:
        return np.ones((1, len(levers)), dtype=bool)
    return np.array(
        [[lv.packages is None or pid in lv.packages for lv in levers] for pid in package_ids],
        dtype=bool,
    ).reshape(len(package_ids), len(levers))


def _worlds(
    packages: np.ndarray, arrays: ScenarioArrays, levers: Sequence[Lever], loss: str
) -> tuple[np.ndarray, np.ndarray, ScenarioArrays]:
    """Deal-world utilities ``(..., k, n)``, no-deal utilities ``(..., n)`` and the deal
    world's arrays with every lever of ``levers`` tied to every package."""
    ids = (arrays.actors, arrays.issues)
    acc_changes = lever_changes(levers, "accepts")
    ref_changes = lever_changes(levers, "refuses")
    acc = compile_changes(acc_changes, *ids) if acc_changes else None
    refusal = compile_changes(ref_changes, *ids) if ref_changes else None
    accept_world = arrays if acc is None else apply_changes(arrays, acc)
    if acc is not None and "outcome" in acc.fields:
        u = _promised_utility(packages, accept_world, acc, loss)
    else:
        u = package_utility(packages, accept_world, loss)
    b = batna_utility(refusal_arrays(arrays, refusal), loss)
    return u, b, accept_world


def world_utilities(
    packages: np.ndarray,
    arrays: ScenarioArrays,
    levers: Sequence[Lever],
    loss: str = "linear",
    package_ids: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's utility of each package in the deal world ``(..., k, n)`` (the promises
    tied to the package kept), of refusing it ``(..., k, n)`` (the threats tied to it carried
    out), and whether the package crosses its red lines ``(..., k, n)``. ``package_ids`` name
    the packages for the levers' ``packages`` lists (default: every lever ties to every
    package)."""
    P = np.asarray(packages, dtype=float)
    k = P.shape[-2]
    tie = applicable(levers, package_ids)
    if tie.shape[0] == 1 and k != 1:
        tie = np.broadcast_to(tie, (k, len(levers)))
    u = b = crossed = None
    for pattern in np.unique(tie, axis=0):
        rows = np.flatnonzero((tie == pattern).all(axis=1))
        chosen = [lv for lv, on in zip(levers, pattern, strict=True) if on]
        ug, bg, world = _worlds(P[..., rows, :], arrays, chosen, loss)
        cg = crosses_red_line(P[..., rows, :], world)
        if u is None:
            u = np.empty((*ug.shape[:-2], k, ug.shape[-1]))
            b = np.empty_like(u)
            crossed = np.empty(u.shape, dtype=bool)
        u[..., rows, :] = ug
        b[..., rows, :] = np.broadcast_to(bg[..., None, :], ug.shape)
        crossed[..., rows, :] = cg
    assert u is not None and b is not None and crossed is not None
    return u, b, crossed


def no_deal_utility(
    arrays: ScenarioArrays, levers: Sequence[Lever], loss: str = "linear"
) -> np.ndarray:
    """Each actor's utility of the no-agreement world ``(..., n)``, with every threat of
    ``levers`` carried out (see the module docstring's departures)."""
    return batna_utility(threat_world(arrays, levers), loss)


def conditional_surplus(
    packages: np.ndarray,
    arrays: ScenarioArrays,
    levers: Sequence[Lever],
    loss: str = "linear",
    package_ids: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Surplus ``(..., k, n)`` of each package over each actor's payoff of refusing it, and
    where the package crosses a red line ``(..., k, n)``, with the threats and promises of
    ``levers`` in force (see the module docstring; ``package_ids`` as in
    :func:`world_utilities`). Unconditional changes are not applied here: apply them to the
    scenario or arrays first."""
    u, b, crossed = world_utilities(packages, arrays, levers, loss, package_ids)
    return u - b, crossed


def _promised_utility(
    packages: np.ndarray, arrays: ScenarioArrays, acc: CompiledChanges, loss: str
) -> np.ndarray:
    """Utility ``(..., k, n)`` of each package when each actor gets, on the issues a promise
    covers, the promised outcome instead of the package's position."""
    P = np.asarray(packages, dtype=float)
    x = np.broadcast_to(P[..., :, None, :], (*P.shape[:-1], arrays.n_actors, P.shape[-1]))
    x = np.clip(_apply_field(x, acc, "outcome"), arrays.lower, arrays.upper)
    mask = np.asarray(arrays.mask, dtype=bool)[..., None, :, :]
    pos = np.asarray(arrays.position, dtype=float)[..., None, :, :]
    sal = np.asarray(arrays.salience, dtype=float)[..., None, :, :]
    width = np.asarray(arrays.upper, float) - np.asarray(arrays.lower, float)
    d = np.where(mask, np.abs(x - np.where(mask, pos, 0.0)) / width, 0.0)
    if loss == "quadratic":
        d = d * d
    return -(np.where(mask, sal, 0.0) * d).sum(axis=-1)


def expected_utility(
    probability: np.ndarray,
    no_agreement: float,
    deal_utility: np.ndarray,
    refusal_utility: np.ndarray,
) -> np.ndarray:
    """``EU_a = sum_k P(k) u_a(k) + P(no agreement) u_a(refusal)``, shape ``(n,)``.

    ``probability`` ``(k,)`` are the probabilities of the agreements (status-quo packages
    excluded, their share in ``no_agreement``), ``deal_utility`` ``(k, n)`` each actor's
    utility of each package in the deal world, ``refusal_utility`` ``(n,)`` its utility of its
    no-deal world.
    """
    p = np.asarray(probability, dtype=float)
    return p @ np.asarray(deal_utility, float) + no_agreement * np.asarray(refusal_utility, float)


def _own(lever: Lever, when: str) -> list[Change]:
    """The lever's changes and costs in world ``when`` that fall on its own actor."""
    return [c for c in (*lever.changes, *lever.cost) if c.actor == lever.actor and c.when == when]


def threat_credibility(
    arrays: ScenarioArrays, lever: Lever, loss: str = "linear"
) -> tuple[np.ndarray, np.ndarray]:
    """The lever actor's utility of its no-deal world without and with the lever carried out
    (its ``refuses`` changes and costs on its own numbers), each ``(...)``; ``arrays`` are those
    of the world with the lever pulled (its unconditional changes already applied).
    The threat is credible where the second is not below the first by more than :data:`EPS`.
    """
    a = arrays.actors.index(lever.actor)
    own = _own(lever, "refuses")
    without = refusal_arrays(arrays, None)
    base = batna_utility(without, loss)[..., a]
    if not own:
        return base, base
    carried = apply_changes(without, compile_changes(own, arrays.actors, arrays.issues))
    return base, batna_utility(carried, loss)[..., a]


def promise_credibility(
    packages: np.ndarray, arrays: ScenarioArrays, lever: Lever, loss: str = "linear"
) -> tuple[np.ndarray, np.ndarray]:
    """The lever actor's utility of each package ``(..., k)`` in the deal world without and
    with its promise kept (its ``accepts`` changes and costs on its own numbers). The promise
    is credible for a package where the second is not below the first by more than
    :data:`EPS`."""
    a = arrays.actors.index(lever.actor)
    base = package_utility(packages, arrays, loss)[..., a]
    own = _own(lever, "accepts")
    if not own:
        return base, base
    kept = lever.model_copy(update={"changes": own, "cost": [], "packages": None})
    u, _, _ = _worlds(packages, arrays, [kept], loss)
    return base, u[..., a]
