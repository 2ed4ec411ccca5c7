"""The offline HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.app import app
from tests.report.test_brief import _toy

pytest.importorskip("plotly")


def test_report_is_one_offline_file_with_escaped_text(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", str(_toy(tmp_path, 60)), "--draws", "100",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    from plotly.offline import get_plotlyjs

    assert get_plotlyjs() in page  # the library itself is inlined
    ours = page.replace(get_plotlyjs(), "")
    assert "<script src" not in ours and "cdn." not in ours and "<link" not in ours
    assert "Budget [bn EUR] &lt;talks&gt;" in page and "<talks>" not in page
    assert page.count('class="chart"') >= 3  # two issues and the outcome odds
    assert "declares no game" in page and "declares no levers" in page  # left out, with a note


def test_report_markdown_has_the_tables(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(_toy(tmp_path, 60)), "--draws", "100",
                                   "-f", "md"])
    assert res.exit_code == 0, res.output
    assert "### Forecasts by model" in res.stdout and "### Outcomes" in res.stdout


@pytest.mark.slow
def test_report_on_the_builtin_scenario_has_its_levers_and_game(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "--draws", "200", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "The levers that matter most" in page and "Equilibrium strategies" in page
