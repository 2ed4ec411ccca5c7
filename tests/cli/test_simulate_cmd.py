"""Tests of ``parley simulate`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names

runner = CliRunner()
DECIDE = sorted((Path(__file__).parents[1] / "fixtures" / "decide").glob("*.[ct]sv"))
FAST = ["-m", "compromise", "-m", "median"]


@pytest.mark.parametrize("name", [*builtin_names(), *map(str, DECIDE)])
def test_runs_on_every_builtin_and_decide_data(name: str) -> None:
    res = runner.invoke(app, ["simulate", name, "-f", "json", "--draws", "40", "--seed", "2",
                              "--space-draws", "5", *FAST])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["draws"] == 40 and data["seed"] == 2
    assert set(data["models"]) == {"compromise", "median"}
    assert sum(o["probability"] for o in data["outcomes"]) == pytest.approx(1.0)


def test_table_and_same_seed_same_output() -> None:
    args = ["simulate", "--draws", "300", "--space-draws", "10", "-m", "compromise"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Outcome probabilities" in res.stdout and "Status of Crimea" in res.stdout
    a = runner.invoke(app, [*args, "-f", "json"]).stdout
    assert a == runner.invoke(app, [*args, "-f", "json", "--chunk", "250"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--dist", "beta"], "distribution"), (["--model", "nope"], "unknown model"),
     (["--draws", "0"], "draws")],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["simulate", *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_spread_gives_decide_data_a_spread() -> None:
    base = ["simulate", str(DECIDE[0]), "-f", "json", "--draws", "50", "-m", "compromise",
            "--space-draws", "0"]
    flat = json.loads(runner.invoke(app, base).stdout)["models"]["compromise"]["issues"]
    wide = json.loads(runner.invoke(app, [*base, "--spread", "0.1"]).stdout)
    assert all(s["p05"] == s["p95"] for s in flat.values())
    assert any(s["p05"] < s["p95"] for s in wide["models"]["compromise"]["issues"].values())
