"""The veto-constrained compromise: the compromise model held inside what every veto player
can accept.

Combines the compromise model (Achen 2006, in Thomson, Stokman, Achen and König (eds), *The
European Union Decides*, Cambridge UP, ch. 4, eq. 4.1-4.2; see
:mod:`parley.models.compromise`) with the veto-player constraint of Tsebelis (2002), *Veto
Players: How Political Institutions Work* (Princeton UP), ch. 1: a change of the status quo
needs the consent of every veto player, so the outcome lies in the intersection of the veto
players' *winsets* of the status quo, the positions each of them prefers to no deal. On one
issue, with the distance loss of :mod:`parley.analysis.utility`, veto player ``v`` with ideal
``x_v`` and no-deal point ``b_v`` accepts ``y`` when

    |y - x_v| <= |b_v - x_v|                                   (Tsebelis 2002, fig. 1.2)

and ``y`` does not cross its red line ``r_v`` (``y <= r_v`` when ``r_v > x_v``, ``y >= r_v``
when ``r_v < x_v``). The forecast on each issue is the compromise ``x*`` projected onto the
intersection ``[L, U]`` of these intervals over the veto players (and the range of the
actors' positions): ``clip(x*, L, U)``.

Departures: (1) Tsebelis's winsets are sets in the whole issue space; here they are taken issue by
issue (no trade across issues), which makes them smaller than the true winsets, so (2) the
no-deal constraints are dropped on an issue where the veto players' issue-wise winsets do not
intersect (they could still agree on a package trading issues), keeping the red lines, and
(3) where the red lines do not intersect either, the unconstrained compromise is returned; each
fallback is named in the notes. Where an actor gives no no-deal point, the issue's status quo
of :func:`parley.analysis.utility.status_quo` is used, which is the compromise itself when
nobody gives one (the constraint then never binds and the forecast is the compromise).
"""

from __future__ import annotations

import numpy as np

from parley.models.compromise import compromise
from parley.models.registry import ModelOptions, ModelSpec, static_result
from parley.models.result import ModelResult
from parley.scenario.arrays import ScenarioArrays

__all__ = ["MEET_TOL", "SPEC", "veto_bounds", "veto_compromise"]

NAME = "veto-compromise"
MEET_TOL = 1e-9
"""Share of the scale by which two interval ends may cross and still count as meeting."""


def _reduce(bound: np.ndarray, take: np.ufunc, empty: float) -> np.ndarray:
    """Tightest bound over actors (axis -2), ``empty`` where no actor gives one."""
    return take.reduce(np.where(np.isnan(bound), empty, bound), axis=-2)


