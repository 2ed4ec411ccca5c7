"""The repository itself: no unresolved merge conflict is ever committed.

A README with conflict markers once landed on main (two sections of a rebase kept side by side
with ``<<<<<<<``/``>>>>>>>`` lines); the docs, the code and the package data are read by users
and by tests, so every tracked text file is checked.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7}|>{7})( |$)|^={7}$", re.MULTILINE)


def _tracked() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.decode().split("\0") if p]


def test_no_tracked_file_holds_merge_conflict_markers() -> None:
    bad = []
    for path in _tracked():
        if path.suffix not in {".py", ".md", ".toml", ".yaml", ".yml", ".json", ".csv", ".txt",
                               ".cfg", ".html", ".j2", ".css", ".js", ""} or not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        m = MARKER.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            bad.append(f"{path.relative_to(ROOT)}:{line}")
    assert not bad, "merge conflict markers in: " + ", ".join(bad)


def test_the_marker_pattern_finds_a_conflict() -> None:
    sample = "a\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> abc123 (msg)\n"
    assert MARKER.search(sample)
    assert not MARKER.search("title\n=====\n`<<<<<<<` inside text\n")
