"""Who must agree: veto players, who controls each issue, and the parties a package needs.

*Veto players* (Tsebelis 2002, *Veto Players: How Political Institutions Work*, Princeton UP,
ch. 1: "individual or collective actors whose agreement is necessary for a change of the
status quo") are those the scenario declares. Where it declares none, parley takes the actors
that can block a qualified majority ``q`` (default 2/3) of the total capability on their own:
actor ``a`` is a veto player when the others hold less than ``q``, i.e. its capability share
exceeds ``1 - q``. If no single actor can block, the largest actors are added, in order of
capability, until together they exceed ``1 - q`` (a blocking minority that must consent).

*Issue controllers*: the veto players without whom an issue cannot be moved. Where the
scenario gives issue-specific capabilities on an issue (a stance's ``capability``), they are
the veto players whose share of the veto players' capability on it is at least ``1 - q`` (if
none reaches it, the one with the largest share): the scenario says who can act on the issue
(the US alone lifts US sanctions). Where it gives none, every veto player taking part in the
issue controls it (Tsebelis's definition: each veto player's consent is needed).

*Parties to a package* (parley's rule, documented in docs/agreement-space.md): the package's
*required* actors are the controllers of every issue it moves away from the status quo (by
more than ``SQ_TOL`` of the scale). Then:

1. nothing moved: the package is the status quo; it needs nobody's consent;
2. one required actor: a unilateral move of that actor;
3. otherwise the package is negotiated in the smallest declared channel whose participants
   include every required actor, and needs the consent of all the participants;
4. if no channel holds them all, the plenary: the required actors and every veto player.

Every function takes :class:`~parley.scenario.arrays.ScenarioArrays` (the array contract):
the veto players, packages, channels and issue-specific capabilities are all in the arrays.

Departures from Tsebelis: the default (undeclared) veto players come from capability shares,
an approximation of institutional veto rights the scenario does not state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parley.analysis.utility import SQ_TOL, status_quo
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "QUALIFIED_MAJORITY",
    "Candidates",
    "PackageParties",
    "candidate_packages",
    "issue_controllers",
    "package_parties",
    "raw_capability",
    "veto_players",
    "veto_rule",
]

QUALIFIED_MAJORITY = 2.0 / 3.0
_SHARE_TOL = 1e-12
_EDGE_TOL = 1e-9  # share of the scale by which the edge of the SQ_TOL band is widened
"""Slack on the blocking share, so a share of exactly ``1 - q`` counts as blocking."""


def raw_capability(arrays: ScenarioArrays) -> np.ndarray:
    """Each actor's overall capability as written in the file, shape ``(n,)``."""
    if arrays.actor_capability is None:
        raise ValueError("these arrays carry no actor capabilities (build them with to_arrays)")
    return np.asarray(arrays.actor_capability, dtype=float)


def veto_rule(
    actors: Sequence[str],
    capability: np.ndarray,
    declared: Sequence[str] | None,
    q: float = QUALIFIED_MAJORITY,
) -> tuple[list[int], str]:
    """The veto players' indices and how they were determined, from the actors' ids, their
    raw capabilities ``(n,)`` and the declared list (see the module docstring). Declared veto
    players keep the declared order; the others come in file order."""
    if declared:
        where = {aid: a for a, aid in enumerate(actors)}
        return [where[aid] for aid in declared], "declared in the scenario"
    cap = np.asarray(capability, dtype=float)
    share = cap / cap.sum()
    chosen = share > 1.0 - q
    how = f"actors holding more than {1 - q:.0%} of the capability (blocking a {q:.0%} majority)"
    if not chosen.any():
        order = np.argsort(-share, kind="stable")
        upto = int(np.searchsorted(np.cumsum(share[order]), 1.0 - q, side="right")) + 1
        chosen[order[:upto]] = True
        how = f"the largest actors that together hold more than {1 - q:.0%} of the capability"
    return [int(a) for a in np.flatnonzero(chosen)], how


def veto_players(arrays: ScenarioArrays, q: float = QUALIFIED_MAJORITY) -> tuple[list[str], str]:
    """The veto players' ids and how they were determined (see :func:`veto_rule`)."""
    arr = arrays
    if q == QUALIFIED_MAJORITY and arr.veto_rule:
        return list(arr.veto), arr.veto_rule
    declared = list(arr.veto) if arr.veto_rule == "declared in the scenario" else None
    idx, how = veto_rule(arr.actors, raw_capability(arr), declared, q)
    return [arr.actors[a] for a in idx], how