def veto_bounds(
    position: np.ndarray,
    red_line: np.ndarray,
    batna: np.ndarray,
    veto: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Issue-wise acceptable intervals of the veto players.

    Parameters
    ----------
    position, red_line, batna:
        ``(..., actors, issues)``; NaN where the actor takes no part (or gives no red line).
    veto:
        ``(actors,)`` bool, True for the veto players.

    Returns
    -------
    ``(lo_nd, hi_nd, lo_red, hi_red)``, each ``(..., issues)``: the intersection of the veto
    players' no-deal winsets ``[x - |b - x|, x + |b - x|]``, and of their red-line half-lines
    (``-inf`` / ``+inf`` where nothing binds).
    """
    v = np.asarray(veto, dtype=bool)[:, None]
    x = np.where(v, position, np.nan)
    reach = np.abs(batna - x)
    lo_nd = _reduce(x - reach, np.maximum, -np.inf)
    hi_nd = _reduce(x + reach, np.minimum, np.inf)
    red = np.where(v, red_line, np.nan)
    above = red > x  # red line above the ideal: y <= red
    below = red < x
    hi_red = _reduce(np.where(above, red, np.nan), np.minimum, np.inf)
    lo_red = _reduce(np.where(below, red, np.nan), np.maximum, -np.inf)
    at = red == x  # a red line at the ideal admits the ideal only
    hi_red = np.minimum(hi_red, _reduce(np.where(at, red, np.nan), np.minimum, np.inf))
    lo_red = np.maximum(lo_red, _reduce(np.where(at, red, np.nan), np.maximum, -np.inf))
    return lo_nd, hi_nd, lo_red, hi_red


def veto_compromise(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    mask: np.ndarray,
    red_line: np.ndarray,
    batna: np.ndarray,
    veto: np.ndarray,
    width: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The compromise clipped to the veto players' acceptable interval, per issue.

    All arrays are ``(..., actors, issues)`` except ``veto`` (``(actors,)`` bool) and
    ``width`` (``(issues,)``, the scales' widths). Returns the forecast ``(..., issues)`` and a
    code per issue: 0 both constraints used, 1 no-deal constraints dropped (red lines kept), 2
    unconstrained (red lines do not intersect either). Intervals that meet in one point can
    come out empty by a rounding of the scale's unit: with ``width`` given, an interval whose
    ends are reversed by at most ``MEET_TOL`` of the width counts as meeting.
    """
    tol = 0.0 if width is None else MEET_TOL * np.asarray(width, dtype=float)
    x = np.asarray(position, dtype=float)
    comp = compromise(x, salience, capability, mask)
    pos = np.where(mask, x, np.nan)
    lo_hull, hi_hull = np.nanmin(pos, axis=-2), np.nanmax(pos, axis=-2)
    lo_nd, hi_nd, lo_red, hi_red = veto_bounds(pos, red_line, batna, veto)
    lo_r, hi_r = np.maximum(lo_red, lo_hull), np.minimum(hi_red, hi_hull)
    lo_all, hi_all = np.maximum(lo_r, lo_nd), np.minimum(hi_r, hi_nd)
    both = lo_all <= hi_all + tol
    red_only = ~both & (lo_r <= hi_r + tol)
    lo = np.where(both, lo_all, np.where(red_only, lo_r, lo_hull))
    hi = np.where(both, hi_all, np.where(red_only, hi_r, hi_hull))
    code = np.where(both, 0, np.where(red_only, 1, 2))
    return np.clip(comp, lo, hi), code


def _forecast(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forecasts and codes of :func:`veto_compromise` on ``(..., n, m)`` arrays, and the
    veto mask ``(n,)``."""
    from parley.analysis.utility import batna_vector

    veto = np.array([a in arrays.veto for a in arrays.actors], dtype=bool)
    forecast, code = veto_compromise(
        arrays.position,
        arrays.salience,
        arrays.capability,
        arrays.mask,
        arrays.red_line,
        batna_vector(arrays),
        veto,
        width=arrays.upper - arrays.lower,
    )
    return forecast, code, veto


def _batch(arrays: ScenarioArrays, options: ModelOptions) -> np.ndarray:
    """Forecasts of every draw: ``(D, n, m)`` arrays -> ``(D, m)`` (every step is elementwise
    or a reduction over actors, so row ``d`` is bit for bit ``run`` on draw ``d``)."""
    return _forecast(arrays)[0]


def _run(arrays: ScenarioArrays, options: ModelOptions) -> ModelResult:
    from parley.models.compromise import fallback_notes, weight_fallback

    forecast, code, veto = _forecast(arrays)
    notes: list[str] = []
    if not veto.any():
        notes.append("no veto players known: the unconstrained compromise")
    result = static_result(NAME, arrays, forecast, notes=notes)
    weights = weight_fallback(arrays.salience, arrays.capability, arrays.mask)
    result.notes.extend(fallback_notes(result, arrays, weights, "mean"))
    for c, what in (
        (1, "the veto players' no-deal winsets do not meet: red lines only"),
        (2, "the veto players' red lines do not meet: the unconstrained compromise"),
    ):
        ids = [arrays.issues[i] for i in np.flatnonzero(code == c)]
        if ids and veto.any():
            result.notes.append(f"{', '.join(ids)}: {what}")
            for iid in ids:
                f = result.issues[iid]
                f.fallback = what if f.fallback is None else f"{f.fallback}; {what}"
    if not veto.any():
        for f in result.issues.values():
            f.fallback = "no veto players known: the unconstrained compromise"
    result.params = {"veto_players": [a for a, v in zip(arrays.actors, veto, strict=True) if v]}
    return result


SPEC = ModelSpec(
    name=NAME,
    title="Compromise within the veto players' winsets",
    citation="Achen 2006 eq. 4.1-4.2; Tsebelis 2002, Veto Players, ch. 1",
    dynamic=False,
    run=_run,
    batch=_batch,
)
