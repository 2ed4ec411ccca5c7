"""Actors' utilities over packages, red lines and BATNAs: the basis of the agreement-space analysis.

A *package* is a position on every issue, a vector ``x`` of length ``m``. Actor ``a`` values it
with the salience-weighted spatial loss of Enelow & Hinich (1984), *The Spatial Theory of
Voting: An Introduction* (Cambridge UP), ch. 2-3 (weighted Euclidean / city-block preferences),
as used for negotiations by Achen (2006) in Thomson et al. (eds), *The European Union Decides*,
ch. 4 (salience-weighted distance losses)::

    u_a(x) = - sum_i  s_ai * L(|x_i - p_ai| / W_i)

with ``p`` the actor's position, ``s`` its salience (taken as an absolute weight in [0, 1], as
the scenario format defines it, so an actor that cares about many issues has more at stake),
``W_i`` the width of issue ``i``'s scale, and ``L(d) = d`` (linear, city-block; the default) or
``L(d) = d**2`` (quadratic, Enelow & Hinich's weighted Euclidean form; losses grow faster far
from the ideal point). Utilities lie in ``[-sum_i s_ai, 0]``; 0 is the actor's ideal package.
Issues an actor takes no part in (``mask`` False) count for nothing.

*BATNA.* The no-deal vector ``b_a`` (what the actor gets on each issue if talks fail) is the
actor's best alternative to a negotiated agreement (Fisher & Ury 1981, *Getting to Yes*); its
utility ``u_a(b_a)`` is the actor's disagreement point. Where the scenario gives no no-deal
point for an actor on an issue, parley uses (1) the capability-weighted mean of the no-deal
points other actors give on that issue (the issue's status quo), or, if nobody gives one,
(2) the compromise forecast of Achen (2006, eq. 4.1), the salience x capability weighted mean
of positions: where the issue is expected to land anyway. See :func:`batna_vector`.

*Red lines.* A red line ``r`` is the least favourable position an actor would sign. A package
crosses it when it settles the issue beyond ``r`` on the far side from the actor's position --
unless it leaves the issue at the actor's own no-deal point (within ``SQ_TOL`` of the scale
width, the band's edge included with the same ``1e-9`` of the width as a red line, so that a
package the agreement space puts exactly on the edge is not refused over a rounding of the
scale's unit): an actor does not veto a deal for leaving an issue where it stands today (a
deal that does not settle a question is not a concession on it). This exception is
parley's; the literature on red lines (e.g. reservation values in Raiffa 1982, *The Art and
Science of Negotiation*) treats them as plain bounds.

*Acceptable.* A package is acceptable to an actor when it crosses none of its red lines and
its utility beats the actor's BATNA utility (by more than ``1e-9``).

All functions are vectorised: packages ``(..., k, m)`` and scenario arrays ``(..., n, m)``
(a leading draws axis from Monte Carlo sampling broadcasts) give ``(..., k, n)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from parley.errors import ModelError
from parley.models.compromise import compromise
from parley.scenario.arrays import ScenarioArrays

__all__ = [
    "LOSSES",
    "SQ_TOL",
    "acceptable",
    "batna_utility",
    "batna_vector",
    "crosses_red_line",
    "package_evaluator",
    "package_utility",
    "status_quo",
    "surplus",
]

Loss = Literal["linear", "quadratic"]
LOSSES: tuple[str, ...] = ("linear", "quadratic")
SQ_TOL = 0.05
"""Fraction of an issue's scale within which a position counts as 'where the issue stands'."""
_EPS = 1e-9


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        raise ModelError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")


def _width(arrays: ScenarioArrays) -> np.ndarray:
    return np.asarray(arrays.upper, dtype=float) - np.asarray(arrays.lower, dtype=float)


