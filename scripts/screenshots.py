"""Screenshots of the web app's main pages into docs/screenshots/ (refresh after UI changes).

    python scripts/screenshots.py

Starts ``parley serve`` on a temporary database and a free loopback port, copies the built-in
scenario ``ukraine-2025``, runs a forecast and the outcomes, and photographs the pages with
Debian's chromium through Playwright (the setup of the browser tests, tests/web/browser.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.browser import launch  # noqa: E402
from tests.web.conftest import Server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        server = Server(Path(d) / "shots.db")
        try:
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.goto(server.url + "/")
                page.screenshot(path=OUT / "start.png")
                page.select_option("#builtin-form select", "ukraine-2025")
                page.click("#builtin-form button")
                page.wait_for_url("**/scenarios/*")
                scenario = page.url
                page.click("#run-forecast")
                page.wait_for_selector("#run-done", timeout=120_000)
                page.wait_for_selector("div.chart[data-drawn]")
                page.screenshot(path=OUT / "forecast.png", full_page=False)
                page.locator("#chart-3").scroll_into_view_if_needed()
                page.locator("#chart-3").screenshot(path=OUT / "forecast-chart.png")
                page.goto(scenario)
                page.click("#run-outcomes")
                page.wait_for_selector("#run-done", timeout=300_000)
                page.wait_for_selector("div.chart[data-drawn]")
                page.screenshot(path=OUT / "outcomes.png", full_page=True)
                page.goto(scenario + "/edit")
                page.locator('input[name="s1_1_salience"]').fill("1.4")
                page.locator("table.issue").nth(1).screenshot(path=OUT / "editor.png")
                page.goto(server.url + "/")
                page.screenshot(path=OUT / "scenarios.png")
                page.goto(scenario)
                page.wait_for_selector("div.chart[data-drawn]")
                page.screenshot(path=OUT / "scenario.png")
                browser.close()
        finally:
            server.stop()
    for f in sorted(OUT.glob("*.png")):
        print(f.relative_to(ROOT))


if __name__ == "__main__":
    main()
