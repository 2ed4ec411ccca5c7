"""``parley levers``: ranking and credibility."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parley.cli.app import app

runner = CliRunner()
DECIDE = Path(__file__).parents[1] / "fixtures" / "decide" / "salience_0_100.csv"
KEYS = {"id", "actor", "effect_on_actor", "effect_on_deal", "effects", "credible", "why"}


def _levers(*args: str) -> list[dict]:
    res = runner.invoke(app, ["levers", "-n", "40", "-f", "json", *args])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"levers"}
    return data["levers"]


def test_json_contract_and_ranking() -> None:
    rows = _levers()
    assert len(rows) == 6
    for r in rows:
        assert set(r) >= KEYS
        assert r["effect_on_deal"] == -r["effects"]["no_agreement"]
        assert isinstance(r["credible"], bool)
        assert any(ch.isdigit() for ch in r["why"])  # computed, in figures
    eff = [r["effect_on_actor"] for r in rows]
    assert eff == sorted(eff, reverse=True)


def test_credibility_follows_the_threateners_own_payoff() -> None:
    """At the built-in numbers the US loses by imposing sanctions (its position is to lift
    them); if it wanted sanctions, carrying out the threat would pay and it is credible."""
    by_id = {r["id"]: r for r in _levers()}
    assert by_id["us-large-scale-sanctions"]["credible"] is False
    flipped = {r["id"]: r for r in _levers("--set", "usa.sanctions.position=0")}
    assert flipped["us-large-scale-sanctions"]["credible"] is True
    assert "no worse off" in flipped["us-large-scale-sanctions"]["why"]


def test_no_levers_says_so() -> None:
    res = runner.invoke(app, ["levers", str(DECIDE)])
    assert res.exit_code == 0
    assert "no levers" in res.output
    res = runner.invoke(app, ["levers", str(DECIDE), "-f", "json"])
    assert json.loads(res.stdout) == {"levers": []}


def test_table_runs_on_every_builtin() -> None:
    for name in ("ukraine-2025", "paris-2015", "germany-coalition-2021"):
        res = runner.invoke(app, ["levers", name, "-n", "20"])
        assert res.exit_code == 0, res.output
        assert "credible" in res.output
