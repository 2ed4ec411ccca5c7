"""Numeric edge cases (issue 11, part 3): defined, documented results, never NaN or infinity.

Each case is a scenario built in code (:mod:`tests.reliability.edges`) and written to a file;
every command that reads it runs through the CLI runner with ``--format json`` (forecast with
all models, space, outcomes, simulate, game, brief), must exit 0 and print JSON with only finite
numbers, and each model must report the fallback ``docs/reliability.md`` documents for the case.
Inputs that are meaningless (zero or overflowing capability) exit 2 with one clear line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from parley.cli.app import app
from parley.models.compromise import compromise, weight_fallback
from parley.models.registry import MODEL_NAMES, ModelOptions, get_model
from parley.scenario.arrays import to_arrays
from parley.scenario.schema import Scenario
from tests.reliability.edges import base

runner = CliRunner()

COMMANDS = {
    "forecast": ["-r", "20"],
    "space": [],
    "outcomes": ["-n", "10"],
    "simulate": ["-n", "8", "--space-draws", "4", "-r", "10"],
    "game": ["-n", "5"],
    "brief": ["-n", "10"],
}

CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "zero_salience_one_issue": lambda: base(saliences=[[0, 0.5], [0, 0.7], [0, 0.3]]),
    "zero_salience_everywhere": lambda: base(saliences=[[0, 0]] * 3),
    "all_at_one_position": lambda: base(positions=[[40, 40]] * 3, red_lines=False),
    "all_at_one_position_red_lines": lambda: base(positions=[[40, 40]] * 3),
    "one_actor": lambda: base(n=1),
    "ends_of_the_scale": lambda: base(positions=[[0, 100], [100, 0], [0, 0]]),
    "all_at_the_lower_end": lambda: base(positions=[[0, 0]] * 3),
    "tiny_capabilities": lambda: base(capabilities=[1e-300, 2e-300, 3e-300]),
    "tiny_scale": lambda: base(scale=(0.0, 1e-6)),
    "huge_scale": lambda: base(scale=(-1e12, 1e12)),
}


def _nonfinite(x: Any, path: str = "$") -> Iterator[str]:
    """Paths of every NaN or infinite number in a JSON value."""
    if isinstance(x, float) and not math.isfinite(x):
        yield path
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _nonfinite(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _nonfinite(v, f"{path}[{i}]")


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "edge.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _run(path: Path, command: str, *extra: str) -> dict[str, Any]:
    res = runner.invoke(app, [command, str(path), "--format", "json", *COMMANDS[command], *extra])
    assert res.exit_code == 0, (command, res.output)
    data = json.loads(res.stdout)
    bad = list(_nonfinite(data))
    assert not bad, (command, bad[:5])
    return data


# ----------------------------------------------------------------------------- every command


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES))
def test_every_command_gives_finite_json(tmp_path: Path, case: str, command: str) -> None:
    _run(_write(tmp_path, CASES[case]()), command)


# ----------------------------------------------------------------------------- fallbacks


def _forecasts(tmp_path: Path, case: str) -> dict[str, Any]:
    return _run(_write(tmp_path, CASES[case]()), "forecast")["models"]


def test_zero_saliences_on_one_issue_every_model_says_what_it_fell_back_to(
    tmp_path: Path,
) -> None:
    fc = _forecasts(tmp_path, "zero_salience_one_issue")
    expected = {
        "compromise": "capability-weighted mean",
        "median": "capability-weighted median",
        "expected-utility": "capability-weighted median",
        "exchange": "no exchange possible",
        "veto-compromise": "capability-weighted mean",
        "ensemble": "averages members that fell back",
    }
    for model, text in expected.items():
        assert text in fc[model]["issues"]["x"]["fallback"], model
    for model in ("compromise", "median", "expected-utility", "exchange"):
        assert "fallback" not in fc[model]["issues"]["y"], model
    # the exchange model's fallback is the compromise model's: the capability-weighted mean
    assert fc["exchange"]["issues"]["x"]["position"] == pytest.approx(
        fc["compromise"]["issues"]["x"]["position"]
    )
    s = Scenario.model_validate(CASES["zero_salience_one_issue"]())
    a = to_arrays(s)
    cap_mean = float((a.capability[:, 0] * a.position[:, 0]).sum())
    assert fc["compromise"]["issues"]["x"]["position"] == pytest.approx(cap_mean)


def test_zero_saliences_everywhere(tmp_path: Path) -> None:
    fc = _forecasts(tmp_path, "zero_salience_everywhere")
    for model in MODEL_NAMES:
        for issue in ("x", "y"):
            assert "fallback" in fc[model]["issues"][issue], (model, issue)
    path = _write(tmp_path, CASES["zero_salience_everywhere"]())
    space = _run(path, "space")
    # nobody cares about anything: every package is worth its BATNA to everyone, no zone
    assert not space["groups"][0]["zone"]["exists"]
    assert space["groups"][0]["zone"]["min_surplus"] == pytest.approx(0.0, abs=1e-9)


def test_the_table_marks_fallbacks_in_a_footnote(tmp_path: Path) -> None:
    path = _write(tmp_path, CASES["zero_salience_one_issue"]())
    res = runner.invoke(app, ["forecast", str(path), "-r", "5", "-m", "compromise"])
    assert res.exit_code == 0, res.output
    assert "°" in res.stdout
    assert "° compromise on x: all saliences are zero: capability-weighted mean" in res.stdout


def test_one_footnote_per_model_and_fallback_listing_its_issues(tmp_path: Path) -> None:
    path = _write(tmp_path, CASES["zero_salience_everywhere"]())
    res = runner.invoke(app, ["forecast", str(path), "-r", "5", "-m", "compromise"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("° compromise")]
    assert lines == ["° compromise on x, y: all saliences are zero: capability-weighted mean"]


def test_one_actor_gets_its_own_position_from_every_model(tmp_path: Path) -> None:
    data = CASES["one_actor"]()
    fc = _forecasts(tmp_path, "one_actor")
    own = data["stances"]["a0"]
    for model in MODEL_NAMES:
        for issue in ("x", "y"):
            got = fc[model]["issues"][issue]
            assert got["position"] == pytest.approx(own[issue]["position"]), (model, issue)
            assert "fallback" not in got, (model, issue)
    space = _run(_write(tmp_path, data), "space")
    zone = space["groups"][0]["zone"]
    # one actor: the zone is what it prefers to its BATNA; its ideal beats the centre here
    assert zone["exists"] and zone["package"] == pytest.approx(
        {i: own[i]["position"] for i in ("x", "y")}, abs=1e-6
    )


def test_all_at_one_position(tmp_path: Path) -> None:
    fc = _forecasts(tmp_path, "all_at_one_position")
    for model in MODEL_NAMES:
        for issue in ("x", "y"):
            assert fc[model]["issues"][issue]["position"] == pytest.approx(40.0), model
    space = _run(_write(tmp_path, CASES["all_at_one_position"]()), "space")
    # the status quo is where everybody stands: nothing to gain, no zone (surplus 0)
    assert not space["groups"][0]["zone"]["exists"]


def test_positions_at_the_ends_stay_on_the_scale(tmp_path: Path) -> None:
    for case in ("ends_of_the_scale", "all_at_the_lower_end"):
        fc = _forecasts(tmp_path, case)
        for model in MODEL_NAMES:
            for issue in ("x", "y"):
                assert 0.0 <= fc[model]["issues"][issue]["position"] <= 100.0, (case, model)
    fc = _forecasts(tmp_path, "all_at_the_lower_end")
    for model in MODEL_NAMES:
        assert fc[model]["issues"]["x"]["position"] == pytest.approx(0.0, abs=1e-9), model


# ----------------------------------------------------------------------------- capability


@pytest.mark.parametrize(
    ("capabilities", "message"),
    [
        ([0.0, 1.0, 2.0], "capability must be positive"),
        ([1e308, 1.5e308, 1.7e308], "capabilities sum to more than a float can hold"),
    ],
)
def test_meaningless_capabilities_exit_2(
    tmp_path: Path, capabilities: list[float], message: str
) -> None:
    path = _write(tmp_path, base(capabilities=capabilities))
    for command in ("validate", "forecast", "space", "outcomes"):
        res = runner.invoke(app, [command, str(path)])
        assert res.exit_code == 2, (command, res.output)
        assert message in res.output and "Traceback" not in res.output
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_zero_total_capability_in_arrays_falls_back_to_the_plain_mean() -> None:
    """The file format refuses it; arrays built by hand (or a lever's scale 0) can hold it."""
    a = to_arrays(Scenario.model_validate(base()))
    zero = a.with_values(capability=np.zeros_like(a.capability))
    assert (weight_fallback(zero.salience, zero.capability, zero.mask) == 2).all()
    got = compromise(zero.position, zero.salience, zero.capability, zero.mask)
    assert got == pytest.approx(a.position.mean(axis=0))
    for name in MODEL_NAMES:
        res = get_model(name).run(zero, ModelOptions(rounds=5))
        for iid, f in res.issues.items():
            assert math.isfinite(f.position), (name, iid)
            assert f.fallback is not None, (name, iid)
        if name in ("compromise", "median", "expected-utility", "exchange"):
            assert all("unweighted" in f.fallback for f in res.issues.values()), name


# ----------------------------------------------------------------------------- 1,000 actors


@pytest.mark.slow
def test_a_thousand_actors_finish(tmp_path: Path) -> None:
    path = _write(tmp_path, base(n=1000, game=False))
    fc = _run(path, "forecast", "-r", "3")
    assert set(fc["models"]) == set(MODEL_NAMES)
    _run(path, "space")
    _run(path, "outcomes", "-n", "2")
    _run(path, "simulate", "-n", "2", "--space-draws", "1", "-r", "3")
