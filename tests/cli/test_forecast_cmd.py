"""Tests of ``parley forecast`` and the scenario commands through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.models.registry import MODEL_NAMES
from parley.scenario.loader import builtin_names

runner = CliRunner()

MINI = """\
title: Mini
actors:
  - {id: a, name: A, capability: 2}
  - {id: b, capability: 1}
issues:
  - {id: x, title: X, points: {0: none, 100: all}}
  - {id: y-issue, scale: {min: 1, max: 7}}
stances:
  a:
    x: {position: 10, salience: 0.5}
    y-issue: {position: 2, salience: 1}
  b:
    x: {position: 70, salience: 1}
    y-issue: {position: 6, salience: 1}
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI, encoding="utf-8")
    return p


def test_json_contract(mini: Path) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "--format", "json", "-m", "compromise",
                              "-m", "median"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["scenario"] == "mini"
    assert set(data["models"]) == {"compromise", "median"}
    # weights: a = 2/3*0.5 = 1/3, b = 1/3*1 = 1/3 on x -> mean 40; on y: 2/3, 1/3 -> 10/3
    assert data["models"]["compromise"]["issues"]["x"]["position"] == pytest.approx(40.0)
    assert data["models"]["compromise"]["issues"]["y-issue"]["position"] == pytest.approx(10 / 3)
    assert data["models"]["median"]["issues"]["x"]["position"] == pytest.approx(10.0)
    assert data["models"]["median"]["issues"]["y-issue"]["position"] == pytest.approx(2.0)


def test_default_runs_every_model_and_table_lists_them(mini: Path) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert list(json.loads(res.stdout)["models"]) == list(MODEL_NAMES)
    table = runner.invoke(app, ["forecast", str(mini)])
    assert table.exit_code == 0
    for name in MODEL_NAMES:
        assert name in table.stdout


def test_output_file(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "fc.json"
    res = runner.invoke(app, ["forecast", str(mini), "-f", "json", "-o", str(out)])
    assert res.exit_code == 0
    assert res.stdout == ""
    assert "models" in json.loads(out.read_text())


def test_unknown_model_is_exit_2(mini: Path) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "-m", "nope"])
    assert res.exit_code == 2
    assert "unknown model 'nope'" in res.output


def test_validate_show(mini: Path) -> None:
    res = runner.invoke(app, ["validate", str(mini)])
    assert res.exit_code == 0 and "valid" in res.stdout
    res = runner.invoke(app, ["show", str(mini)])
    assert res.exit_code == 0 and "Positions" in res.stdout
    res = runner.invoke(app, ["show", str(mini), "-f", "json"])
    assert json.loads(res.stdout)["actors"][0]["id"] == "a"


def test_scenarios_lists_builtins() -> None:
    res = runner.invoke(app, ["scenarios", "--format", "json"])
    assert res.exit_code == 0
    names = [r["name"] for r in json.loads(res.stdout)["scenarios"]]
    assert names == builtin_names()


def test_param_option_reaches_the_model(mini: Path) -> None:
    base = runner.invoke(app, ["forecast", str(mini), "-f", "json", "-m", "expected-utility"])
    other = runner.invoke(
        app,
        ["forecast", str(mini), "-f", "json", "-m", "expected-utility",
         "-p", "expected-utility.preset=masad2014"],
    )
    assert base.exit_code == 0 and other.exit_code == 0, other.output
    params = json.loads(other.stdout)["models"]["expected-utility"]["params"]
    assert params["prob"] == "net"  # the masad2014 preset's probability rule


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("foo", "expected MODEL.KEY=VALUE"),
        ("median.x=1", "not among the models run"),
        ("expected-utility.nosuch=1", "unknown parameter 'nosuch'"),
    ],
)
def test_bad_param_is_exit_2(mini: Path, param: str, message: str) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "-m", "expected-utility", "-p", param])
    assert res.exit_code == 2
    assert message in res.output


def test_forecast_json_has_an_interval_around_each_position(mini: Path) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "-f", "json", "--interval", "0.8"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    scales = {"x": (0, 100), "y-issue": (1, 7)}
    for name, model in data["models"].items():
        for iid, f in model["issues"].items():
            lo, hi = f["interval"]
            assert scales[iid][0] <= lo <= f["position"] <= hi <= scales[iid][1], (name, iid)


def test_wider_level_gives_wider_intervals(mini: Path) -> None:
    def width(level: str) -> float:
        res = runner.invoke(app, ["forecast", str(mini), "-f", "json", "--interval", level,
                                  "-m", "compromise"])
        f = json.loads(res.stdout)["models"]["compromise"]["issues"]["x"]
        return f["interval"][1] - f["interval"][0]

    assert width("0.5") <= width("0.8") <= width("0.95")


def test_interval_zero_turns_intervals_off_and_bad_levels_are_errors(mini: Path) -> None:
    res = runner.invoke(app, ["forecast", str(mini), "-f", "json", "--interval", "0"])
    assert "interval" not in json.loads(res.stdout)["models"]["compromise"]["issues"]["x"]
    res = runner.invoke(app, ["forecast", str(mini), "--interval", "1.2"])
    assert res.exit_code == 2 and "interval level" in res.output


def test_decide_csv_forecasts_get_intervals() -> None:
    csv = Path(__file__).resolve().parents[1] / "fixtures" / "decide" / "quirks.csv"
    res = runner.invoke(app, ["forecast", str(csv), "-f", "json", "-m", "compromise"])
    assert res.exit_code == 0, res.output
    issues = json.loads(res.stdout)["models"]["compromise"]["issues"]
    assert issues and all(len(f["interval"]) == 2 for f in issues.values())
