"""Tests of ``parley outcomes`` through the CLI runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.loader import builtin_names
from tests.conftest import REFERENCE

runner = CliRunner()
KEYS = {"id", "name", "probability", "acceptable_to", "blocked_by", "surplus"}


def test_json_contract_ukraine() -> None:
    res = runner.invoke(app, ["outcomes", "--format", "json", "--draws", "300", "--seed", "4"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["scenario"] == "ukraine-2025"
    assert {"outcomes", "zopa", "solutions"} <= set(data)
    assert all(set(o) >= KEYS for o in data["outcomes"])
    total = sum(o["probability"] for o in data["outcomes"]) + data["no_agreement"]
    assert total == pytest.approx(1.0)
    assert data["model"]["seed"] == 4 and data["model"]["draws"] == 300
    sol = data["solutions"]
    assert sol["actors"] == ["usa", "russia", "ukraine", "europe"]
    assert sol["nash"] is not None  # a zone of (partial) agreement exists
    again = runner.invoke(app, ["outcomes", "--format", "json", "--draws", "300", "--seed", "4"])
    assert again.stdout == res.stdout


@pytest.mark.parametrize("name", builtin_names())
def test_runs_on_every_builtin(name: str) -> None:
    res = runner.invoke(app, ["outcomes", name, "-f", "json", "--draws", "100",
                              "--no-solutions"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert sum(o["probability"] for o in data["outcomes"]) <= 1 + 1e-9
    table = runner.invoke(app, ["outcomes", name, "--draws", "50", "--no-solutions"])
    assert table.exit_code == 0, table.output


def test_decide_csv_without_packages() -> None:
    path = REFERENCE / "exchange_sample_data.txt"
    res = runner.invoke(app, ["outcomes", str(path), "-f", "json", "--draws", "50",
                              "--loss", "quadratic"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    named = [o["id"] for o in data["outcomes"] if not o["generated"]]
    assert named == ["compromise", "median"]
    assert all(o["id"].split(":")[0] in ("space", "solution") for o in data["outcomes"]
               if o["generated"])
    assert any("names no packages" in n for n in data["notes"])


def test_bad_options() -> None:
    res = runner.invoke(app, ["outcomes", "--loss", "cubic"])
    assert res.exit_code == 2 and "loss" in res.stderr
    res = runner.invoke(app, ["outcomes", "--draws", "-3"])
    assert res.exit_code == 2


def test_why_breaks_the_surplus_down_by_issue() -> None:
    import json as _json

    from typer.testing import CliRunner as _Runner

    from parley.cli.app import app as _app

    res = _Runner().invoke(_app, ["outcomes", "--why", "--draws", "0", "--no-solutions",
                                  "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = _json.loads(res.stdout)["outcomes"]
    assert any(r.get("why") for r in rows)
    for r in rows:
        for actor, w in (r.get("why") or {}).items():
            assert actor in r["parties"]
            assert abs(sum(w["by_issue"].values()) - r["surplus"][actor]) < 1e-9
            assert (actor in r["red_lines_crossed"]) == bool(w["red_lines_crossed"])
    table = _Runner().invoke(_app, ["outcomes", "--why", "--draws", "0", "--no-solutions"])
    assert "Why: " in table.stdout and "red lines crossed" in table.stdout


def test_the_model_before_the_fit_can_be_asked_for() -> None:
    """--precision 10 --consent-bias 0 --no-proposal 0 is the hand-set model: the same numbers
    as the Python API at those parameters, and not the fitted defaults' numbers."""
    from parley.odds import outcomes
    from parley.scenario.loader import load_scenario

    args = ["outcomes", "-f", "json", "--draws", "50", "--no-solutions"]
    old = ["--precision", "10", "--consent-bias", "0", "--no-proposal", "0"]
    res = runner.invoke(app, [*args, *old])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["model"]["consent_bias"] == 0 and data["model"]["no_proposal"] == 0
    r = outcomes(load_scenario("ukraine-2025").scenario, draws=50, precision=10.0,
                 consent_bias=0.0, no_proposal=0.0, generated=True)
    got = {o["id"]: o["probability"] for o in data["outcomes"]}
    assert got == pytest.approx(dict(zip(r.candidates.ids, r.probability.tolist(), strict=True)))
    assert data["no_agreement"] == pytest.approx(r.no_agreement)
    fitted = json.loads(runner.invoke(app, args).stdout)
    assert fitted["no_agreement"] != pytest.approx(data["no_agreement"], abs=0.01)