def _utility_of(
    x: np.ndarray, arrays: ScenarioArrays, loss: str, actor_axis_aligned: bool
) -> np.ndarray:
    """Utility of positions ``x``; if ``actor_axis_aligned``, x is ``(..., n, m)`` (one vector
    per actor) and the result ``(..., n)``; else x is ``(..., k, m)`` and the result
    ``(..., k, n)``."""
    _check_loss(loss)
    mask = np.asarray(arrays.mask, dtype=bool)
    pos = np.where(mask, arrays.position, 0.0)
    sal = np.where(mask, arrays.salience, 0.0)
    width = _width(arrays)
    if actor_axis_aligned:
        d = np.abs(x - pos) / width
        d = np.where(mask, d, 0.0)
    else:
        d = np.abs(x[..., :, None, :] - pos[..., None, :, :]) / width
        d = np.where(mask[..., None, :, :], d, 0.0)
    if loss == "quadratic":
        d = d * d
    if actor_axis_aligned:
        return -(sal * d).sum(axis=-1)
    return -(sal[..., None, :, :] * d).sum(axis=-1)


def _packages(packages: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    p = np.asarray(packages, dtype=float)
    if p.ndim < 2 or p.shape[-1] != arrays.n_issues:
        raise ModelError(
            f"packages must have shape (..., k, {arrays.n_issues}) (one position per issue), "
            f"got {p.shape}"
        )
    if not np.isfinite(p).all():
        raise ModelError("packages must be finite numbers")
    return p


def package_utility(
    packages: np.ndarray, arrays: ScenarioArrays, loss: str = "linear"
) -> np.ndarray:
    """Each actor's utility of each package: ``(..., k, m)`` -> ``(..., k, n)``."""
    return _utility_of(_packages(packages, arrays), arrays, loss, actor_axis_aligned=False)


def status_quo(arrays: ScenarioArrays) -> np.ndarray:
    """Where each issue stands if talks fail: the capability-weighted mean of the given
    no-deal points, or the compromise forecast where nobody gives one. Shape ``(..., m)``."""
    mask = np.asarray(arrays.mask, dtype=bool)
    nd = np.asarray(arrays.no_deal, dtype=float)
    has = mask & ~np.isnan(nd)
    cap = np.where(has, arrays.capability, 0.0)
    total = cap.sum(axis=-2)
    count = has.sum(axis=-2)
    num = (cap * np.where(has, nd, 0.0)).sum(axis=-2)
    # capability-weighted mean; plain mean where the givers' capabilities are all zero
    plain = np.divide(
        np.where(has, nd, 0.0).sum(axis=-2), count, out=np.full(total.shape, np.nan),
        where=count > 0,
    )
    sq = np.divide(num, total, out=plain.copy(), where=total > 0)
    comp = compromise(arrays.position, arrays.salience, arrays.capability, mask)
    return np.where(count > 0, sq, comp)


def batna_vector(arrays: ScenarioArrays) -> np.ndarray:
    """Each actor's no-deal point on each issue, shape ``(..., n, m)``: the scenario's value,
    else the issue's :func:`status_quo` (NaN where the actor takes no part)."""
    nd = np.asarray(arrays.no_deal, dtype=float)
    sq = status_quo(arrays)[..., None, :]
    out = np.where(np.isnan(nd), sq, nd)
    return np.where(arrays.mask, out, np.nan)


def batna_utility(arrays: ScenarioArrays, loss: str = "linear") -> np.ndarray:
    """Each actor's utility of its own no-deal vector, shape ``(..., n)``."""
    b = np.where(arrays.mask, batna_vector(arrays), 0.0)
    return _utility_of(b, arrays, loss, actor_axis_aligned=True)


def surplus(packages: np.ndarray, arrays: ScenarioArrays, loss: str = "linear") -> np.ndarray:
    """Utility of each package over the actor's BATNA utility, ``(..., k, n)``."""
    return package_utility(packages, arrays, loss) - batna_utility(arrays, loss)[..., None, :]


def crosses_red_line(packages: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    """True where a package crosses at least one of the actor's red lines, ``(..., k, n)``.

    A red line at the actor's own position admits only that position. A position within
    ``SQ_TOL`` of the scale width of the actor's no-deal point never crosses (see module
    docstring).
    """
    return red_line_crossings(packages, arrays).any(axis=-1)


def red_line_crossings(packages: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    """Per issue: True where the package crosses the actor's red line, ``(..., k, n, m)``."""
    x = _packages(packages, arrays)[..., :, None, :]
    red = np.asarray(arrays.red_line, dtype=float)[..., None, :, :]
    pos = np.asarray(arrays.position, dtype=float)[..., None, :, :]
    mask = np.asarray(arrays.mask, dtype=bool)[..., None, :, :]
    width = _width(arrays)
    tol = _EPS * width
    side = np.sign(red - pos)  # +1: red line above the position, so x > red crosses
    beyond = np.where(
        side > 0, x > red + tol, np.where(side < 0, x < red - tol, np.abs(x - red) > tol)
    )
    at_home = np.abs(x - batna_vector(arrays)[..., None, :, :]) <= SQ_TOL * width + tol
    return mask & ~np.isnan(red) & beyond & ~at_home


def acceptable(packages: np.ndarray, arrays: ScenarioArrays, loss: str = "linear") -> np.ndarray:
    """True where the package crosses none of the actor's red lines and beats its BATNA."""
    return ~crosses_red_line(packages, arrays) & (surplus(packages, arrays, loss) > _EPS)


def package_evaluator(
    arrays: ScenarioArrays, loss: str = "linear", actors: Sequence[int] | None = None
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """Fast ``(utility, crosses)`` of packages ``(k, m)`` for some actors of one scenario.

    The same numbers as ``package_utility(P, arrays, loss)[:, actors]`` and
    ``crosses_red_line(P, arrays)[:, actors]``, computed with the same operations, but with
    everything that does not depend on the package (BATNAs, red-line sides and tolerances)
    computed once: for searches that evaluate a few packages at a time many thousand times
    (the bargaining solutions' polish). ``arrays`` has no draws axis.
    """
    _check_loss(loss)
    idx = np.arange(arrays.n_actors) if actors is None else np.asarray(actors, dtype=int)
    mask = np.asarray(arrays.mask, dtype=bool)[idx]
    pos_raw = np.asarray(arrays.position, dtype=float)[idx]
    pos = np.where(mask, pos_raw, 0.0)
    sal = np.where(mask, np.asarray(arrays.salience, dtype=float)[idx], 0.0)
    width = _width(arrays)
    quadratic = loss == "quadratic"
    # red lines: only the (actor, issue) pairs that have one are checked
    red = np.asarray(arrays.red_line, dtype=float)[idx]
    who, where = np.nonzero(mask & ~np.isnan(red))
    r = red[who, where]
    side = np.sign(r - pos_raw[who, where])
    tol = _EPS * width[where]
    home = batna_vector(arrays)[idx][who, where]
    band = SQ_TOL * width[where] + tol
    owner = np.zeros((who.size, idx.size))
    owner[np.arange(who.size), who] = 1.0

    def utility(P: np.ndarray) -> np.ndarray:
        x = _packages(P, arrays)
        d = np.abs(x[:, None, :] - pos[None, :, :]) / width
        d = np.where(mask[None, :, :], d, 0.0)
        if quadratic:
            d = d * d
        return -(sal[None, :, :] * d).sum(axis=-1)

    def crosses(P: np.ndarray) -> np.ndarray:
        x = _packages(P, arrays)[:, where]
        beyond = np.where(
            side > 0, x > r + tol, np.where(side < 0, x < r - tol, np.abs(x - r) > tol)
        )
        at_home = np.abs(x - home) <= band
        return ((beyond & ~at_home) @ owner) > 0

    return utility, crosses
