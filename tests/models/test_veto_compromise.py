"""Tests of the veto-constrained compromise (hand-worked intervals)."""

from __future__ import annotations

import numpy as np
import pytest

from parley.forecast import forecast
from parley.models.veto_compromise import veto_bounds, veto_compromise
from parley.scenario.schema import Scenario


def _scenario(**stance_b: float) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "veto",
            "actors": [
                {"id": "a", "capability": 3},
                {"id": "b", "capability": 1},
            ],
            "issues": [{"id": "x"}],
            "stances": {
                "a": {"x": {"position": 80, "salience": 1}},
                "b": {"x": {"position": 20, "salience": 1, **stance_b}},
            },
            "veto_players": ["b"],
        }
    )


def test_without_red_lines_or_no_deal_points_it_is_the_compromise() -> None:
    fc = forecast(_scenario(), ["veto-compromise", "compromise"])
    # compromise: (3 * 80 + 1 * 20) / 4 = 65
    assert fc.models["veto-compromise"].positions["x"] == pytest.approx(65.0)
    assert fc.models["compromise"].positions["x"] == pytest.approx(65.0)


def test_a_veto_players_red_line_caps_the_compromise() -> None:
    fc = forecast(_scenario(red_line=50), ["veto-compromise"])
    assert fc.models["veto-compromise"].positions["x"] == pytest.approx(50.0)


def test_a_veto_players_no_deal_point_bounds_its_winset() -> None:
    # b at 20 with no deal at 30 accepts only [10, 30]: the compromise 65 is pulled to 30
    fc = forecast(_scenario(no_deal=30), ["veto-compromise"])
    assert fc.models["veto-compromise"].positions["x"] == pytest.approx(30.0)


def test_conflicting_winsets_fall_back_to_red_lines_then_to_the_compromise() -> None:
    pos = np.array([[20.0], [80.0]])
    sal = np.ones((2, 1))
    cap = np.array([[0.5], [0.5]])
    mask = np.ones((2, 1), dtype=bool)
    batna = np.array([[25.0], [75.0]])  # winsets [15, 25] and [75, 85] do not meet
    veto = np.array([True, True])
    no_red = np.full((2, 1), np.nan)
    x, code = veto_compromise(pos, sal, cap, mask, no_red, batna, veto)
    assert code[0] == 1 and x[0] == pytest.approx(50.0)
    red = np.array([[30.0], [70.0]])  # a accepts <= 30, b >= 70: no overlap either
    x, code = veto_compromise(pos, sal, cap, mask, red, batna, veto)
    assert code[0] == 2 and x[0] == pytest.approx(50.0)


def test_bounds_ignore_actors_without_a_veto() -> None:
    pos = np.array([[20.0], [80.0]])
    red = np.array([[40.0], [60.0]])
    lo_nd, hi_nd, lo_r, hi_r = veto_bounds(pos, red, pos, np.array([True, False]))
    assert (lo_nd[0], hi_nd[0]) == (20.0, 20.0)  # no deal at its ideal: only the ideal
    assert (lo_r[0], hi_r[0]) == (-np.inf, 40.0)
