"""Tests of parley.analysis.robustness and of the outcome model's robustness section."""

from __future__ import annotations

import numpy as np
import pytest

from parley.analysis.outcomes import DEFAULT_PRECISION, PRECISIONS
from parley.analysis.robustness import Conclusion, assess, interval
from parley.errors import ModelError
from parley.odds import outcome_report
from parley.scenario.loader import load_scenario


def test_assess_shares_settings_and_fragility() -> None:
    draws = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    c = [
        Conclusion("above 1", lambda x: x > 1),  # 4 of 5 draws
        Conclusion("above 2", lambda x: x > 2),  # 3 of 5: fragile
        Conclusion("undecided", lambda x: np.full(x.shape, np.nan)),
    ]
    rows = assess(c, draws, {"low": np.array([0.5]), "high": np.array([9.0])})
    assert [r["holds_share"] for r in rows] == [0.8, 0.6, None]
    assert [r["fragile"] for r in rows] == [False, True, False]
    assert rows[0]["holds_under"] == {"low": False, "high": True}
    assert rows[2]["holds_under"] == {"low": False, "high": False}
    with pytest.raises(ModelError):
        assess(c, draws, {}, fragile_below=2.0)


def test_interval_is_the_central_90_percent() -> None:
    x = np.arange(101, dtype=float)[:, None] * np.array([1.0, 2.0])
    lo, hi = interval(x)
    assert lo == pytest.approx([5.0, 10.0]) and hi == pytest.approx([95.0, 190.0])
    with pytest.raises(ModelError):
        interval(x, level=1.5)


def test_outcome_report_robustness_section() -> None:
    s = load_scenario("ukraine-2025").scenario
    d = outcome_report(s, "ukraine-2025", draws=200, solutions=False)
    rows = {r["conclusion"]: r for r in d["robustness"]}
    top = max(d["outcomes"], key=lambda o: o["probability"])
    assert max(top["probability"], d["no_agreement"]) == top["probability"]
    assert f"the likeliest outcome is {top['id']}" in rows
    # half the default precision, the default and twice it; both losses
    assert PRECISIONS == (DEFAULT_PRECISION / 2, DEFAULT_PRECISION, 2 * DEFAULT_PRECISION)
    settings = {f"precision={lam:g}" for lam in PRECISIONS} | {"loss=linear", "loss=quadratic"}
    for r in rows.values():
        assert set(r["holds_under"]) == settings
        assert r["fragile"] == (r["holds_share"] is not None and r["holds_share"] < 0.7)
    # at the base settings every conclusion holds by construction
    base = f"precision={DEFAULT_PRECISION:g}"
    assert all(r["holds_under"][base] and r["holds_under"]["loss=linear"]
               for r in rows.values())
    # the red lines of the veto players collide in every draw: no settlement, robustly
    assert rows["no comprehensive settlement exists"]["holds_share"] == 1.0
    # Russia's Crimea red line sits exactly at 50 (range 50-75): the zone package, which
    # puts Crimea at 50, is blocked by Russia in almost every draw
    assert rows["nobody blocks space:zone"]["fragile"]
