"""Tests of the Decide CSV reader and writer (``parley.scenario.decide``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.errors import ScenarioError
from parley.scenario.arrays import to_arrays
from parley.scenario.decide import dump_decide, parse_decide
from parley.scenario.loader import load_scenario
from parley.scenario.schema import Scenario
from parley.scenario.yaml_io import dump_yaml, parse_yaml
from tests.strategies import scenarios

FIXTURES = Path(__file__).parents[1] / "fixtures"
REFERENCE = FIXTURES / "reference"
DECIDE = FIXTURES / "decide"
BAD = Path(__file__).parents[1] / "data" / "bad"


def _plain_rows(path: Path) -> list[list[str]]:
    """An independent, deliberately naive reading of a TAB-separated, single-quoted file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append([f.strip().strip("'") for f in line.split("\t")])
    return rows


def _weighted_mean(s: Scenario) -> dict[str, float]:
    """sum(c s x) / sum(c s) per issue: Decide's starting outcome."""
    arr = to_arrays(s)
    w = arr.capability * arr.salience
    x = np.where(arr.mask, arr.position, 0.0)
    return dict(zip(arr.issues, (w * x).sum(0) / w.sum(0), strict=True))


# -- the reference files -------------------------------------------------------------------
def test_sample_data_counts_bounds_and_text() -> None:
    s = load_scenario(REFERENCE / "exchange_sample_data.txt").scenario
    assert len(s.actors) == 10
    assert len(s.issues) == 6
    assert sum(len(v) for v in s.stances.values()) == 60
    issues = {i.id: i for i in s.issues}
    assert (issues["tol-hoogte"].scale.min, issues["tol-hoogte"].scale.max) == (0.5, 7.0)
    assert (issues["wanneer-tol"].scale.min, issues["wanneer-tol"].scale.max) == (0.0, 100.0)
    assert issues["wanneer-tol"].description == "Wat is dit voor onzin?"
    assert issues["tol-hoogte"].description is None  # the same text as the title
    assert issues["tol-hoogte"].points == {}  # its #M rows carry no meaning
    actors = {a.id: a for a in s.actors}
    assert actors["Willems"].notes == "Test"
    assert actors["PvdA"].notes is None
    assert s.title == "Decide data from exchange_sample_data.txt"
    # cells, as read by eye from the file
    assert s.stances["GL"]["tol-hoogte"].position.value == 5.0
    assert s.stances["GL"]["tol-hoogte"].salience.value == 0.9
    assert s.stances["VVDs"]["tol-hoogte"].position.value == 0.5
    assert actors["GL"].capability.value == 0.6
    assert actors["D66"].capability.value == 0.2


@pytest.mark.parametrize("name", ["exchange_sample_data.txt", "exchange_toy_4x2.csv"])
def test_reference_files_every_cell(name: str) -> None:
    s = load_scenario(REFERENCE / name).scenario
    rows = _plain_rows(REFERENCE / name)
    data = [r for r in rows if r[0] == "#D"]
    assert [a.id for a in s.actors] == [r[1] for r in rows if r[0] == "#A"]
    assert [i.id for i in s.issues] == [r[1] for r in rows if r[0] == "#P"]
    assert [i.title for i in s.issues] == [r[2] for r in rows if r[0] == "#P"]
    actors = {a.id: a for a in s.actors}
    for _, aid, iid, pos, sal, power, *_ in data:
        stance = s.stances[aid][iid]
        assert stance.position.value == float(pos)
        assert stance.salience.value == float(sal)
        cap = stance.capability or actors[aid].capability
        assert cap.value == float(power)


