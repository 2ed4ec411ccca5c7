"""Tests of ``parley.scenario.loader``: finding, reading and writing scenario files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parley.errors import ScenarioError
from parley.scenario.decide import parse_decide
from parley.scenario.loader import (
    DEFAULT_SCENARIO,
    builtin_names,
    builtin_path,
    load_scenario,
    save_scenario,
)
from parley.scenario.yaml_io import parse_yaml

FIXTURES = Path(__file__).parents[1] / "fixtures"
TOY = FIXTURES / "reference" / "exchange_toy_4x2.csv"
YAML = FIXTURES / "decide" / "scenario.yaml"


def _error(source: str | Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    assert "\n" not in str(info.value)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.yaml"
    err = _error(p)
    assert err.file == str(p)
    assert "no such file" in str(err)
    # the message lists the built-ins, as the name may have been meant as one
    for name in builtin_names():
        assert name in str(err)


def test_directory(tmp_path: Path) -> None:
    err = _error(tmp_path)
    assert err.file == str(tmp_path)
    assert "directory" in str(err)


def test_directory_with_a_scenario_suffix(tmp_path: Path) -> None:
    d = tmp_path / "looks_like.yaml"
    d.mkdir()
    assert "directory" in str(_error(d))


@pytest.mark.parametrize("name", ["a.yaml", "a.csv", "a"])
def test_non_utf8_names_the_line(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(b"title: ok\nactors:\n  - id: caf\xe9\n")
    err = _error(p)
    assert err.line == 3
    assert "UTF-8" in str(err)
    assert str(err).startswith(f"{p}:3:")


@pytest.mark.parametrize("content", ["", "\n\n", "   \n\t\n", "\ufeff"])
@pytest.mark.parametrize("name", ["e.yaml", "e.csv", "e"])
def test_empty_file(tmp_path: Path, name: str, content: str) -> None:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    err = _error(p)
    assert err.file == str(p)
    assert "empty" in str(err)


def test_builtins_resolve_by_name() -> None:
    names = builtin_names()
    if not names:
        pytest.skip("no built-in scenarios yet")
    assert names == sorted(names)
    for name in names:
        loaded = load_scenario(name)
        assert loaded.name == name
        assert loaded.path == builtin_path(name)
        assert loaded.scenario == parse_yaml(builtin_path(name).read_text("utf-8"), name)


def test_default_is_a_builtin() -> None:
    if DEFAULT_SCENARIO not in builtin_names():
        pytest.skip(f"built-in {DEFAULT_SCENARIO} not written yet")
    assert load_scenario().name == DEFAULT_SCENARIO
    assert load_scenario(None).scenario == load_scenario(DEFAULT_SCENARIO).scenario


def test_a_file_shadows_a_builtin_name(tmp_path: Path) -> None:
    names = builtin_names()
    if not names:
        pytest.skip("no built-in scenarios yet")
    cwd = Path.cwd()
    (tmp_path / names[0]).write_text(TOY.read_text("utf-8"), encoding="utf-8")
    os.chdir(tmp_path)
    try:
        loaded = load_scenario(names[0])
    finally:
        os.chdir(cwd)
    assert loaded.path == Path(names[0])
    assert [a.id for a in loaded.scenario.actors] == ["A", "B", "C", "D"]


def test_unknown_name_is_not_a_builtin() -> None:
    err = _error("no-such-scenario-name")
    assert "not a built-in scenario" in str(err)


@pytest.mark.parametrize("quoted", [False, True])
def test_decide_detected_by_content_without_suffix(tmp_path: Path, quoted: bool) -> None:
    text = TOY.read_text("utf-8")
    if not quoted:
        text = text.replace("'", "")
    p = tmp_path / "toy"
    p.write_text("\n#/ a comment first\n" + text, encoding="utf-8")
    loaded = load_scenario(p)
    assert loaded.name == "toy"
    assert loaded.scenario.model_dump(exclude={"title"}) == parse_decide(
        TOY.read_text("utf-8"), TOY
    ).model_dump(exclude={"title"})


@pytest.mark.parametrize("suffix", ["", ".scenario", ".YAML"])
def test_yaml_detected_by_content_or_suffix(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"s{suffix}"
    p.write_text(YAML.read_text("utf-8"), encoding="utf-8")
    assert load_scenario(p).scenario == load_scenario(YAML).scenario


def test_suffix_wins_over_content(tmp_path: Path) -> None:
    """A YAML text in a .csv file is read as Decide CSV, and fails there with a line."""
    p = tmp_path / "s.csv"
    p.write_text(YAML.read_text("utf-8"), encoding="utf-8")
    err = _error(p)
    assert err.line == 1
    assert "unknown record type" in str(err)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".csv", ".txt"])
def test_save_and_load_again(tmp_path: Path, suffix: str) -> None:
    s = load_scenario(TOY).scenario
    out = tmp_path / f"out{suffix}"
    save_scenario(s, out)
    again = load_scenario(out).scenario
    assert again.model_dump(exclude={"title"}) == s.model_dump(exclude={"title"})


def test_save_refuses_unknown_suffix_and_leaves_nothing(tmp_path: Path) -> None:
    s = load_scenario(TOY).scenario
    with pytest.raises(ScenarioError, match="unknown output format"):
        save_scenario(s, tmp_path / "out.json")
    assert list(tmp_path.iterdir()) == []


def test_save_into_missing_directory(tmp_path: Path) -> None:
    s = load_scenario(TOY).scenario
    with pytest.raises(ScenarioError, match="directory does not exist"):
        save_scenario(s, tmp_path / "missing" / "out.yaml")
