"""Labelled points: the words for a number on an issue's scale."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from parley.cli.app import app
from parley.scenario.labels import describe, nearest_label, nearest_point

POINTS = {0.0: "none", 50.0: "half", 100.0: "all"}


def test_nearest_point_and_ties_go_to_the_lower_point() -> None:
    assert nearest_point(POINTS, 47.7) == 50.0
    assert nearest_point(POINTS, 25.0) == 0.0  # equidistant: the lower one
    assert nearest_point(POINTS, 25.1) == 50.0
    assert nearest_point({}, 3.0) is None
    assert nearest_point(POINTS, float("nan")) is None
    assert nearest_label(POINTS, 99.0) == "all"


def test_describe() -> None:
    assert describe(47.7, POINTS) == "47.7 ~ half"
    assert describe(50.0, POINTS) == "50 = half"
    assert describe(47.7, {}) == "47.7"
    assert describe(47.66, POINTS, number="47.7") == "47.7 ~ half"


def test_forecast_json_gives_the_label_and_veto_red_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "s.yaml"
    p.write_text(
        "title: T\nactors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "veto_players: [a, b]\n"
        "issues: [{id: x, points: {0: \"low [sic]\", 100: high}}]\n"
        "stances: {a: {x: {position: 0, salience: 1, red_line: 30, no_deal: 0}},"
        " b: {x: {position: 100, salience: 1}}}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["forecast", str(p), "-m", "compromise", "-f", "json"])
    assert res.exit_code == 0, res.output
    f = json.loads(res.stdout)["models"]["compromise"]["issues"]["x"]
    assert f["position"] == 50.0
    assert f["label"] == "low [sic]"  # 50 is equidistant: the lower point
    assert f["veto_red_lines_crossed"] == ["a"]  # 50 lies beyond a's red line at 30
    table = CliRunner().invoke(app, ["forecast", str(p), "-m", "compromise"])
    assert "~ low [sic]" in table.stdout and "50!" in table.stdout


def test_no_flag_when_the_forecast_respects_every_red_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "s.yaml"
    p.write_text(
        "title: T\nactors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "veto_players: [a, b]\nissues: [{id: x}]\n"
        "stances: {a: {x: {position: 0, salience: 1, red_line: 60}},"
        " b: {x: {position: 100, salience: 1}}}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["forecast", str(p), "-m", "compromise", "-f", "json"])
    f = json.loads(res.stdout)["models"]["compromise"]["issues"]["x"]
    assert "veto_red_lines_crossed" not in f and "label" not in f
