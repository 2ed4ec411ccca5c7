"""Refresh docs/images/report.png: the HTML report of the built-in scenario, as Chromium shows it.

    python scripts/screenshot_report.py          # needs /usr/bin/chromium and parley[report]

Runs ``parley report`` into a temporary file and takes a headless Chromium screenshot of its
first screens (no network: the report is self-contained).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "report.png"
CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "parley", "report", "-o", str(page)], check=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp}/profile", "--window-size=1200,3000",
            "--virtual-time-budget=5000", f"--screenshot={OUT}", page.as_uri(),
        ], check=True, capture_output=True)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
