"""--precision, --consent-bias and --no-proposal on every command that runs the outcome model.

Each command, given the hand-set model (``--precision 10 --consent-bias 0 --no-proposal 0``),
prints what its core function computes with those values, and something else than with the
fitted defaults: the three options reach the model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.forecast import resolve

runner = CliRunner()
HAND_SET = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}
OPTIONS = ["--precision", "10", "--consent-bias", "0", "--no-proposal", "0"]
SCENARIO = "ukraine-2025"
LEVER = "usa.us-large-scale-sanctions"


def _run(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.stdout


def _compare(**model: Any) -> Any:
    from parley.compare import compare

    return compare(resolve(SCENARIO), [LEVER], (), models=["compromise"], draws=30, seed=0,
                   loss="linear", **model)


def _levers(**model: Any) -> Any:
    from parley.compare import rank_levers

    return rank_levers(resolve(SCENARIO), draws=30, seed=0, **model)


def _brief(**model: Any) -> Any:
    from parley.report.brief import build_brief

    return build_brief(resolve(SCENARIO), draws=30, seed=0, **model)


def _report(**model: Any) -> str:
    from parley.forecast import forecast
    from parley.report.brief import build_brief
    from parley.report.markdown import brief_markdown

    loaded = resolve(SCENARIO)
    fc = forecast(loaded, interval=0.8, seed=0).to_dict()
    return brief_markdown(build_brief(loaded, draws=30, seed=0, forecast_data=fc, **model),
                          tables=True)


def _simulate(**model: Any) -> Any:
    from parley.scenario.arrays import to_arrays
    from parley.simulation.monte_carlo import simulate

    loaded = resolve(SCENARIO)
    return simulate(to_arrays(loaded.scenario), 50, 0, scenario=loaded.name,
                    models=["compromise"], **model).to_dict()


COMMANDS = {
    "compare": (["compare", SCENARIO, "--lever", LEVER, "-m", "compromise", "-n", "30",
                 "-f", "json"], _compare),
    "levers": (["levers", SCENARIO, "-n", "30", "-f", "json"], _levers),
    "brief": (["brief", SCENARIO, "-n", "30", "-f", "json"], _brief),
    "report": (["report", SCENARIO, "-n", "30", "-f", "md"], _report),
    "simulate": (["simulate", SCENARIO, "-n", "50", "-m", "compromise", "-f", "json"],
                 _simulate),
}


def _parse(command: str, text: str) -> Any:
    return text if command == "report" else json.loads(text)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_outcome_model_options_reach_the_model(command: str) -> None:
    args, core = COMMANDS[command]
    given = _parse(command, _run([*args, *OPTIONS]))
    assert given == core(**HAND_SET)
    # the defaults are the fitted parameters, and they give other numbers
    assert _parse(command, _run(args)) == core()
    assert given != core()


def test_the_brief_echoes_the_three_parameters() -> None:
    data = json.loads(_run(["brief", SCENARIO, "-n", "30", "-f", "json", *OPTIONS]))
    assert {k: data["model"][k] for k in HAND_SET} == HAND_SET
    md = _run(["brief", SCENARIO, "-n", "30", *OPTIONS])
    assert "logit precision 10, consent bias 0, no-proposal weight 0" in md


def test_simulate_odds_change_with_the_options() -> None:
    """The outcome odds (not only the text) move: simulate's forecasts do not depend on the
    outcome model, its outcome probabilities do."""
    args, _ = COMMANDS["simulate"]
    hand, fitted = json.loads(_run([*args, *OPTIONS])), json.loads(_run(args))
    assert hand["models"] == fitted["models"]
    assert [o["probability"] for o in hand["outcomes"]] != [
        o["probability"] for o in fitted["outcomes"]
    ]


@pytest.mark.parametrize("command", ["compare", "levers", "brief", "simulate"])
def test_a_non_finite_constant_exits_2(command: str) -> None:
    args, _ = COMMANDS[command]
    res = runner.invoke(app, [*args, "--consent-bias", "nan"])
    assert res.exit_code == 2, res.output
    assert "consent bias must be a finite number" in res.output


def test_game_keeps_its_own_precision_only() -> None:
    res = runner.invoke(app, ["game", SCENARIO, "--consent-bias", "0"])
    assert res.exit_code == 2
