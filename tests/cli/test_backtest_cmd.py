"""Tests of ``parley backtest`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from tests.backtest.conftest import TOY, TOY_OUTCOME, write_case

runner = CliRunner()


def _dir(tmp_path: Path) -> Path:
    write_case(tmp_path, "toy", TOY, TOY_OUTCOME)
    write_case(tmp_path, "bad", TOY, {"source": "s", "issues": {"x": {"outcome": "lots"}}})
    return tmp_path


def test_json_output_is_clean_and_complete(tmp_path: Path) -> None:
    res = runner.invoke(app, ["backtest", str(_dir(tmp_path)), "-m", "median", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["models"]["median"]["mae"] == 50.0
    assert data["cases"]["toy"]["median"]["x"] == {
        "forecast": 10.0,
        "outcome": 5.0,
        "error": 50.0,
        "error_raw": 5.0,
    }
    assert data["failures"][0]["case"] == "bad"
    # the malformed outcome file is named, with its field, on stderr
    assert "bad.outcome.json: issues.x.outcome" in res.stderr


def test_table_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    res = runner.invoke(app, ["backtest", str(_dir(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "compromise" in text and "25.0" in text
    assert "1 issue(s) without a recorded outcome skipped" in text


def test_errors_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["backtest", str(tmp_path)])
    assert res.exit_code == 2 and "no cases" in res.stderr
    res = runner.invoke(app, ["backtest", str(_dir(tmp_path)), "-m", "nope"])
    assert res.exit_code == 2 and "unknown model" in res.stderr


def _two_cases(tmp_path: Path) -> Path:
    write_case(tmp_path, "toy", TOY, TOY_OUTCOME)
    write_case(tmp_path, "toy2", TOY, TOY_OUTCOME)
    return tmp_path


def test_json_reports_held_out_coverage_and_width(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["backtest", str(_two_cases(tmp_path)), "-m", "compromise", "-f", "json",
              "--interval", "0.5"]
    )
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["models"]["compromise"]
    # each case is calibrated on the other's two errors (25, 25): level 0.5 -> k = ceil(1.5)
    # = 2 -> q = 25 >= every error: coverage 1; widths 50 points (x at 75: [50, 100]) and
    # (y at 75: [50, 100]) -> 50
    assert s["coverage"] == 1.0
    assert s["width"] == 50.0
    assert s["interval"] == 0.5


def test_write_calibration(tmp_path: Path) -> None:
    cal = tmp_path / "out" / "cal.json"
    (tmp_path / "out").mkdir()
    res = runner.invoke(
        app, ["backtest", str(_two_cases(tmp_path)), "-m", "median", "-f", "json",
              "--write-calibration", str(cal)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(cal.read_text(encoding="utf-8"))
    assert data["models"]["median"]["scores"] == [50.0, 50.0, 50.0, 50.0]
    assert "compromise" not in data["models"]


def test_crossval_option_adds_the_folds(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["backtest", str(_two_cases(tmp_path)), "-m", "compromise", "-m", "median",
              "-f", "json", "--crossval", "--crossval-step", "0.5"]
    )
    assert res.exit_code == 0, res.output
    cv = json.loads(res.stdout)["crossval"]
    assert set(cv["folds"]) == {"toy", "toy2"}
    # both cases are identical: compromise (25) beats median (50) on the other case
    assert cv["folds"]["toy"]["weights"] == {"compromise": 1.0, "median": 0.0}
    assert cv["held_out"]["mae"] == pytest.approx(25.0)