@pytest.mark.parametrize(
    ("name", "decide_json"),
    [
        ("exchange_sample_data.txt", "exchange_sample_data.decide.json"),
        ("exchange_toy_4x2.csv", "exchange_toy_4x2.decide.json"),
    ],
)
def test_reference_files_reproduce_decides_start_outcome(name: str, decide_json: str) -> None:
    """Decide's own first-round starting outcome (the capability x salience weighted mean,
    computed by decide-exchange-model from the same file) comes out of what we read."""
    s = load_scenario(REFERENCE / name).scenario
    ref = json.loads((REFERENCE / decide_json).read_text(encoding="utf-8"))
    expected = ref["rounds"][0]["start_outcome"]
    got = _weighted_mean(s)
    assert set(got) == set(expected)
    for iid, v in expected.items():
        assert got[iid] == pytest.approx(v, abs=1e-9)
    for iid, b in ref["issues"].items():
        issue = next(i for i in s.issues if i.id == iid)
        assert (issue.scale.min, issue.scale.max) == (b["lower"], b["upper"])


# -- tolerated quirks ----------------------------------------------------------------------
def test_quirks_file() -> None:
    s = load_scenario(DECIDE / "quirks.csv").scenario
    assert s.title == "Quirky test data"
    assert [a.id for a in s.actors] == ["USA", "EU", "CHN"]  # IDLE has no #D rows
    assert "IDLE" in (s.notes or "") and "line 8" in (s.notes or "")
    eu = s.actors[1]
    assert eu.name == "European Union; 27 members"  # quoted field holding the separator
    assert eu.notes == "trading bloc"
    assert s.actors[2].notes == "a comment"  # single quotes removed
    tax, dates = s.issues
    assert (tax.title, tax.description) == ("Carbon tax", "Level of the carbon tax in 2030")
    assert tax.points == {0.0: "no tax", 100.0: "EUR 100 per tonne"}  # 50 has no meaning
    assert (dates.id, dates.title) == ("dates", "Deadline")
    assert (dates.scale.min, dates.scale.max) == (2030.0, 2050.0)
    assert dates.points == {}
    assert s.stances["USA"]["tax"].note == "hawkish"
    assert s.stances["USA"]["dates"].note is None  # padding is not a comment
    assert s.stances["CHN"]["dates"].position.value == 2045.5
    # power: USA 3 and 3 -> 3; CHN 2.5 and 4 tie -> the first, 2.5, with 4 as an override
    assert [a.capability.value for a in s.actors] == [3.0, 2.0, 2.5]
    assert s.stances["CHN"]["tax"].capability is None
    assert s.stances["CHN"]["dates"].capability is not None
    assert s.stances["CHN"]["dates"].capability.value == 4.0
    assert s.stances["USA"]["dates"].capability is None


@pytest.mark.parametrize(
    ("bom", "newline"), [("", "\r\n"), ("\ufeff", "\n"), ("\ufeff", "\r\n"), ("", "\r")]
)
def test_bom_and_line_ends_change_nothing(tmp_path: Path, bom: str, newline: str) -> None:
    text = (DECIDE / "quirks.csv").read_text(encoding="utf-8")
    p = tmp_path / "quirks.csv"
    p.write_bytes((bom + text.replace("\n", newline)).encode("utf-8"))
    assert load_scenario(p).scenario == load_scenario(DECIDE / "quirks.csv").scenario
    # the parser copes with a BOM by itself too
    assert parse_decide(bom + text, "quirks.csv") == parse_decide(text, "quirks.csv")


def test_line_numbers_count_crlf_lines(tmp_path: Path) -> None:
    text = "#A;a;A\r\n\r\n#P;x;X\r\n#D;a;x;20;0.5;-1\r\n"
    with pytest.raises(ScenarioError, match=r"f\.csv:4: power -1 must be positive"):
        parse_decide(text, "f.csv")


def test_salience_on_0_100_is_divided() -> None:
    s = load_scenario(DECIDE / "salience_0_100.csv").scenario
    assert s.stances["a"]["x"].salience.value == pytest.approx(0.8)
    assert s.stances["b"]["x"].salience.value == pytest.approx(0.35)
    assert "0-100" in (s.notes or "")
    assert [a.capability.value for a in s.actors] == [1.0, 100.0]  # power kept raw
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (0.0, 10.0)


def test_salience_on_0_1_is_kept_and_not_noted() -> None:
    s = parse_decide("#A;a;A\n#P;x;X\n#D;a;x;5;1;1\n")
    assert s.stances["a"]["x"].salience.value == 1.0
    assert s.notes is None


