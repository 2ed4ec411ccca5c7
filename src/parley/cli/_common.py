"""Helpers shared by the CLI commands: output formats, writing output, error exits."""

from __future__ import annotations

import contextvars
import io
import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from parley.errors import ParleyError
from parley.scenario.loader import DEFAULT_SCENARIO, write_atomic

__all__ = [
    "ConsentBiasOpt",
    "DrawsOpt",
    "FormatOpt",
    "LeverOpt",
    "LossOpt",
    "NoProposalOpt",
    "OutputFormat",
    "OutputOpt",
    "PrecisionOpt",
    "RoundsOpt",
    "ScenarioArg",
    "SeedOpt",
    "SetOpt",
    "check_counts",
    "cli_errors",
    "emit",
    "emit_json",
    "emit_text",
    "fail",
    "plain_text",
    "safe_text",
    "stderr",
    "variant",
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


# C0 and C1 control characters (bar tab and newline), DEL, and the invisible format characters
# that reorder or hide text (bidi overrides and isolates, zero-width marks, line separators)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain_text(text: object) -> str:
    """``text`` with control characters shown escaped (ESC -> ``\\x1b``), for plain output.

    Use it for text printed without rich (``typer.echo``, ``print``): ANSI and OSC escape
    sequences in a user's names never reach the terminal, and NULs and bidi overrides are
    visible instead of hidden."""
    return _CONTROL.sub(_escape_control, str(text))


def safe_text(text: object) -> str:
    """User text made safe to print through rich: markup escaped, control characters escaped.

    ``"Budget [bn EUR]"`` prints as written (rich would take ``[bn EUR]`` for a style tag and
    drop it, and ``[/]`` would crash it); ``"\\x1b]0;x\\x07"`` prints as ``\\x1b]0;x\\x07``.
    Apply it to every piece of scenario or user text in a table cell, column header, title or
    message printed through rich, never to markup of your own."""
    from rich.markup import escape

    return escape(plain_text(text))
LeverOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--lever",
        help="Pull a lever of the scenario, as ACTOR.LEVER (repeatable; 'parley levers' "
        "lists them): its unconditional changes apply to the numbers, its threats and "
        "promises to the payoffs of refusing and accepting.",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Set a number: ACTOR.ISSUE.FIELD=VALUE with FIELD one of position, salience, "
        "capability, red_line, no_deal, or ACTOR.capability=VALUE (repeatable).",
    ),
]


RoundsOpt = Annotated[
    int | None,
    typer.Option("--rounds", "-r", min=0, help="Cap on the rounds of dynamic models."),
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", min=0, help="Seed of the Monte Carlo draws.")
]
DrawsOpt = Annotated[
    int | None,
    typer.Option("--draws", "-n", min=0, help="Monte Carlo draws of the uncertain inputs "
                 "(0: point estimates only)."),
]
LossOpt = Annotated[
    str, typer.Option("--loss", help="Distance loss of the utilities: linear or quadratic.")
]
PrecisionOpt = Annotated[
    float | None,
    typer.Option("--precision", min=0.0, help="Logit precision (lambda) of the outcome "
                 "model's consent and proposal choices."),
]
ConsentBiasOpt = Annotated[
    float | None,
    typer.Option("--consent-bias", help="Log-odds of a party's consent at zero surplus "
                 "(alpha; fitted on the case library, docs/validation.md)."),
]
NoProposalOpt = Annotated[
    float | None,
    typer.Option("--no-proposal", help="The agenda setter's log-weight of making no "
                 "proposal (beta; fitted on the case library). --precision 10 "
                 "--consent-bias 0 --no-proposal 0 is the model before the fit."),
]
"""The Monte Carlo, utility and outcome-model options shared by outcomes, compare, levers,
game, brief, report and simulate: one declaration each, so their names, bounds and help agree.
The outcome model's three (``--precision``, ``--consent-bias``, ``--no-proposal``) go to every
command that runs it, not to game (its QRE has its own precision). Each command sets its own
default in its signature."""


def variant(scenario: str, lever: list[str] | None, set_: list[str] | None) -> Any:
    """The scenario with ``--lever`` and ``--set`` applied (:func:`parley.whatif.apply`)."""
    from parley.forecast import resolve
    from parley.whatif import apply

    loaded = resolve(scenario)
    if not lever and not set_:
        return loaded
    return apply(loaded, lever or (), set_ or ())


def fail(message: str, code: int = 2) -> None:
    """Print one error line to stderr and exit; ``message`` is plain text (escaped here)."""
    stderr.print(f"[bold red]error:[/] {safe_text(message)}", highlight=False, soft_wrap=True)
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
        write_atomic(output, text, overwrite=_force())
    except ParleyError as exc:
        fail(str(exc))


FORCE: contextvars.ContextVar[bool] = contextvars.ContextVar("parley_force", default=False)
"""Whether the running command was given ``--force`` (set by ``cli.app`` for every command
with ``--output``)."""


def _force() -> bool:
    return FORCE.get()


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


def check_counts(*, rounds: int | None = None, draws: int | None = None) -> None:
    """Refuse ``--rounds``/``--draws`` above their limits (``PARLEY_MAX_ROUNDS``,
    ``PARLEY_MAX_DRAWS``) at once, with exit 2, before any work or memory is spent on them."""
    from parley.scenario.limits import check_limit

    if rounds is not None:
        check_limit("rounds", rounds, f"--rounds {rounds}")
    if draws is not None:
        check_limit("draws", draws, f"--draws {draws}")


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
