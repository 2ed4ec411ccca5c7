"""The ``parley`` command: one Typer app whose commands are loaded when they run.

Each command lives in a module of its own, listed in :data:`COMMANDS` with a one-line summary.
``parley --help`` prints the summaries without importing any command module, and
``parley forecast`` imports the forecast command's module only, so a command pays start-up for
what it uses and nothing else (scipy, for example, is imported by ``space`` and ``outcomes``
only). To add a command: write ``cli/NAME_cmd.py`` with a function, and add one line here.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup

from parley.errors import ParleyError

__all__ = ["COMMANDS", "app", "main"]


class CommandEntry(NamedTuple):
    """Where a command's function lives, and its one-line summary for ``parley --help``."""

    module: str
    function: str
    summary: str


# name -> entry; the order is the order of ``parley --help``
COMMANDS: dict[str, CommandEntry] = {
    "forecast": CommandEntry(
        "parley.cli.forecast_cmd", "forecast", "Every model's forecast for every issue."
    ),
    "space": CommandEntry(
        "parley.cli.space_cmd", "space",
        "Which deals are possible at all: red lines and the zone of agreement.",
    ),
    "outcomes": CommandEntry(
        "parley.cli.outcomes_cmd", "outcomes",
        "Who accepts and who blocks each package, and how likely each outcome is.",
    ),
    "game": CommandEntry(
        "parley.cli.game_cmd", "game",
        "The game of moves: subgame-perfect equilibrium, threats and logit QRE odds.",
    ),
    "compare": CommandEntry(
        "parley.cli.compare_cmd", "compare",
        "A scenario and its what-if variant (--lever, --set) side by side.",
    ),
    "levers": CommandEntry(
        "parley.cli.levers_cmd", "levers",
        "Every lever ranked by its effect, and whether its threat is credible.",
    ),
    "brief": CommandEntry(
        "parley.cli.brief_cmd", "brief",
        "A one-page brief in plain words, built from what is computed.",
    ),
    "report": CommandEntry(
        "parley.cli.report_cmd", "report",
        "One self-contained HTML report (works offline), or the Markdown brief with tables.",
    ),
    "simulate": CommandEntry(
        "parley.cli.simulate_cmd", "simulate",
        "Monte Carlo over every uncertain input: forecast spreads, outcome odds, zone share.",
    ),
    "sensitivity": CommandEntry(
        "parley.cli.sensitivity_cmd", "sensitivity",
        "Which uncertain inputs drive each forecast and outcome probability (Morris, Sobol).",
    ),
    "backtest": CommandEntry(
        "parley.cli.backtest_cmd", "backtest",
        "Accuracy of every model on past negotiations with known outcomes.",
    ),
    "serve": CommandEntry(
        "parley.cli.serve_cmd", "serve",
        "The web app: import, edit and run scenarios in the browser, with history.",
    ),
    "show": CommandEntry("parley.cli.scenario_cmds", "show", "Show a scenario as tables."),
    "validate": CommandEntry("parley.cli.scenario_cmds", "validate", "Check a scenario file."),
    "scenarios": CommandEntry(
        "parley.cli.scenario_cmds", "scenarios", "List the built-in scenarios."
    ),
    "convert": CommandEntry(
        "parley.cli.scenario_cmds", "convert", "Convert a scenario between YAML and Decide CSV."
    ),
}


def load_command(name: str) -> Any:
    """The click command of ``name``, built from its Typer function (imports its module)."""
    entry = COMMANDS[name]
    func = getattr(importlib.import_module(entry.module), entry.function)
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name)(_with_force(func))
    command = typer.main.get_command(single)
    command.name = name
    return command


def _with_force(func: Any) -> Any:
    """``func`` with a ``--force`` flag added when it has ``--output`` and no ``--force`` of its
    own: without the flag an existing output file is never overwritten (``emit_text`` reads
    it from :data:`parley.cli._common.FORCE`)."""
    import functools
    import inspect
    import typing
    from typing import Annotated

    sig = inspect.signature(func)
    if "output" not in sig.parameters or "force" in sig.parameters:
        return func
    from parley.cli._common import FORCE

    @functools.wraps(func)
    def wrapper(*args: Any, force: bool = False, **kwargs: Any) -> Any:
        token = FORCE.set(force)
        try:
            return func(*args, **kwargs)
        finally:
            FORCE.reset(token)

    opt = Annotated[
        bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
    ]
    hints = typing.get_type_hints(func, include_extras=True)  # the modules' string annotations
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()
    ]
    params.append(
        inspect.Parameter("force", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=opt)
    )
    del wrapper.__wrapped__  # type: ignore[attr-defined]
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**hints, "force": opt}
    return wrapper


class _Summary(typer.core.TyperCommand):
    """Stands in for a command in the help listing: its name and summary, nothing imported."""


class LazyGroup(TyperGroup):
    """A Typer group that imports a command's module only when the command is used."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return _Summary(name=cmd_name, help=COMMANDS[cmd_name].summary)
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="parley",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _parley() -> None:
    """Model and forecast multi-party negotiations."""


def main() -> None:
    """Entry point of the console script: never shows a traceback for a user error."""
    try:
        app(standalone_mode=True)
    except ParleyError as exc:  # pragma: no cover - commands catch their own
        from parley.cli._common import plain_text

        print(f"error: {plain_text(exc)}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # pragma: no cover
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - a bug, not a user error
        if os.environ.get("PARLEY_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in parley; run again with PARLEY_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        sys.exit(1)
