"""Tests of the Nash bargaining model with the status quo as disagreement point."""

from __future__ import annotations

import pytest

from parley.forecast import forecast
from parley.scenario.schema import Scenario


def _logroll(no_deal: float | None = 50.0) -> Scenario:
    nd = {} if no_deal is None else {"no_deal": no_deal}
    return Scenario.model_validate(
        {
            "title": "logroll",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}, {"id": "y"}],
            "stances": {
                "a": {
                    "x": {"position": 0, "salience": 1.0, **nd},
                    "y": {"position": 0, "salience": 0.2, **nd},
                },
                "b": {
                    "x": {"position": 100, "salience": 0.2, **nd},
                    "y": {"position": 100, "salience": 1.0, **nd},
                },
            },
        }
    )


def test_nash_solution_trades_issues_hand_worked() -> None:
    """Status quo (50, 50); with a = 50 - x and b = y - 50 the gains are (a - 0.2 b) / 100 and
    (b - 0.2 a) / 100; their log-sum grows in a and b on the whole box, so the solution is the
    corner a = b = 50: each side gets its salient issue, (0, 100). The compromise is
    (16.7, 83.3)."""
    fc = forecast(_logroll(), ["nash", "compromise"])
    nash = fc.models["nash"].positions
    assert nash["x"] == pytest.approx(0.0, abs=1e-3)
    assert nash["y"] == pytest.approx(100.0, abs=1e-3)
    assert fc.models["compromise"].positions["x"] == pytest.approx(100 / 6)


def test_actor_who_cannot_gain_is_left_out_and_no_solution_falls_back() -> None:
    s = Scenario.model_validate(
        {
            "title": "stuck",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": {
                "a": {"x": {"position": 0, "salience": 1, "no_deal": 40}},
                "b": {"x": {"position": 100, "salience": 1, "no_deal": 40}},
            },
        }
    )
    res = forecast(s, ["nash", "compromise"])
    # one issue, opposed ideals: any move helps one side and hurts the other -> no solution
    assert res.models["nash"].positions["x"] == pytest.approx(50.0)
    assert any("compromise" in n for n in res.models["nash"].notes)
