"""Held-out accuracy of a compromise anchored on the status quo (docs/validation.md).

The forecast on issue ``i`` is ``(1 - theta) * C_i + theta * SQ_i``: the compromise model's
forecast ``C`` (capability x salience weighted mean; Achen 2006) pulled towards the status quo
``SQ`` (the capability-weighted mean of the coded no-deal points,
:func:`parley.analysis.utility.status_quo`; the compromise itself where none is coded). The
pull stands for the status-quo bias of decisions that need several veto players' consent
(Tsebelis 2002, ch. 1-2: the more veto players, the closer outcomes stay to the status quo);
the weight ``theta`` is not given by the theory, so it is learned leave one case out (Stone
1974): for each case, the ``theta`` on the grid ``0, 0.1, ..., 1`` minimising the mean scaled
absolute error on the other cases, applied to the held-out case. Not a registered model: it
was tried once for issue 12 and did not beat the compromise model (see docs/validation.md).

Run from the repository root::

    python scripts/status_quo_anchoring.py [cases/]
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

GRID = np.round(np.arange(0.0, 1.0001, 0.1), 2)


def rows_of(directory: str) -> list[tuple[str, float, float, float]]:
    """``(case, compromise, status quo, outcome)`` per issue with an outcome, 0-100 scaled."""
    from parley.analysis.utility import status_quo
    from parley.backtest import score_cases
    from parley.backtest.cases import load_cases
    from parley.scenario.arrays import to_arrays

    cases = [c for c in load_cases(directory) if c.ok]
    res = score_cases(cases, ["compromise"], odds=False)
    out = []
    for case in cases:
        assert case.loaded is not None
        arr = to_arrays(case.loaded.scenario)
        sq = status_quo(arr)
        for iid, s in res.cases[case.name].get("compromise", {}).items():
            i = arr.issues.index(iid)
            lo, width = arr.lower[i], arr.upper[i] - arr.lower[i]
            out.append((case.name, (s.forecast - lo) / width * 100,
                        (sq[i] - lo) / width * 100, (s.outcome - lo) / width * 100))
    return out


def errors(theta: float, rows: list[tuple[str, float, float, float]]) -> np.ndarray:
    """Absolute scaled errors of the anchored forecast at ``theta``."""
    a = np.array([r[1:] for r in rows], dtype=float).reshape(-1, 3)
    return np.abs((1 - theta) * a[:, 0] + theta * a[:, 1] - a[:, 2])


def held_out(rows: list[tuple[str, float, float, float]]) -> tuple[np.ndarray, list[float]]:
    """Leave-one-case-out errors and the ``theta`` chosen for each case."""
    errs: list[float] = []
    chosen: list[float] = []
    for case in sorted({r[0] for r in rows}):
        train = [r for r in rows if r[0] != case]
        test = [r for r in rows if r[0] == case]
        theta = float(GRID[int(np.argmin([errors(t, train).mean() for t in GRID]))])
        chosen.append(theta)
        errs.extend(errors(theta, test).tolist())
    return np.array(errs), chosen


def main(directory: str = "cases") -> None:
    rows = rows_of(directory)
    base = errors(0.0, rows)
    err, chosen = held_out(rows)
    print(f"{len(rows)} issues in {len({r[0] for r in rows})} cases")
    print(f"compromise MAE {base.mean():.2f}")
    print(f"anchored, held out: MAE {err.mean():.2f} ({err.mean() / base.mean():.3f}x), "
          f"median {np.median(err):.2f}, within 10 {np.mean(err <= 10):.0%}")
    print("theta chosen per fold:", dict(sorted(Counter(chosen).items())))


if __name__ == "__main__":
    main(*sys.argv[1:2])
