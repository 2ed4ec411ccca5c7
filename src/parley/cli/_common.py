"""Helpers shared by the CLI commands: output formats, writing output, error exits."""

from __future__ import annotations

import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from parley.errors import ParleyError
from parley.scenario.loader import DEFAULT_SCENARIO, write_atomic

__all__ = [
    "FormatOpt",
    "OutputFormat",
    "OutputOpt",
    "ScenarioArg",
    "cli_errors",
    "emit",
    "emit_json",
    "emit_text",
    "fail",
    "stderr",
]

stderr = Console(stderr=True)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"


ScenarioArg = Annotated[
    str,
    typer.Argument(
        help="A YAML file, a Decide CSV file or the name of a built-in scenario "
        "(see 'parley scenarios').",
        show_default=True,
    ),
]
SCENARIO_DEFAULT = DEFAULT_SCENARIO
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Print a table or JSON.")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the output to this file instead of stdout."),
]


def fail(message: str, code: int = 2) -> None:
    """Print one error line to stderr and exit."""
    stderr.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def emit_json(data: Any, output: Path | None) -> None:
    """Write JSON to stdout (nothing else goes there) or to a file."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    emit_text(text, output)


def emit_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_atomic(output, text)
    except ParleyError as exc:
        fail(str(exc))


def emit(renderables: list[Any], output: Path | None) -> None:
    """Print rich renderables to stdout, or render them as plain text into a file."""
    if output is None:
        # a pipe or file gets the full table, not one cut to rich's default 80 columns
        console = Console() if sys.stdout.isatty() else Console(width=160)
        for r in renderables:
            console.print(r)
        return
    console = Console(record=True, width=120, file=io.StringIO())
    for r in renderables:
        console.print(r)
    emit_text(console.export_text(), output)


def cli_errors(func: Any) -> Any:
    """Decorator for commands: a :class:`ParleyError` becomes one stderr line and exit 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParleyError as exc:
            fail(str(exc))

    return wrapper
