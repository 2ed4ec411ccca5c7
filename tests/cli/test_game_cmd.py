"""Tests of ``parley game`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.analysis.efg import read_efg
from parley.cli.app import app
from parley.scenario.loader import builtin_names

runner = CliRunner()
DECIDE = Path(__file__).parents[1] / "fixtures" / "decide" / "salience_0_100.csv"


def run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["game", *args])
    return res.exit_code, res.stdout, res.stderr


def test_json_contract_ukraine() -> None:
    code, out, _ = run("-f", "json", "--draws", "200", "--seed", "3")
    assert code == 0
    d = json.loads(out)
    assert {"scenario", "spe", "qre"} <= set(d)
    assert d["scenario"] == "ukraine-2025"
    spe, qre = d["spe"], d["qre"]
    assert {"path", "leaf", "package", "strategies", "threats"} <= set(spe)
    assert all({"player", "move"} <= set(s) for s in spe["path"])
    assert {"precision", "leaves", "packages"} <= set(qre)
    assert sum(qre["leaves"].values()) == pytest.approx(1.0)
    assert sum(qre["packages"].values()) == pytest.approx(1.0)
    # qre.packages sums the leaves' probabilities by package
    assert set(d["payoffs"]) == set(qre["leaves"])
    for pkg in qre["packages"]:
        lo, hi = qre["intervals"]["packages"][pkg]
        assert 0 <= lo <= hi <= 1
    for r in d["robustness"]:
        assert set(r) == {"conclusion", "holds_share", "holds_under", "fragile"}
        assert r["fragile"] == (r["holds_share"] < 0.7)
        assert set(r["holds_under"]) == {"precision=5", "precision=10", "precision=20",
                                         "loss=linear", "loss=quadratic"}
    again = run("-f", "json", "--draws", "200", "--seed", "3")[1]
    assert again == out


def test_packages_sum_leaves() -> None:
    from parley.scenario.loader import load_scenario

    game = load_scenario("ukraine-2025").scenario.game
    assert game is not None
    d = json.loads(run("-f", "json", "--draws", "0")[1])
    by_pkg: dict[str, float] = {}
    for lf in game.leaves:
        key = lf.package or "no_agreement"
        by_pkg[key] = by_pkg.get(key, 0.0) + d["qre"]["leaves"][lf.id]
    assert by_pkg == pytest.approx(d["qre"]["packages"])


def test_table_output_marks_fragile() -> None:
    code, out, _ = run("--draws", "200")
    assert code == 0
    assert "subgame-perfect equilibrium path" in out and "Robustness" in out


@pytest.mark.parametrize("name", builtin_names())
def test_runs_on_every_builtin(name: str) -> None:
    code, out, _ = run(name, "-f", "json", "--draws", "50")
    assert code == 0
    d = json.loads(out)
    if d["spe"] is None:
        assert "declares no game" in d["message"]


def test_no_game_says_so_and_exits_0() -> None:
    code, out, _ = run("paris-2015")
    assert code == 0 and "declares no game" in out
    code, out, _ = run(str(DECIDE))
    assert code == 0 and "declares no game" in out


def test_efg_written_and_parsed_back(tmp_path: Path) -> None:
    f = tmp_path / "ukraine.efg"
    code, _, _ = run("--draws", "0", "--efg", str(f))
    assert code == 0
    title, players, root = read_efg(f.read_text())
    assert title == "ukraine-2025"
    assert players == ["usa", "russia", "ukraine", "europe"]
    assert root.name == "us-opens" and root.moves[0] == "keep-talking"

    def leaves(n: object) -> int:
        return 1 if n.kind == "t" else sum(leaves(c) for c in n.children)  # type: ignore[attr-defined]

    assert leaves(root) == 12


def test_efg_parses_with_pygambit(tmp_path: Path) -> None:
    gbt = pytest.importorskip("pygambit")
    f = tmp_path / "u.efg"
    assert run("--draws", "0", "--efg", str(f))[0] == 0
    g = gbt.read_efg(str(f))
    assert [p.label for p in g.players] == ["usa", "russia", "ukraine", "europe"]
    assert len(g.outcomes) == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--without", "nope"], "--without 'nope': no such lever"),
        (["--without", "us-suspends-aid"], "not carried out at any leaf"),
        (["--loss", "cubic"], "unknown loss"),
        (["--efg", "/nonexistent-dir/x.efg"], "directory does not exist"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    code, _, err = run("--draws", "0", *args)
    assert code == 2
    assert message in err


def test_set_changes_the_game() -> None:
    # the US salience of sanctions relief at its old 0.7 makes the threat non-credible
    d = json.loads(run("-f", "json", "--draws", "0", "--set", "usa.sanctions.salience=0.7")[1])
    assert d["spe"]["strategies"]["russia"]["russia-responds"] == "walk-out"
    base = json.loads(run("-f", "json", "--draws", "0")[1])
    assert base["spe"]["strategies"]["russia"]["russia-responds"] == "engage-without-committing"


def test_lever_is_noted_and_bad_set_exits_2() -> None:
    code, out, _ = run("-f", "json", "--draws", "0", "--lever", "usa.us-large-scale-sanctions")
    assert code == 0
    assert any("us-large-scale-sanctions" in n for n in json.loads(out)["notes"])
    code, _, err = run("--draws", "0", "--set", "usa.nope.salience=1")
    assert code == 2 and "nope" in err
