"""Tests of the YAML reader's error messages (``parley.scenario.yaml_io``): every problem names
the file, the line and, for validation errors, the field path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.errors import ScenarioError
from parley.scenario.yaml_io import dump_yaml, parse_yaml

BAD = Path(__file__).parents[1] / "data" / "bad"
EXPECTED = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
YAML_CASES = sorted(
    n for n in EXPECTED if n.endswith(".yaml") and EXPECTED[n].get("read_by") != "loader"
)

GOOD = """\
title: Test scenario
actors:
  - id: a
    name: Alpha
    capability: 2
  - id: b
    name: Beta
    capability: 1
issues:
  - id: x
    title: Issue x
stances:
  a:
    x: {position: 20, salience: 0.5}
  b:
    x: {position: 80, salience: 0.9}
"""


def _error(text: str, file: str = "s.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, file)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(file)
    return info.value


def test_the_base_document_is_valid() -> None:
    s = parse_yaml(GOOD, "s.yaml")
    assert [a.id for a in s.actors] == ["a", "b"]
    assert parse_yaml(dump_yaml(s), "again.yaml") == s


@pytest.mark.parametrize("name", YAML_CASES)
def test_bad_files(name: str) -> None:
    exp = EXPECTED[name]
    err = _error((BAD / name).read_text(encoding="utf-8"), str(BAD / name))
    assert err.file == str(BAD / name)
    assert err.line == exp.get("line")
    if "field" in exp:
        assert f": {exp['field']}" in str(err)
    assert exp["contains"] in str(err)


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [
        # syntax: a tab for indentation
        ("  b:\n    x:", "  b:\n\tx:", 16, None, "YAML syntax error"),
        # duplicate key at the top level
        ("issues:", "title: again\nissues:", 9, None, "duplicate key 'title' (first given on"),
        # unknown field in a stance
        ("salience: 0.5}", "salience: 0.5, salince: 1}", 14, "stances.a.x.salince", "unknown"),
        # a missing field: the stance's salience
        ("{position: 80, salience: 0.9}", "{position: 80}", 16, "stances.b.x.salience",
         "missing"),
        # missing title: reported at the top
        ("title: Test scenario\n", "", 1, "title", "missing"),
        # salience below 0
        ("salience: 0.5", "salience: -0.1", 14, "stances.a.x.salience", "between 0 and 1"),
        # estimate whose range is outside 0-1
        ("salience: 0.5}", "salience: {value: 0.5, high: 1.2}}", 14, "stances.a.x.salience",
         "between 0 and 1"),
        # position outside the scale
        ("position: 80", "position: 180", 16, "stances.b.x.position", "outside the issue's scale"),
        # unknown issue in stances
        ("  b:\n    x:", "  b:\n    z:", 16, "stances.b.z", "unknown issue 'z'"),
        # NaN and infinity written as YAML floats, and as text
        ("salience: 0.9", "salience: .NaN", 16, "stances.b.x.salience", "finite"),
        ("capability: 1\n", "capability: -.inf\n", 8, "actors.1.capability", "finite"),
        ("capability: 1\n", "capability: 'inf'\n", 8, "actors.1.capability", "finite"),
        ("capability: 1\n", "capability: lots\n", 8, "actors.1.capability", "number"),
        ("capability: 1\n", "capability: true\n", 8, "actors.1.capability", "boolean"),
        ("capability: 1\n", "capability: 0\n", 8, "actors.1.capability", "positive"),
        # duplicate actor id
        ("  - id: b\n", "  - id: a\n", 6, "actors", "duplicate id 'a'"),
        # actors is not a list
        (GOOD[GOOD.index("actors:") : GOOD.index("issues:")], "actors: 3\n", 2, "actors", "list"),
    ],
)
def test_errors_name_line_and_field(
    old: str, new: str, line: int, field: str | None, fragment: str
) -> None:
    assert old in GOOD
    err = _error(GOOD.replace(old, new, 1))
    if field is not None:
        assert f": {field}" in str(err), str(err)
    assert err.line == line, str(err)
    assert fragment in str(err)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("just a string\n", "got a str"),
        ("- 1\n- 2\n", "got a list"),
        ("42\n", "got a int"),
    ],
)
def test_wrong_top_level(text: str, fragment: str) -> None:
    assert fragment in str(_error(text))


def test_only_safe_tags() -> None:
    err = _error("title: !!python/object/apply:os.system ['true']\n")
    assert err.line == 1
    assert "YAML syntax error" in str(err)
