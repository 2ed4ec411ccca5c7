"""parley.whatif: a scenario with levers pulled and numbers set."""

from __future__ import annotations

import pytest

from parley.errors import ScenarioError
from parley.scenario.loader import load_scenario
from parley.whatif import apply, parse_set


def test_set_replaces_the_value_and_its_range() -> None:
    loaded = load_scenario("ukraine-2025")
    v = apply(loaded, sets=["russia.sanctions.salience=0.3", "usa.capability=20"])
    st = v.scenario.stance("russia", "sanctions")
    assert st is not None and st.salience.value == 0.3 and st.salience.bounds() == (0.3, 0.3)
    usa = v.scenario.actors[0]
    assert usa.capability.value == 20
    # issue-specific capabilities of the actor are set too
    assert v.scenario.stance("usa", "sanctions").capability.value == 20  # type: ignore[union-attr]
    assert loaded.scenario.stance("russia", "sanctions").salience.value == 0.8  # type: ignore
    assert v.levers == () and v.applied == ("russia.sanctions.salience=0.3", "usa.capability=20")


def test_unconditional_lever_goes_into_the_numbers() -> None:
    loaded = load_scenario("germany-coalition-2021")
    base = loaded.scenario.stance("spd", "taxes").salience  # type: ignore[union-attr]
    v = apply(loaded, levers=["spd.spd_trades_taxes"])
    new = v.scenario.stance("spd", "taxes").salience  # type: ignore[union-attr]
    assert new.value == pytest.approx(base.value * 0.4)
    assert new.bounds() == pytest.approx(tuple(b * 0.4 for b in base.bounds()))
    assert v.levers == ()
    assert "spd_trades_taxes" not in [lv.id for lv in v.scenario.levers]


def test_conditional_lever_is_kept_in_force() -> None:
    loaded = load_scenario("ukraine-2025")
    v = apply(loaded, levers=["usa.us-large-scale-sanctions"])
    assert v.levers == ("us-large-scale-sanctions",)
    # a threat changes no number of the scenario itself
    assert v.scenario.stances == loaded.scenario.stances


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("russia.sanctions.salience", "expected ACTOR.ISSUE.FIELD=VALUE"),
        ("russia.sanctions.salince=0.3", "unknown field 'salince'"),
        ("russia.sanctions.salience=abc", "is not a number"),
        ("nobody.sanctions.salience=0.3", "is not ACTOR.ISSUE"),
        ("russia.nowhere.salience=0.3", "is not ACTOR.ISSUE"),
        ("russia.sanctions.salience=1.5", "salience must lie between 0 and 1"),
        ("russia.sanctions.position=150", "outside"),
        ("china.us_aid.position=10", "is not ACTOR.ISSUE"),
    ],
)
def test_bad_sets_are_named(item: str, expected: str) -> None:
    loaded = load_scenario("ukraine-2025")
    with pytest.raises(ScenarioError, match=expected):
        apply(loaded, sets=[item])


def test_unknown_lever_lists_the_levers() -> None:
    with pytest.raises(ScenarioError, match=r"usa\.us-suspends-aid"):
        apply(load_scenario("ukraine-2025"), levers=["usa.nothing"])


def test_parse_set_with_issue_capability() -> None:
    s = load_scenario("ukraine-2025").scenario
    c = parse_set(s, "usa.sanctions.capability=10")
    assert (c.actor, c.issue, c.field, c.set) == ("usa", "sanctions", "capability", 10)
