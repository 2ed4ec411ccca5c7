"""Playwright with Debian's chromium (``/usr/bin/chromium``), shared by the browser tests and
``scripts/screenshots.py``. Playwright's own browser download is not used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Any) -> Any:
    """A headless chromium browser."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
