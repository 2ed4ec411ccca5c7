"""In a real browser against a real ``parley serve``: import a file, edit a salience, run a
forecast, see the chart change; restart the server and everything is still there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.browser import CHROMIUM, launch
from tests.web.loadgen import SMALL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)"),
]

SCENARIO = SMALL.replace("Load test talks", "Browser test talks")


def _forecast_line(page, model: str) -> float:
    fig = json.loads(page.locator("script#fig-border").text_content())
    line = next(t for t in fig["data"] if t["name"].startswith(model + ":"))
    return float(line["x"][0])


def _run_forecast(page) -> None:
    page.click("#run-forecast")
    page.wait_for_selector("#run-done", timeout=60_000)
    page.wait_for_selector("div.chart[data-drawn]")


def test_import_edit_run_see_the_chart_change_and_restart(
    tmp_path: Path, server_factory
) -> None:
    from playwright.sync_api import sync_playwright

    src = tmp_path / "talks.yaml"
    src.write_text(SCENARIO)
    db = tmp_path / "web.db"
    server = server_factory(db)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/")
        page.set_input_files("#import-file", str(src))
        page.click("#import-form button[type=submit]")
        page.wait_for_url("**/scenarios/*")
        assert page.locator("h1").text_content() == "Browser test talks"
        scenario_url = page.url

        _run_forecast(page)
        before = _forecast_line(page, "compromise")
        # compromise = capability x salience weighted mean: (3*.9*0 + 1*.9*100) / (3*.9 + .9)
        assert before == pytest.approx(25.0)
        # the chart is drawn: plotly put an SVG in it
        assert page.locator("div.chart .main-svg").count() > 0

        page.goto(scenario_url + "/edit")
        field = page.locator('input[name="s0_0_salience"]')  # North on the border
        field.fill("5")
        assert "between 0 and 1" in page.locator("td:has(input[name=s0_0_salience])").inner_text()
        field.fill("0.3")
        page.click("#save")
        page.wait_for_selector("p.ok")
        _run_forecast(page)
        after = _forecast_line(page, "compromise")
        # North cares less: (3*.3*0 + 1*.9*100) / (3*.3 + .9) = 50
        assert after == pytest.approx(50.0)
        assert after != before
        run_url = page.url
        assert errors == []
        browser.close()

    server.stop()
    server2 = server_factory(db)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(server2.url + "/")
        assert page.locator("#scenario-list").inner_text().count("Browser test talks") == 1
        page.goto(server2.url + scenario_url.split(server.url, 1)[1])
        assert page.locator("#runs tbody tr").count() == 2
        assert page.locator("#runs").inner_text().count("done") == 2
        page.goto(server2.url + run_url.split(server.url, 1)[1])
        page.wait_for_selector("div.chart[data-drawn]")
        assert _forecast_line(page, "compromise") == pytest.approx(50.0)
        browser.close()
