"""Size limits of everything parley reads or is asked to compute, and how to raise them.

Every reader and command checks its input against these limits before doing work whose cost
grows with it, so a hostile or mistaken input (a 50 MB file, a billion draws) is refused at once
with a message saying which limit it hit and how to raise it, instead of hanging or exhausting
memory. Each limit is read from an environment variable when it is checked, so
``PARLEY_MAX_ACTORS=20000 parley forecast big.yaml`` raises it for one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from parley.errors import ScenarioError

__all__ = ["LIMITS", "Limit", "LimitError", "check_limit", "limit"]


class LimitError(ScenarioError):
    """An input above one of parley's size limits (a :class:`ScenarioError`, so it can name
    the file, line or field it was found at)."""


@dataclass(frozen=True)
class Limit:
    """One size limit: its name, default, environment variable and what it counts."""

    name: str
    default: int
    env: str
    what: str


LIMITS: dict[str, Limit] = {
    lim.name: lim
    for lim in (
        Limit("file_bytes", 8 * 2**20, "PARLEY_MAX_FILE_BYTES", "bytes in a scenario file"),
        Limit("actors", 5_000, "PARLEY_MAX_ACTORS", "actors"),
        Limit("issues", 1_000, "PARLEY_MAX_ISSUES", "issues"),
        Limit("rounds", 10_000, "PARLEY_MAX_ROUNDS", "rounds"),
        Limit("draws", 1_000_000, "PARLEY_MAX_DRAWS", "Monte Carlo draws"),
        Limit("yaml_depth", 64, "PARLEY_MAX_YAML_DEPTH", "levels of YAML nesting"),
        Limit("yaml_nodes", 1_000_000, "PARLEY_MAX_YAML_NODES",
              "YAML nodes (with aliases expanded)"),
        Limit("line_chars", 65_536, "PARLEY_MAX_LINE_CHARS", "characters on one line"),
    )
}


def limit(name: str) -> int:
    """The current value of limit ``name``: its environment variable if set, else the default."""
    lim = LIMITS[name]
    raw = os.environ.get(lim.env)
    if raw is None or not raw.strip():
        return lim.default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise LimitError(f"{lim.env}={raw!r}: expected a whole number") from None
    if value < 1:
        raise LimitError(f"{lim.env}={raw!r}: expected a number of at least 1")
    return value


def check_limit(
    name: str,
    value: int,
    what: str | None = None,
    *,
    file: str | Path | None = None,
    line: int | None = None,
    field: str | None = None,
) -> None:
    """Raise :class:`LimitError` if ``value`` exceeds limit ``name``; ``what`` names the input
    (e.g. ``"--draws 1000000000"``) in the message."""
    cap = limit(name)
    if value > cap:
        lim = LIMITS[name]
        head = what or f"{value:,} {lim.what}"
        raise LimitError(
            f"{head}: above the limit of {cap:,} {lim.what} (set {lim.env} to raise it)",
            file=file,
            line=line,
            field=field,
        )
