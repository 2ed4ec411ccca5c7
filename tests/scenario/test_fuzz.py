"""Fuzzing both readers: random and mutated input never ends in anything but a valid scenario
or one :class:`ScenarioError` line naming the file (never another exception, never a hang),
and the libyaml and pure-Python loaders agree on every input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parley.cli.app import app
from parley.errors import ScenarioError
from parley.scenario.decide import parse_decide
from parley.scenario.loader import builtin_path, decode_text, parse_text
from parley.scenario.yaml_io import parse_yaml
from tests.strategies import hostile_csv, hostile_yaml, mutated

FIXTURES = Path(__file__).parents[1] / "fixtures"
YAML_TEXT = builtin_path("ukraine-2025").read_text("utf-8")
SMALL_YAML = (FIXTURES / "decide" / "scenario.yaml").read_text("utf-8")
CSV_TEXT = (FIXTURES / "reference" / "exchange_toy_4x2.csv").read_text("utf-8")
HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


def _outcome(fn: object, *args: object) -> str:
    """'ok' or the one-line error; anything else fails the test."""
    try:
        fn(*args)  # type: ignore[operator]
    except ScenarioError as exc:
        msg = str(exc)
        assert "\n" not in msg, msg
        assert msg.startswith("f."), msg  # names the file
        return msg
    return "ok"


@given(hostile_yaml())
def test_random_yaml_never_crashes(text: str) -> None:
    _outcome(parse_yaml, text, "f.yaml")


@given(hostile_csv())
def test_random_decide_never_crashes(text: str) -> None:
    _outcome(parse_decide, text, "f.csv")


@given(st.binary(max_size=200))
def test_random_bytes_never_crash(raw: bytes) -> None:
    def read(data: bytes) -> None:
        parse_text(decode_text(data, "f.bin"), "f.bin")

    _outcome(read, raw)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_scenarios_never_crash(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([SMALL_YAML, CSV_TEXT, YAML_TEXT]))
    text = data.draw(mutated(base))
    for kind in ("yaml", "decide"):
        _outcome(parse_text, text, "f.x", kind)


@pytest.mark.skipif(not HAVE_LIBYAML, reason="libyaml is not installed")
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(hostile_yaml(), mutated(SMALL_YAML)))
def test_both_yaml_loaders_agree(text: str) -> None:
    """Same scenario, or the same message and line, from libyaml and from pure Python.

    Known exception (docs/reliability.md): libyaml accepts a tab after a scalar (``~\\t``),
    which PyYAML refuses; texts with tabs are left out here and compared in the next test."""
    assume("\t" not in text)
    results = []
    for loader in ("c", "python"):
        try:
            results.append(parse_yaml(text, "f.yaml", loader=loader))
        except ScenarioError as exc:
            results.append(str(exc))
    assert results[0] == results[1]


@pytest.mark.skipif(not HAVE_LIBYAML, reason="libyaml is not installed")
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(hostile_yaml(), mutated(SMALL_YAML)))
def test_libyaml_accepts_no_less_than_pyyaml(text: str) -> None:
    """With tabs: where PyYAML reads a scenario, libyaml reads the same one (libyaml may
    accept more: a tab where PyYAML wants a space)."""
    try:
        expected = parse_yaml(text, "f.yaml", loader="python")
    except ScenarioError:
        return
    assert parse_yaml(text, "f.yaml", loader="c") == expected


@pytest.mark.skipif(not HAVE_LIBYAML, reason="libyaml is not installed")
@pytest.mark.parametrize("name", ["ukraine-2025"])
def test_both_loaders_read_the_builtin_identically(name: str) -> None:
    text = builtin_path(name).read_text("utf-8")
    assert parse_yaml(text, name, loader="c") == parse_yaml(text, name, loader="python")


@settings(max_examples=25)
@given(st.one_of(mutated(SMALL_YAML), hostile_yaml()))
def test_cli_exit_code_is_0_or_2(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.yaml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code in (0, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