def test_tab_separated_double_quoted() -> None:
    s = load_scenario(DECIDE / "tab_double_quotes.tsv").scenario
    assert [a.name for a in s.actors] == ["Alpha", "Beta"]
    (x,) = s.issues
    assert (x.scale.min, x.scale.max) == (-5.0, 5.0)
    assert x.points == {-5.0: "left", 5.0: "right"}
    assert s.stances["a"]["x"].position.value == -2.5


def test_comma_separated() -> None:
    s = parse_decide("#A,a,Alpha\n#P,x,X\n#M,x,0\n#M,x,1\n#D,a,x,0.25,0.5,2\n")
    assert s.stances["a"]["x"].position.value == 0.25
    assert s.actors[0].capability.value == 2.0


def test_comment_rows_do_not_decide_the_separator() -> None:
    s = parse_decide("#/, written by hand\n#/\tand a tab\n#A;a;A, Jr.\n#P;x;X\n#D;a;x;5;1;1\n")
    assert s.actors[0].name == "A, Jr."


def test_quotes_inside_fields() -> None:
    text = (
        "'#A'\t'a'\t'Convention's side'\n"  # an unescaped apostrophe, as in real files
        "'#A'\t'b'\t'it''s doubled'\n"
        "'#A'\t'c'\t'Nina \"the boss\"'\n"
        "'#P'\t'x'\t'X'\n"
        "'#D'\t'a'\t'x'\t1\t1\t1\n'#D'\t'b'\t'x'\t1\t1\t1\n'#D'\t'c'\t'x'\t1\t1\t1\n"
    )
    s = parse_decide(text)
    assert [a.name for a in s.actors] == ["Convention's side", "it's doubled", 'Nina "the boss"']


def test_title_defaults_to_file_name_and_issue_without_marks_is_0_100() -> None:
    s = parse_decide("#A;a;A\n#P;x;X\n#D;a;x;99;0.1;1\n", Path("/some/dir/data.csv"))
    assert s.title == "Decide data from data.csv"
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (0.0, 100.0)


def test_issue_without_data_is_left_out_with_a_note() -> None:
    s = parse_decide("#A;a;A\n#P;x;X\n#P;y;Y\n#D;a;x;9;0.1;1\n")
    assert [i.id for i in s.issues] == ["x"]
    assert "'y' (line 3)" in (s.notes or "")


def test_record_order_does_not_matter() -> None:
    a = parse_decide("#A;a;A\n#P;x;X\n#M;x;0\n#M;x;10\n#D;a;x;9;0.1;1\n")
    b = parse_decide("#D;a;x;9;0.1;1\n#M;x;10\n#M;x;0\n#P;x;X\n#A;a;A\n")
    assert a == b


# -- errors --------------------------------------------------------------------------------
EXPECTED = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
PARSER_CASES = sorted(
    n
    for n in EXPECTED
    if n.endswith(".csv") and n != "empty.csv" and EXPECTED[n].get("read_by") != "loader"
)


