"""Tests of ``parley sensitivity`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names

pytest.importorskip("SALib")
runner = CliRunner()
DECIDE = sorted((Path(__file__).parents[1] / "fixtures" / "decide").glob("*.[ct]sv"))


@pytest.mark.parametrize("name", [*builtin_names(), *map(str, DECIDE)])
def test_runs_on_every_builtin_and_decide_data(name: str) -> None:
    spread = ["--spread", "0.1"] if name.endswith("sv") else []
    res = runner.invoke(app, ["sensitivity", name, "-f", "json", "-n", "2", "--top", "3", *spread])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["method"] == "morris" and data["inputs"]
    kinds = {o["kind"] for o in data["outputs"]}
    assert kinds == {"forecast", "outcome"}
    for o in data["outputs"]:
        assert len(o["ranking"]) <= 3
        assert set(data["tornado"][o["output"]]) == {"base", "bars"}


def test_sobol_table() -> None:
    res = runner.invoke(app, ["sensitivity", "--method", "sobol", "-n", "8", "-m", "compromise"])
    assert res.exit_code == 0, res.output
    assert "ST" in res.stdout and "compromise/territory" in res.stdout


def test_bad_method_exits_2() -> None:
    res = runner.invoke(app, ["sensitivity", "--method", "fast"])
    assert res.exit_code == 2 and "unknown method" in res.output


def test_data_without_ranges_needs_a_spread() -> None:
    res = runner.invoke(app, ["sensitivity", str(DECIDE[0])])
    assert res.exit_code == 2 and "--spread" in res.output
