"""The table editor: a form of numbers back to a scenario, messages at the fields."""

from __future__ import annotations

from parley.scenario.loader import load_scenario
from parley.web.editor import apply_form, field_name
from parley.web.service import blank_scenario


def _s():
    return load_scenario("ukraine-2025").scenario


def test_changing_a_salience_changes_only_it() -> None:
    s = _s()
    a, i = s.actor_ids.index("russia"), s.issue_ids.index("crimea")
    old = s.stance("russia", "crimea").salience
    lo, hi = old.bounds()
    want = (lo + hi) / 2 if lo < hi else old.value / 2
    if want == old.value:
        want = lo
    res = apply_form(s, {field_name(a, i, "salience"): str(want)})
    assert res.errors == {} and res.scenario is not None
    new = res.scenario.stance("russia", "crimea").salience
    assert new.value == want
    assert (new.source, new.note) == (old.source, old.note)  # provenance kept
    assert res.scenario.stance("ukraine", "crimea") == s.stance("ukraine", "crimea")


def test_errors_are_attached_to_their_fields() -> None:
    s = blank_scenario("t", ["A", "B", "C"], ["x", "y"])
    sal = field_name(0, 0, "salience")
    pos = field_name(1, 0, "position")
    cap = field_name(2, None, "capability")
    res = apply_form(s, {sal: "2", cap: "-1"})
    assert res.scenario is None
    assert "between 0 and 1" in res.errors[sal]
    assert "positive" in res.errors[cap]
    # scale checks run once every field is valid on its own (the schema's order)
    res = apply_form(s, {pos: "150"})
    assert res.scenario is None and set(res.errors) == {pos}
    assert "outside the issue's scale" in res.errors[pos]


def test_a_value_outside_its_estimate_range_is_refused_at_the_field() -> None:
    s = _s()
    st = s.stance("russia", "crimea")
    lo, _ = st.salience.bounds()
    if lo == 0.0:
        return
    name = field_name(s.actor_ids.index("russia"), s.issue_ids.index("crimea"), "salience")
    res = apply_form(s, {name: str(lo / 2)})
    assert res.scenario is None and "above value" in res.errors[name]


def test_not_a_number_and_required() -> None:
    s = _s()
    res = apply_form(s, {field_name(0, 0, "position"): "abc",
                         field_name(0, 1, "salience"): " "})
    assert res.errors == {field_name(0, 0, "position"): "not a number",
                          field_name(0, 1, "salience"): "required"}


def test_clearing_an_optional_field_removes_it() -> None:
    s = _s()
    k, j = next(
        (k, j) for k, a in enumerate(s.actor_ids) for j, i in enumerate(s.issue_ids)
        if s.stance(a, i) is not None and s.stance(a, i).red_line is not None
    )
    res = apply_form(s, {field_name(k, j, "red_line"): ""})
    assert res.scenario is not None
    assert res.scenario.stance(s.actor_ids[k], s.issue_ids[j]).red_line is None
