"""Tests of ``parley space`` through the CLI runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names
from tests.conftest import REFERENCE

runner = CliRunner()


@pytest.mark.parametrize("name", builtin_names())
def test_runs_on_every_builtin(name: str) -> None:
    res = runner.invoke(app, ["space", name, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["scenario"] == name
    assert data["groups"][0]["group"] == "veto players"
    for g in data["groups"]:
        assert {"zone", "settlement", "collisions", "smallest_concession", "issues"} <= set(g)
    table = runner.invoke(app, ["space", name])
    assert table.exit_code == 0, table.output
    assert "zone of agreement" in table.stdout


def test_decide_csv_and_quadratic() -> None:
    path = REFERENCE / "exchange_sample_data.txt"
    res = runner.invoke(app, ["space", str(path), "--format", "json", "--loss", "quadratic"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["loss"] == "quadratic" and data["veto_players"]


def test_default_is_ukraine_and_channels_are_analysed() -> None:
    res = runner.invoke(app, ["space", "--format", "json"])
    data = json.loads(res.stdout)
    assert data["scenario"] == "ukraine-2025"
    groups = {g["group"]: g for g in data["groups"]}
    assert groups["channel witkoff-putin"]["actors"] == ["usa", "russia"]
    # what the US and Russia alone could settle on: a full settlement, no red lines collide
    assert groups["channel witkoff-putin"]["settlement"]["exists"]
    assert not groups["veto players"]["settlement"]["exists"]


def test_bad_loss_is_one_line_error() -> None:
    res = runner.invoke(app, ["space", "ukraine-2025", "--loss", "cubic"])
    assert res.exit_code == 2
    assert "loss" in res.stderr and "Traceback" not in res.output