def issue_controllers(
    arrays: ScenarioArrays,
    veto: list[int],
    q: float = QUALIFIED_MAJORITY,
    specific: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean ``(n, m)``: True where the actor controls the issue (see module docstring).

    ``specific[i]`` says whether the scenario gives issue-specific capabilities on issue
    ``i``; where it does not (default: nowhere), every veto player controls the issue.
    """
    n, m = arrays.n_actors, arrays.n_issues
    out = np.zeros((n, m), dtype=bool)
    if not veto:
        return out
    if specific is None:
        specific = np.zeros(m, dtype=bool)
    cap = np.where(arrays.mask, arrays.capability, 0.0)[veto]
    total = cap.sum(axis=0)
    share = np.divide(cap, total, out=np.zeros_like(cap), where=total > 0)
    ctrl = share >= 1.0 - q - _SHARE_TOL
    none = ~ctrl.any(axis=0) & (total > 0)
    ctrl[np.argmax(share, axis=0), np.arange(m)] |= none
    ctrl[:, ~specific] = arrays.mask[veto][:, ~specific]
    out[veto] = ctrl
    return out


@dataclass(frozen=True)
class PackageParties:
    """Whose consent a package needs and where it is negotiated."""

    required: list[str]
    """Controllers of the issues the package moves."""
    parties: list[str]
    """Actors whose consent it needs (empty for the status quo)."""
    forum: str
    """'status quo', 'unilateral', a channel id, or 'plenary'."""
    moved: list[str]
    """Issues the package moves away from the status quo."""


def package_parties(
    arrays: ScenarioArrays,
    packages: np.ndarray,
    veto: Sequence[str] | None = None,
) -> list[PackageParties]:
    """The parties of each package of ``packages`` ``(k, m)`` (see module docstring).

    ``veto`` lists the veto players' ids (default: ``arrays``' own).
    """
    if veto is None:
        veto, _ = veto_players(arrays)
    idx = {a: i for i, a in enumerate(arrays.actors)}
    vidx = [idx[a] for a in veto]
    specific = (
        np.zeros(arrays.n_issues, dtype=bool)
        if arrays.specific is None
        else np.asarray(arrays.specific, dtype=bool).any(axis=0)
    )
    ctrl = issue_controllers(arrays, vidx, specific=specific)
    width = np.asarray(arrays.upper) - np.asarray(arrays.lower)
    # the band's edge counts as not moved, with the red lines' 1e-9 of the width (utility)
    moved = np.abs(np.asarray(packages) - status_quo(arrays)) > (SQ_TOL + _EDGE_TOL) * width
    members = np.zeros((0, arrays.n_actors), bool) if arrays.channels is None else arrays.channels
    order = np.argsort(members.sum(axis=1), kind="stable")
    channels = [
        (arrays.channel_ids[c], [a for a, inside in zip(arrays.actors, members[c], strict=True)
                                 if inside])
        for c in order
    ]
    out = []
    for k in range(moved.shape[0]):
        req_mask = ctrl[:, moved[k]].any(axis=1)
        required = [a for a, r in zip(arrays.actors, req_mask, strict=True) if r]
        moved_ids = [i for i, mv in zip(arrays.issues, moved[k], strict=True) if mv]
        if not moved_ids:
            out.append(PackageParties([], [], "status quo", []))
            continue
        if len(required) == 1:
            out.append(PackageParties(required, required, "unilateral", moved_ids))
            continue
        forum = next((c for c in channels if set(required) <= set(c[1])), None)
        if forum is not None:
            out.append(PackageParties(required, forum[1], forum[0], moved_ids))
            continue
        parties = [a for a in arrays.actors if a in required or a in veto]
        out.append(PackageParties(required, parties, "plenary", moved_ids))
    return out


@dataclass(frozen=True)
class Candidates:
    """The packages to analyse: ids, names, positions ``(k, m)`` and where they came from."""

    ids: list[str]
    names: list[str]
    positions: np.ndarray
    note: str | None = None


def candidate_packages(arrays: ScenarioArrays) -> Candidates:
    """The scenario's named packages; if it has none, the compromise (Achen 2006, eq. 4.1)
    and the weighted-median forecasts as two candidate packages."""
    if arrays.package_ids:
        return Candidates(
            list(arrays.package_ids),
            list(arrays.package_names),
            np.array(arrays.packages, dtype=float),
        )
    from parley.models.compromise import compromise
    from parley.models.median import weighted_median

    comp = compromise(arrays.position, arrays.salience, arrays.capability, arrays.mask)
    med = weighted_median(arrays.position, arrays.weight, arrays.mask)
    med = np.where(np.isnan(med), comp, med)
    return Candidates(
        ["compromise", "median"],
        ["Compromise forecast (weighted mean)", "Weighted-median forecast"],
        np.vstack([comp, med]),
        note="the scenario names no packages: the compromise and weighted-median forecasts "
        "are analysed as candidate packages",
    )
