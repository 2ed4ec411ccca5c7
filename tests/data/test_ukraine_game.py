"""The built-in scenario's game reaches the essay's reading of the moves from its inputs.

Each conclusion is checked as a property of what ``parley game`` computes from
``ukraine-2025.yaml`` and then shown to change when the input that drives it changes
(docs/scenarios/ukraine-2025.md, "The game of moves").
"""

from __future__ import annotations

from typing import Any

import pytest

from parley.games import game_report
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario

THREAT = "us-large-scale-sanctions"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("ukraine-2025").scenario


def solve(s: Scenario, **kw: Any) -> dict[str, Any]:
    return game_report(s, "ukraine-2025", draws=kw.pop("draws", 0), **kw)


def edit(s: Scenario, actor: str, issue: str, field: str, value: Any) -> Scenario:
    data = s.model_dump(exclude_none=True)
    data["stances"][actor][issue][field] = value
    return Scenario.model_validate(data)


def moves(r: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["player"], s["move"]) for s in r["spe"]["path"]]


def russia(r: dict[str, Any]) -> str:
    return r["spe"]["strategies"]["russia"]["russia-responds"]


def test_equilibrium_path_us_keeps_talking_russia_engages(scenario: Scenario) -> None:
    r = solve(scenario)
    assert moves(r) == [("usa", "keep-talking"), ("russia", "engage-without-committing"),
                        ("usa", "keep-talking")]
    assert r["spe"]["package"] == "talks-without-commitment"
    # what sustains it: a walk-out would be met by the US turning on Russia, worse for Russia
    walk = next(t for t in r["spe"]["threats"] if t["deviation"] == "walk-out")
    assert walk["response"][0]["player"] == "usa"
    assert walk["response"][0]["move"] == "turn-on-russia"
    assert walk["payoff"] < walk["equilibrium_payoff"]


def test_without_the_threat_russias_move_changes(scenario: Scenario) -> None:
    r = solve(scenario, without=[THREAT])
    assert russia(r) != "engage-without-committing"
    assert russia(r) == "walk-out"
    assert r["spe"]["package"] == "us-russia-bilateral"


def test_non_credible_threat_changes_russias_move(scenario: Scenario) -> None:
    # the threat is credible because turning on Russia beats a deal on Russia's terms for the
    # US once Russia has walked out; that rests on the US valuing the alliance above the
    # "vague hopes" of a rapprochement (sanctions salience 0.5 < presence salience 0.7)
    r = solve(scenario)
    assert r["spe"]["strategies"]["usa"]["us-after-walk-out"] == "turn-on-russia"
    bilateral, turned = r["payoffs"]["bilateral-after-walk-out"], \
        r["payoffs"]["turned-on-after-walk-out"]
    assert turned["usa"] > bilateral["usa"]
    s2 = edit(scenario, "usa", "sanctions", "salience", 0.7)  # the old coding
    r2 = solve(s2)
    assert r2["spe"]["strategies"]["usa"]["us-after-walk-out"] == "bilateral-deal"
    assert russia(r2) == "walk-out"


def test_us_neither_walks_away_nor_turns_on_russia(scenario: Scenario) -> None:
    st = solve(scenario)["spe"]["strategies"]["usa"]
    assert st["us-opens"] == "keep-talking"
    assert st["us-after-engagement"] == "keep-talking"
    # driven by the US's stake in aid to Ukraine (position 60: reduced, not suspended or
    # expanded): wanting aid suspended makes walking away pay, wanting it continued makes
    # turning on Russia pay
    s2 = edit(scenario, "usa", "us_aid", "position", 100)
    assert solve(s2)["spe"]["strategies"]["usa"]["us-after-engagement"] == "walk-away"
    s3 = edit(scenario, "usa", "us_aid", "position", 25)
    assert solve(s3)["spe"]["strategies"]["usa"]["us-after-engagement"] == "turn-on-russia"


def test_ceasefire_is_the_likeliest_agreement_and_rests_on_russias_knife_edge(
    scenario: Scenario,
) -> None:
    r = solve(scenario)
    conclusions = {c["conclusion"]: c for c in r["robustness"]}
    assert "likeliest agreement (QRE): limited-ceasefire" in conclusions
    assert r["qre"]["packages"]["limited-ceasefire"] > 0
    # Russia's surplus of the ceasefire is just below zero: Russia engages instead ...
    assert -0.02 < r["payoffs"]["limited-ceasefire"]["russia"] < 0
    # ... and a modest move of its ceasefire position (within its coded range 0-25) flips it
    s2 = edit(scenario, "russia", "ceasefire", "position", 25)
    r2 = solve(s2)
    assert russia(r2) == "accept-limited-ceasefire"
    assert r2["spe"]["package"] == "limited-ceasefire"
    assert r2["qre"]["packages"]["limited-ceasefire"] > r["qre"]["packages"]["limited-ceasefire"]


def test_robustness_is_computed_from_the_draws(scenario: Scenario) -> None:
    r = solve(scenario, draws=300, seed=1)
    path = next(c for c in r["robustness"] if c["conclusion"].startswith("equilibrium path"))
    assert path["holds_share"] == pytest.approx(r["spe"]["share_of_draws"])
    assert 0.0 <= path["holds_share"] <= 1.0
    # the quadratic loss turns Russia's ceasefire surplus positive: the path does not hold
    assert path["holds_under"]["loss=linear"] is True
    assert path["holds_under"]["loss=quadratic"] is False
    for lam in ("precision=5", "precision=10", "precision=20"):
        assert path["holds_under"][lam] is True  # the SPE does not depend on the precision
