"""Leave-one-case-out cross-validation of the ensemble's weights.

Weights of a forecast combination (:mod:`parley.models.ensemble`) fitted to the same cases they
are scored on give a flattering score. Here each case in turn is held out: the weights are
chosen on the other cases (least mean scaled absolute error over a grid on the simplex), and
the held-out case is forecast with them. The pooled held-out errors are the honest estimate of
how a tuned ensemble would do on a new case (Stone 1974, "Cross-validatory choice and
assessment of statistical predictions", *J. Royal Statistical Society B* 36(2), 111-147, in its
leave-one-out form with cases, not issues, as the units left out, because issues of one case
share their coding).

The member forecasts are computed once per case; an ensemble forecast is their weighted mean,
exactly what the registered ``ensemble`` model computes with the same weights.

Run it from the command line::

    parley backtest cases/ --crossval [--crossval-step 0.25] -f json
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.backtest.cases import Case
from parley.backtest.runner import BASELINE, score_cases
from parley.backtest.scoring import summarise
from parley.errors import ParleyError

__all__ = ["CrossValidation", "loco_ensemble", "simplex_grid"]


def simplex_grid(k: int, step: float) -> np.ndarray:
    """All weight vectors of length ``k`` with entries in multiples of ``step`` summing to 1."""
    if k < 1:
        raise ParleyError("need at least one member")
    n = round(1.0 / step)
    if n < 1 or abs(n * step - 1.0) > 1e-9:
        raise ParleyError(f"step must divide 1 evenly, got {step!r}")
    rows = [c for c in itertools.product(range(n + 1), repeat=k) if sum(c) == n]
    return np.array(rows, dtype=float) / n


@dataclass
class CrossValidation:
    """Result of :func:`loco_ensemble`."""

    members: tuple[str, ...]
    step: float
    folds: dict[str, dict[str, Any]]
    held_out: dict[str, Any]
    equal_weights: dict[str, Any]
    members_on_same_issues: dict[str, dict[str, Any]]
    n_grid: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "members": list(self.members),
            "step": self.step,
            "n_grid": self.n_grid,
            "held_out": self.held_out,
            "equal_weights": self.equal_weights,
            "members_on_same_issues": self.members_on_same_issues,
            "folds": self.folds,
        }


def _summary(errors: np.ndarray, base: np.ndarray) -> dict[str, Any]:
    s: dict[str, Any] = dict(summarise(errors))
    b = float(base.mean()) if base.size else float("nan")
    s["vs_compromise"] = float(errors.mean()) / b if base.size and b > 0 else None
    return s


def loco_ensemble(
    cases: Sequence[Case],
    members: Sequence[str] | None = None,
    *,
    step: float = 0.25,
    rounds: int | None = None,
    seed: Any = None,
) -> CrossValidation:
    """Leave-one-case-out cross-validation of ensemble weights over ``members``.

    Only (case, issue) pairs on which every member produced a forecast are used, so all
    figures compare like with like. Ties between weight vectors go to the first in grid order.
    """
    from parley.models.ensemble import default_members

    names = list(dict.fromkeys(members or default_members()))
    run = names if BASELINE in names else [*names, BASELINE]
    res = score_cases(cases, run, rounds=rounds, seed=seed)
    by_name = {c.name: c for c in cases}
    labels, F, Y, S = [], [], [], []
    for cname, per_model in res.cases.items():
        if any(m not in per_model for m in run):
            continue
        scen = by_name[cname].loaded
        if scen is None:
            continue
        spans = {i.id: i.scale.max - i.scale.min for i in scen.scenario.issues}
        for iid in per_model[run[0]]:
            if all(iid in per_model[m] for m in run):
                labels.append(cname)
                F.append([per_model[m][iid].forecast for m in run])
                Y.append(per_model[run[0]][iid].outcome)
                S.append(spans[iid])
    if len(set(labels)) < 2:
        raise ParleyError("cross-validation needs at least two cases every member can forecast")
    lab = np.array(labels)
    Fa, Oa, Sa = np.array(F), np.array(Y), np.array(S)
    k = len(names)
    grid = simplex_grid(k, step)
    ens = Fa[:, :k] @ grid.T  # (pairs, grid)
    err = np.abs(ens - Oa[:, None]) / Sa[:, None] * 100.0
    base = np.abs(Fa[:, run.index(BASELINE)] - Oa) / Sa * 100.0

    folds: dict[str, dict[str, Any]] = {}
    held = np.empty(len(lab))
    for cname in dict.fromkeys(labels):
        test = lab == cname
        g = int(np.argmin(err[~test].mean(axis=0)))
        held[test] = err[test, g]
        folds[cname] = {
            "weights": {m: float(w) for m, w in zip(names, grid[g], strict=True)},
            "mae": float(err[test, g].mean()),
            "n": int(test.sum()),
        }
    equal = np.abs(Fa[:, :k].mean(axis=1) - Oa) / Sa * 100.0
    per_member = {
        m: _summary(np.abs(Fa[:, j] - Oa) / Sa * 100.0, base) for j, m in enumerate(run)
    }
    return CrossValidation(
        members=tuple(names),
        step=step,
        folds=folds,
        held_out=_summary(held, base),
        equal_weights=_summary(equal, base),
        members_on_same_issues=per_member,
        n_grid=len(grid),
    )