@pytest.mark.parametrize("name", PARSER_CASES)
def test_bad_files_name_file_line_and_problem(name: str) -> None:
    exp = EXPECTED[name]
    with pytest.raises(ScenarioError) as info:
        parse_decide((BAD / name).read_text(encoding="utf-8"), BAD / name)
    err = info.value
    assert err.file == str(BAD / name)
    assert err.line == exp.get("line")
    assert exp["contains"] in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "empty"),
        ("\n\n  \n", None, "empty"),
        ("#A;a;A\n#P;x;X\n#D;a;x;5;0.5;1\nActor;Issue\n", 4, "unknown record type 'Actor'"),
        ("#A;a;A\n#P;x;X\n#D;a;x;5;0.5\n", 3, "without power"),
        ("#A;a;A\n#P;x;X\n#D;a;x\n", 3, "without position"),
        ("#A\n#P;x;X\n#D;a;x;5;0.5;1\n", 1, "without actor id"),
        ("#A;a;A\n#P;x;X\n#M;x\n#D;a;x;5;0.5;1\n", 3, "without position"),
        ("#A;a;A\n#P;x;X\n#D;a;x;5;0.5;1e400\n", 3, "not a finite number"),
        ("#A;a;A\n#P;x;X\n#D;a;x;-inf;0.5;1\n", 3, "not a finite number"),
        ("#A;a;A\n#P;x;X\n#D;a;x;1_000;0.5;1\n", 3, "'1_000' is not a number"),
        ("#A;a;A\n#P;x;X\n#D;a;x;5;0.5;-2\n", 3, "must be positive"),
        ("#A;a;A\n#P;x;X\n#M;x;0;a\n#M;x;0;b\n#M;x;9\n#D;a;x;5;0.5;1\n", 4, "two meanings"),
        ("#A;a;A\n#P;x;X\n#M;x;0\n#M;x;9\n#D;a;x;-1;0.5;1\n", 5, "outside the scale"),
        ('#A;"a;b";A\n#P;x;X\n#D;a;x;1;0.5;1\n', 1, "contains ';'"),
        # the first problem in the file is reported, and the others counted
        ("#A;a;A\n#P;x;X\n#D;a;x;500;0.5;1\n#D;b;x;5;0.5;0\n", 3, "and 1 more problem"),
    ],
)
def test_parse_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_decide(text, "in.csv")
    assert info.value.line == line
    assert info.value.file == "in.csv"
    assert fragment in str(info.value)


def test_decimal_comma_named_as_such() -> None:
    with pytest.raises(ScenarioError, match=r"in\.csv:3: .*'0,5'.*decimal comma"):
        parse_decide("#A;a;A\n#P;x;X\n#D;a;x;5;0,5;1\n", "in.csv")


# -- writing -------------------------------------------------------------------------------
def test_dump_hand_worked() -> None:
    s = Scenario.model_validate(
        {
            "title": "T",
            "actors": [
                {"id": "a", "name": "Alpha; one", "capability": 2},
                {"id": "b", "capability": 0.5, "notes": "line one\nline two"},
            ],
            "issues": [
                {"id": "x", "title": "X", "scale": {"min": 1, "max": 7}, "points": {4: "mid"}},
            ],
            "stances": {
                "a": {"x": {"position": 2.5, "salience": 0.1, "capability": 3, "red_line": 5}},
                "b": {"x": {"position": 7, "salience": 1, "note": "firm"}},
            },
            "packages": [{"id": "p", "name": "P", "positions": {"x": 4}}],
        }
    )
    assert dump_decide(s) == (
        "#O;T\n"
        '#A;a;"Alpha; one"\n'
        "#A;b;b;line one line two\n"
        "#P;x;X\n"
        "#M;x;1\n"
        "#M;x;4;mid\n"
        "#M;x;7\n"
        "#D;a;x;2.5;0.1;3\n"
        "#D;b;x;7;1;0.5;firm\n"
    )


def test_yaml_fields_csv_cannot_hold_are_dropped() -> None:
    s = load_scenario(DECIDE / "scenario.yaml").scenario
    back = parse_decide(dump_decide(s), "x.csv")
    assert back.packages == [] and back.channels == [] and back.levers == []
    assert back.veto_players is None and back.date is None and back.sources == []
    assert back.stances["a"]["x"].red_line is None and back.stances["a"]["x"].no_deal is None
    assert back.stances["b"]["y"].salience.low is None
    assert back.actors[0].capability.value == 2.0 and back.actors[0].capability.low is None
    assert _decide_view(back) == _decide_view(s)


# -- round trips ---------------------------------------------------------------------------
def _decide_view(s: Scenario) -> dict[str, Any]:
    """What both formats hold: everything Decide CSV can express, with capability resolved
    per stance (which actor-level value carries it is the writer's choice)."""
    actors = {a.id: a for a in s.actors}
    return {
        "title": s.title,
        "actors": [(a.id, a.name, a.notes) for a in s.actors if s.stances.get(a.id)],
        "issues": [
            (
                i.id,
                i.title,
                None if i.description == i.title else i.description,
                i.scale.min,
                i.scale.max,
                sorted(i.points.items()),
            )
            for i in s.issues
        ],
        "stances": {
            (aid, iid): (
                st.position.value,
                st.salience.value,
                (st.capability or actors[aid].capability).value,
                st.note,
            )
            for aid, per in s.stances.items()
            for iid, st in per.items()
        },
    }


