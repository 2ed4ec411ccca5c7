"""Why an actor accepts or blocks a package: its surplus issue by issue, and its red lines.

An actor's surplus over its BATNA (:mod:`parley.analysis.utility`) is a sum over issues,

    s_a(k) = u_a(k) - u_a(b_a) = sum_i s_ai [L(|b_ai - p_ai| / W_i) - L(|k_i - p_ai| / W_i)],

so each issue's term says how much the package gains or costs the actor on that issue against
failing talks (positive: the package is closer to what it wants than its no-deal point). A red
line crossed is reported with the distance beyond it, in the issue's own units. This is the
decomposition of the additive spatial utility of Enelow & Hinich (1984, ch. 3), nothing more:
the numbers are exactly those the outcome and agreement-space analyses use.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.analysis.utility import (
    _check_loss,
    _width,
    batna_vector,
    red_line_crossings,
)
from parley.scenario.arrays import ScenarioArrays

__all__ = ["explain_outcomes", "explain_package", "surplus_by_issue"]


def surplus_by_issue(
    packages: np.ndarray, arrays: ScenarioArrays, loss: str = "linear"
) -> np.ndarray:
    """Each issue's term of each actor's surplus, ``(k, m)`` packages -> ``(k, n, m)``; the sum
    over the last axis is :func:`parley.analysis.utility.surplus` (up to rounding)."""
    _check_loss(loss)
    x = np.asarray(packages, dtype=float)[:, None, :]
    mask = np.asarray(arrays.mask, dtype=bool)
    pos = np.where(mask, arrays.position, 0.0)
    sal = np.where(mask, arrays.salience, 0.0)
    width = _width(arrays)
    home = np.where(mask, batna_vector(arrays), 0.0)
    d_pkg = np.abs(x - pos) / width
    d_home = np.abs(home - pos) / width
    if loss == "quadratic":
        d_pkg, d_home = d_pkg * d_pkg, d_home * d_home
    return np.where(mask, sal * (d_home - d_pkg), 0.0)


def explain_package(
    package: np.ndarray, arrays: ScenarioArrays, loss: str = "linear"
) -> dict[str, Any]:
    """Per actor: ``{"surplus", "by_issue": {ISSUE: term}, "red_lines_crossed": [{"issue",
    "red_line", "position", "beyond"}]}`` for one package ``(m,)``; ``beyond`` is how far the
    package lies past the red line, in the issue's units."""
    p = np.asarray(package, dtype=float)[None, :]
    terms = surplus_by_issue(p, arrays, loss)[0]
    crossed = red_line_crossings(p, arrays)[0]
    out: dict[str, Any] = {}
    for a, aid in enumerate(arrays.actors):
        lines = []
        for i in np.flatnonzero(crossed[a]):
            red = float(arrays.red_line[a, i])
            lines.append({
                "issue": arrays.issues[i],
                "red_line": red,
                "position": float(p[0, i]),
                "beyond": float(abs(p[0, i] - red)),
            })
        out[aid] = {
            "surplus": float(terms[a].sum()),
            "by_issue": {
                arrays.issues[i]: float(terms[a, i])
                for i in range(arrays.n_issues) if arrays.mask[a, i]
            },
            "red_lines_crossed": lines,
        }
    return out


def explain_outcomes(
    arrays: ScenarioArrays, outcomes: list[dict[str, Any]], loss: str = "linear"
) -> None:
    """Add to each row of ``parley outcomes``' JSON a ``"why"``: for each party whose consent
    the package needs, :func:`explain_package`'s breakdown (in place). At the point estimates
    of ``arrays``, like the rows' ``surplus``."""
    for row in outcomes:
        pkg = np.array([row["positions"][i] for i in arrays.issues], dtype=float)
        why = explain_package(pkg, arrays, loss)
        row["why"] = {a: why[a] for a in (row.get("parties") or []) if a in why}
