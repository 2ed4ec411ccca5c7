"""The brief: sentences built from computed figures, for any scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from parley.forecast import resolve
from parley.report.brief import build_brief
from parley.report.markdown import brief_markdown

TOY = """\
title: "Budget [bn EUR] <talks>"
actors:
  - {id: north, name: "North *bloc*", capability: 2}
  - {id: south, name: South, capability: 1}
veto_players: [north, south]
issues:
  - {id: budget, title: "Budget [bn EUR]", points: {0: none, 50: half, 100: all}}
  - {id: rules, title: Rules}
stances:
  north:
    budget: {position: 20, salience: 0.8, red_line: RED, no_deal: 10}
    rules: {position: 30, salience: 0.3, no_deal: 50}
  south:
    budget: {position: 80, salience: 0.6, red_line: 40, no_deal: 90}
    rules: {position: 70, salience: 0.5, no_deal: 50}
packages:
  - {id: middle, name: Middle way, positions: {budget: 45, rules: 50}}
  - {id: stay, name: Nothing moves, positions: {budget: 50, rules: 50}}
"""


def _toy(tmp_path: Path, red: float) -> Path:
    p = tmp_path / f"toy-{red:g}.yaml"
    p.write_text(TOY.replace("RED", f"{red:g}"), encoding="utf-8")
    return p


def _brief(path: Path) -> dict:
    return build_brief(resolve(str(path)), draws=200, seed=1)


def test_sentences_quote_the_computed_figures(tmp_path: Path) -> None:
    b = _brief(_toy(tmp_path, 60))
    text = " ".join(t for part in b["sentences"].values() for t in part)
    for o in b["outcomes"]:  # every outcome's probability is in the odds section
        assert f"{o['name']}: {100 * o['probability']:.0f}%" in text
    budget = next(i for i in b["issues"] if i["id"] == "budget")
    assert f"{budget['median_forecast']:.3g}" in text
    assert budget["label"] in {"none", "half", "all"}
    p_deal = sum(o["probability"] for o in b["outcomes"] if o["agreement"])
    assert f"{100 * p_deal:.0f}%" in " ".join(b["sentences"]["reconciliation"])


def test_the_zone_sentence_follows_the_red_lines(tmp_path: Path) -> None:
    """North's red line at 60 leaves room above South's at 40; at 30 they collide."""
    open_ = _brief(_toy(tmp_path, 60))
    shut = _brief(_toy(tmp_path, 30))
    assert open_["space"]["collisions"] == []
    assert any(c["issue"] == "budget" for c in shut["space"]["collisions"])
    gap = next(c["gap"] for c in shut["space"]["collisions"] if c["issue"] == "budget")
    assert any("do not meet" in t and f"{gap:.3g} apart" in t for t in shut["sentences"]["space"])
    assert not any("do not meet" in t for t in open_["sentences"]["space"])


def test_blocked_packages_say_why(tmp_path: Path) -> None:
    b = _brief(_toy(tmp_path, 30))
    for o in b["outcomes"]:
        for w in o["why_blocked"]:
            assert w["actor"] in o["blocked_by"]
            assert w["reasons"], "a blocker without a reason"
            assert w["surplus"] == pytest.approx(sum(w["by_issue"].values()))


@pytest.mark.parametrize("name", ["toy", "ukraine-2025"])
def test_each_block_and_headline_says_how_far_it_holds(tmp_path: Path, name: str) -> None:
    """A blocked package's sentence quotes the share of draws in which that block holds (and
    says "fragile" exactly when the robustness row does); a fragile likeliest outcome is
    flagged in the reconciliation."""
    b = build_brief(resolve(str(_toy(tmp_path, 30)) if name == "toy" else name),
                    draws=200, seed=3)
    rows = {(r["about"]["kind"], r["about"].get("package")): r
            for r in b["robustness"] if r.get("about")}
    odds = {t.split(":", 1)[0]: t for t in b["sentences"]["outcomes"]}
    checked = 0
    for o in b["outcomes"]:
        r = rows.get(("blocked_by", o["id"]))
        if not o["blocked_by"] or r is None or r["holds_share"] is None:
            continue
        sentence = odds[o["name"]]
        assert f"this block holds in {100 * r['holds_share']:.0f}% of the draws" in sentence
        assert ("(fragile)" in sentence) == r["fragile"]
        checked += 1
    assert checked, "no blocked package was assessed"
    top = max(b["outcomes"], key=lambda o: o["probability"])
    r = rows.get(("likeliest_outcome", top["id"]))
    rec = " ".join(b["sentences"]["reconciliation"])
    assert ("fragile: this holds in" in rec) == bool(r and r["fragile"])


def test_markdown_escapes_user_text_and_cli_formats(tmp_path: Path) -> None:
    p = _toy(tmp_path, 60)
    md = brief_markdown(_brief(p))
    assert md.startswith("# Brief: Budget \\[bn EUR\\] \\<talks>")
    res = CliRunner().invoke(app, ["brief", str(p), "--draws", "100"])
    assert res.exit_code == 0, res.output
    assert "## How likely each outcome is" in res.stdout
    res = CliRunner().invoke(app, ["brief", str(p), "--draws", "100", "-f", "json"])
    data = json.loads(res.stdout)
    assert {"issues", "space", "outcomes", "levers", "game", "robustness", "sentences"} <= set(data)


@pytest.mark.slow
def test_brief_runs_on_decide_csv_and_every_builtin() -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "decide"
    for src in [str(fixtures / "salience_0_100.csv"), "paris-2015", "germany-coalition-2021"]:
        res = CliRunner().invoke(app, ["brief", src, "--draws", "50"])
        assert res.exit_code == 0, (src, res.output)
        assert "## In short" in res.stdout


def test_the_game_keeps_its_own_precision() -> None:
    """The outcome model's precision (--precision) is not the QRE's: the brief's game section
    is the one ``parley game`` gives."""
    from parley.analysis.game_report import DEFAULT_QRE_PRECISION

    b = build_brief(resolve("ukraine-2025"), draws=50, seed=0, precision=7.0)
    assert b["model"]["precision"] == 7.0
    assert b["game"]["qre"]["precision"] == DEFAULT_QRE_PRECISION


def test_the_outcome_model_parameters_reach_the_odds_and_the_levers() -> None:
    """consent_bias and no_proposal (like precision) go to the outcome odds and the levers'
    ranking, and the "model" key echoes all three."""
    from parley.compare import rank_levers
    from parley.odds import outcome_report

    model = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}
    loaded = resolve("ukraine-2025")
    b = build_brief(loaded, draws=30, seed=0, **model)
    assert {k: b["model"][k] for k in model} == model
    odds = outcome_report(loaded.scenario, loaded.name, solutions=False, draws=30, seed=0,
                          **model)
    got = {o["id"]: o["probability"] for o in b["outcomes"]}
    assert got == {o["id"]: o["probability"] for o in odds["outcomes"] if o["id"] in got}
    ranked = {r["id"]: r for r in rank_levers(loaded, draws=30, seed=0, **model)["levers"]}
    assert all(r == ranked[r["id"]] for r in b["levers"])
    fitted = build_brief(loaded, draws=30, seed=0)
    assert fitted["model"]["consent_bias"] != 0.0
    assert [o["probability"] for o in fitted["outcomes"]] != [
        o["probability"] for o in b["outcomes"]
    ]
