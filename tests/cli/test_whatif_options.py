"""--lever and --set on every command that analyses a scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names, load_scenario

runner = CliRunner()
DECIDE = Path(__file__).parents[1] / "fixtures" / "decide" / "salience_0_100.csv"
SCENARIOS = [*builtin_names(), str(DECIDE)]
FAST = {
    "forecast": ["-m", "compromise"],
    "space": [],
    "outcomes": ["-n", "30", "--no-solutions"],
    "compare": ["-m", "compromise", "-n", "30"],
    "levers": ["-n", "30"],
    "game": ["-n", "20"],
    "brief": [],
}


def _options(name: str) -> list[str]:
    s = load_scenario(name).scenario
    actor, issue = next((a, i) for a, per in s.stances.items() for i in per)
    opts = ["--set", f"{actor}.{issue}.salience=0.5"]
    if s.levers:
        lv = s.levers[-1]
        opts += ["--lever", f"{lv.actor}.{lv.id}"]
    return opts


@pytest.mark.parametrize("command", list(FAST))
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_command_takes_levers_and_sets(command: str, name: str) -> None:
    res = runner.invoke(app, [command, name, *FAST[command], *_options(name), "-f", "json"])
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)


@pytest.mark.parametrize("command", list(FAST))
@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--lever", "usa.no-such-lever"], "no such lever"),
        (["--set", "usa.crimea.salience=2"], "salience must lie between 0 and 1"),
        (["--set", "usa.crimea=2"], "unknown field 'crimea'"),
        (["--set", "nobody.crimea.position=2"], "is not ACTOR.ISSUE"),
        (["--set", "usa.crimea.weight=2"], "unknown field 'weight'"),
        (["--set", "usa.crimea.position=far"], "is not a number"),
    ],
)
def test_bad_levers_and_sets_exit_2(command: str, option: list[str], expected: str) -> None:
    res = runner.invoke(app, [command, "ukraine-2025", *FAST[command], *option])
    assert res.exit_code == 2, res.output
    assert expected in " ".join(res.output.split())


def test_decide_data_has_no_levers_to_pull() -> None:
    res = runner.invoke(app, ["forecast", str(DECIDE), "--lever", "a.x"])
    assert res.exit_code == 2
    assert "levers: none" in res.output


def test_set_moves_the_compromise_forecast_as_hand_computed() -> None:
    """Every actor at position V on an issue: the weighted mean is V."""
    s = load_scenario("ukraine-2025").scenario
    sets = []
    for a, per in s.stances.items():
        if "crimea" in per:
            sets += ["--set", f"{a}.crimea.position=40"]
    res = runner.invoke(app, ["forecast", "-m", "compromise", "-f", "json", *sets])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["models"]["compromise"]["issues"]["crimea"]["position"] == pytest.approx(40)
    base = json.loads(runner.invoke(app, ["forecast", "-m", "compromise", "-f", "json"]).stdout)
    assert base["models"]["compromise"]["issues"]["crimea"]["position"] != pytest.approx(40)
    assert data["models"]["compromise"]["issues"]["nato"] == (
        base["models"]["compromise"]["issues"]["nato"]
    )


def test_threat_in_force_changes_outcomes_but_not_forecasts() -> None:
    lever = ["--lever", "usa.us-large-scale-sanctions"]
    f0 = runner.invoke(app, ["forecast", "-m", "compromise", "-f", "json"]).stdout
    f1 = runner.invoke(app, ["forecast", "-m", "compromise", "-f", "json", *lever]).stdout
    assert f0 == f1
    o = ["outcomes", "-n", "0", "--no-solutions", "-f", "json"]
    o0 = json.loads(runner.invoke(app, o).stdout)
    o1 = json.loads(runner.invoke(app, [*o, *lever]).stdout)
    # generated packages (agreement space, solutions) are recomputed in the variant's world
    s0 = {r["id"]: r["surplus"] for r in o0["outcomes"] if not r["generated"]}
    s1 = {r["id"]: r["surplus"] for r in o1["outcomes"] if not r["generated"]}
    tied = next(lv.packages for lv in load_scenario("ukraine-2025").scenario.levers
                if lv.id == "us-large-scale-sanctions")
    assert tied
    for pid in s0:
        if pid in tied:  # the threat is tied to the ceasefire deals
            assert s1[pid]["russia"] > s0[pid]["russia"]
        else:
            assert s1[pid]["russia"] == pytest.approx(s0[pid]["russia"])
        assert s1[pid]["ukraine"] == pytest.approx(s0[pid]["ukraine"])
        assert s1[pid]["europe"] == pytest.approx(s0[pid]["europe"])