_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_label = st.text(  # no NUL: the reader refuses NUL bytes (and the writer drops them)
    st.characters(blacklist_categories=("Cs",), blacklist_characters=_BREAKS + "\x00"),
    min_size=1,
    max_size=12,
)
"""Texts without line breaks (the writer turns those into spaces), including separators,
quotes and surrounding spaces."""


@st.composite
def decide_scenarios(draw: st.DrawFn) -> Scenario:
    """``scenarios()`` plus what the CSV can also hold: names with awkward characters, notes,
    issue descriptions, labelled points and issue-specific capabilities."""
    base = draw(scenarios(full=draw(st.booleans())))
    data = base.model_dump(mode="python", exclude_none=True)
    data["title"] = draw(_label)
    for a in data["actors"]:
        a["name"] = draw(_label)
        if draw(st.booleans()):
            a["notes"] = draw(_label)
    for i in data["issues"]:
        lo, hi = i["scale"]["min"], i["scale"]["max"]
        if draw(st.booleans()):
            i["description"] = draw(_label)
        xs = draw(st.lists(st.integers(0, 10), max_size=4, unique=True))
        i["points"] = {lo + k * (hi - lo) / 10: draw(_label) for k in xs}
    for per in data["stances"].values():
        for stance in per.values():
            if draw(st.booleans()):
                stance["capability"] = draw(st.integers(1, 50)) / 4
            if draw(st.booleans()):
                stance["note"] = draw(_label)
    return Scenario.model_validate(data)


@settings(max_examples=60, deadline=None)
@given(decide_scenarios())
def test_yaml_to_csv_to_yaml_keeps_what_both_hold(s: Scenario) -> None:
    via_csv = parse_decide(dump_decide(s), "x.csv")
    assert _decide_view(via_csv) == _decide_view(s)
    # and the YAML written from it reads back identically
    assert parse_yaml(dump_yaml(via_csv), "x.yaml") == via_csv


@settings(max_examples=60, deadline=None)
@given(decide_scenarios())
def test_csv_to_yaml_to_csv_keeps_the_data(s: Scenario) -> None:
    csv_text = dump_decide(s)
    first = parse_decide(csv_text, "x.csv")
    second = parse_yaml(dump_yaml(first), "x.yaml")
    assert second == first
    assert dump_decide(second) == dump_decide(first)
    # notes are the reader's remarks (an actor without #D rows, left out, is not written back)
    third = parse_decide(dump_decide(second), "x.csv")
    assert third.model_dump(exclude={"notes"}) == first.model_dump(exclude={"notes"})


@pytest.mark.parametrize(
    "path",
    [
        REFERENCE / "exchange_sample_data.txt",
        REFERENCE / "exchange_toy_4x2.csv",
        DECIDE / "quirks.csv",
        DECIDE / "salience_0_100.csv",
        DECIDE / "tab_double_quotes.tsv",
    ],
)
def test_files_round_trip_through_yaml(path: Path) -> None:
    first = load_scenario(path).scenario
    again = parse_decide(dump_decide(parse_yaml(dump_yaml(first), "x.yaml")), path)
    assert _decide_view(again) == _decide_view(first)
    np.testing.assert_array_equal(to_arrays(again).position, to_arrays(first).position)


def test_mixed_salience_scales_are_an_error() -> None:
    text = "#A;a;A\n#A;b;B\n#A;c;C\n#P;x;X\n#D;a;x;10;0.5;1\n#D;b;x;20;0.7;1\n#D;c;x;30;7;1\n"
    with pytest.raises(ScenarioError, match=r"mixed\.csv:7: salience 7 is above 1 .*mixed"):
        parse_decide(text, "mixed.csv")
