"""The flagship scenario reaches the article's conclusions from its inputs.

Each conclusion is checked as a property of what parley computes from ``ukraine-2025.yaml``,
and then shown to depend on the inputs the docs (docs/scenarios/ukraine-2025.md) say drive it:
change the input and the conclusion changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parley.analysis.space import agreement_space
from parley.analysis.utility import acceptable, crosses_red_line, red_line_crossings
from parley.odds import outcomes
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario

# the seed article lives in the project's shared/ folder beside the checkout (as in CI)
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"
VETO = ["usa", "russia", "ukraine", "europe"]
AGREEMENTS = ["comprehensive-deal", "us-plan", "limited-ceasefire"]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("ukraine-2025").scenario


def probs(s: Scenario, **kw: Any) -> dict[str, float]:
    r = outcomes(s, draws=kw.pop("draws", 1000), **kw)
    out = dict(zip(r.candidates.ids, r.probability.tolist(), strict=True))
    out["no agreement"] = r.no_agreement
    return out


def edit(s: Scenario, actor: str, issue: str, field: str, value: Any) -> Scenario:
    """A copy of the scenario with one stance field replaced (None removes it)."""
    data = s.model_dump(exclude_none=True)
    stance = data["stances"][actor][issue]
    if value is None:
        stance.pop(field, None)
    else:
        stance[field] = value
    return Scenario.model_validate(data)


def row(s: Scenario, pid: str) -> dict[str, Any]:
    r = outcomes(s, draws=0).to_dict()
    return next(o for o in r["outcomes"] if o["id"] == pid)


# ------------------------------------------------------------------ the article's conclusions


def test_ukraine_blocks_every_package_recognising_crimea_de_jure(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    c = arr.issues.index("crimea")
    u = arr.actors.index("ukraine")
    P = np.array([[p.positions[i] for i in arr.issues] for p in scenario.packages])
    de_jure = P[:, c] >= 75  # labelled points 75 and 100: de jure recognition
    assert de_jure.any()
    assert red_line_crossings(P, arr)[de_jure, u, c].all()
    assert not acceptable(P, arr)[de_jure, u].any()
    for k in np.flatnonzero(de_jure):
        assert "ukraine" in row(scenario, scenario.packages[k].id)["blocked_by"]


def test_us_plan_blocked_by_ukraine_and_europe(scenario: Scenario) -> None:
    r = row(scenario, "us-plan")
    assert r["blocked_by"] == ["ukraine", "europe"]
    assert set(r["acceptable_to"]) >= {"usa", "russia"}
    assert r["surplus"]["ukraine"] < 0 and r["surplus"]["europe"] < 0


def test_no_comprehensive_settlement(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    space = agreement_space(arr, VETO)
    assert not space.settlement.exists
    assert {c.issue for c in space.collisions} == {"nato", "army_limits"}
    P = np.array([[scenario.packages[0].positions[i] for i in arr.issues]])
    assert scenario.packages[0].id == "comprehensive-deal"
    assert not acceptable(P, arr)[0, [arr.actors.index(a) for a in VETO]].all()
    # a partial deal, leaving the colliding issues where they stand, is possible
    assert space.zone.exists
    assert set(space.zone.left_as_is) >= {"nato", "army_limits"}


@pytest.mark.parametrize("seed", [0, 1])
def test_outcome_ranking(scenario: Scenario, seed: int) -> None:
    p = probs(scenario, seed=seed)
    assert sum(p.values()) == pytest.approx(1.0, abs=1e-6)
    # the limited ceasefire is the most likely deal
    for other in ("comprehensive-deal", "us-plan", "us-turns-on-russia"):
        assert p["limited-ceasefire"] > p[other]
    # since the setter chooses among the proposals that would pass (docs/scenarios/
    # ukraine-2025.md, "What changed"), the likeliest single outcome is the limited ceasefire
    assert max(p, key=p.get) == "limited-ceasefire"


# Conclusions that held under the hand-set outcome model (precision 10, no constants) and no
# longer hold under the defaults fitted on the case library (docs/validation.md, "Outcome
# odds"; docs/scenarios/ukraine-2025.md). Strict: if a change makes them hold again, the mark
# must go.
FITTED = "does not hold under the outcome model's fitted defaults (docs/validation.md)"


@pytest.mark.xfail(strict=True, reason=FITTED)
@pytest.mark.parametrize("seed", [0, 1])
def test_an_agreement_of_all_parties_is_slim(scenario: Scenario, seed: int) -> None:
    # well under one half, but not negligible (about 36% under the fitted defaults)
    p = probs(scenario, seed=seed)
    assert 0.05 < sum(p[k] for k in AGREEMENTS) < 0.35


@pytest.mark.xfail(strict=True, reason=FITTED)
@pytest.mark.parametrize("seed", [0, 1])
def test_nothing_changing_is_likelier_than_any_single_package(
    scenario: Scenario, seed: int
) -> None:
    # talks without commitment, or no agreement at all (under the fitted defaults the setter
    # all but never ends without a proposal, and nothing changing is about 16%)
    p = probs(scenario, seed=seed)
    unchanged = p["talks-without-commitment"] + p["no agreement"]
    assert all(unchanged > v for k, v in p.items()
               if k not in ("talks-without-commitment", "no agreement"))
    # the limited ceasefire is a deal each veto player can sell as a success
    assert all(v > 0 for k, v in row(scenario, "limited-ceasefire")["surplus"].items()
               if k != "russia")


def test_four_copies_of_the_us_plan_change_nothing(scenario: Scenario) -> None:
    data = scenario.model_dump(exclude_none=True)
    plan = next(p for p in data["packages"] if p["id"] == "us-plan")
    data["packages"] += [dict(plan, id=f"us-plan-{j}") for j in range(4)]
    base, more = probs(scenario), probs(Scenario.model_validate(data))
    for k, v in base.items():
        assert more[k] == pytest.approx(v, abs=0.01)


# ------------------------------------------------------------------ ... and from which inputs


def test_dropping_ukraines_crimea_red_line_makes_more_acceptable(scenario: Scenario) -> None:
    arr = to_arrays(scenario)
    u, c = arr.actors.index("ukraine"), arr.issues.index("crimea")
    plan = next(p for p in scenario.packages if p.id == "us-plan")
    # the US plan with NATO deferred (50) instead of ruled out: crosses only the Crimea line
    P = np.array([[plan.positions[i] if i != "nato" else 50 for i in arr.issues]])
    assert red_line_crossings(P, arr)[0, u].nonzero()[0].tolist() == [c]
    s2 = edit(scenario, "ukraine", "crimea", "red_line", None)
    assert not crosses_red_line(P, to_arrays(s2))[0, u]


def test_ukraine_accepting_crimea_unblocks_us_plan_for_it(scenario: Scenario) -> None:
    s2 = edit(scenario, "ukraine", "crimea", "red_line", None)
    s2 = edit(s2, "ukraine", "nato", "red_line", None)
    assert "ukraine" in row(s2, "us-plan")["blocked_by"]  # still worse than no deal
    s3 = edit(s2, "ukraine", "crimea", "position", 100)
    r = row(s3, "us-plan")
    assert "ukraine" not in r["blocked_by"]
    assert "europe" in r["blocked_by"]


def test_europes_block_of_us_plan_is_red_lines_and_batna(scenario: Scenario) -> None:
    s2 = scenario
    for issue in ("crimea", "nato", "sanctions", "territory", "army_limits"):
        s2 = edit(s2, "europe", issue, "red_line", None)
    r = row(s2, "us-plan")
    assert "europe" not in r["red_lines_crossed"]
    assert "europe" in r["blocked_by"]  # still worse than no deal for Europe
    s3 = edit(s2, "europe", "us_presence", "salience", 0.0)
    s3 = edit(s3, "europe", "sanctions", "salience", 0.0)
    s3 = edit(s3, "europe", "crimea", "salience", 0.0)
    s3 = edit(s3, "europe", "nato", "salience", 0.0)
    assert "europe" not in row(s3, "us-plan")["blocked_by"]


def test_russian_red_lines_are_what_rule_out_a_settlement(scenario: Scenario) -> None:
    s2 = edit(scenario, "russia", "nato", "red_line", None)
    s2 = edit(s2, "russia", "army_limits", "red_line", None)
    space = agreement_space(to_arrays(s2), VETO)
    assert space.collisions == []
    assert space.settlement.exists


@pytest.mark.xfail(strict=True, reason=FITTED + ": the ceasefire rises by about 2.5 points")
def test_russias_reluctance_drives_the_ceasefire_odds(scenario: Scenario) -> None:
    base = probs(scenario)["limited-ceasefire"]
    keen = probs(edit(scenario, "russia", "ceasefire", "position", 50))["limited-ceasefire"]
    assert keen > base + 0.05


def test_alliance_value_drives_the_bilateral_deal(scenario: Scenario) -> None:
    base = probs(scenario)["us-russia-bilateral"]
    cheap = probs(edit(scenario, "usa", "us_presence", "salience", 0.2))["us-russia-bilateral"]
    assert cheap > base
    # the US's stake in sanctions relief (rapprochement) keeps it from turning on Russia
    turn = probs(edit(scenario, "usa", "sanctions", "salience", 0.1))["us-turns-on-russia"]
    assert turn > probs(scenario)["us-turns-on-russia"]


# ------------------------------------------------------------------ provenance


def test_every_source_is_a_verbatim_quote() -> None:
    if not ARTICLE.exists():
        pytest.skip("the seed article is not available in this checkout")
    import yaml

    from parley.scenario.loader import builtin_path

    text = ARTICLE.read_text(encoding="utf-8")
    data = yaml.safe_load(builtin_path("ukraine-2025").read_text(encoding="utf-8"))
    sources: list[str] = []

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "source" and isinstance(v, str):
                    sources.append(v)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(data)
    assert len(sources) > 50
    bad = [q for q in sources if q != "modeller's judgement" and q not in text]
    assert bad == []
