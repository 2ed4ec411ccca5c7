"""The ``parley`` command: one Typer app; each command lives in a module of its own."""

from __future__ import annotations

import os
import sys

import typer

from parley.cli import backtest_cmd, forecast_cmd, outcomes_cmd, scenario_cmds, space_cmd
from parley.errors import ParleyError

__all__ = ["app", "main"]

app = typer.Typer(
    name="parley",
    help="Model and forecast multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("forecast")(forecast_cmd.forecast)
app.command("validate")(scenario_cmds.validate)
app.command("show")(scenario_cmds.show)
app.command("scenarios")(scenario_cmds.scenarios)
app.command("convert")(scenario_cmds.convert)
app.command("backtest")(backtest_cmd.backtest)
app.command("space")(space_cmd.space)
app.command("outcomes")(outcomes_cmd.outcomes)


def main() -> None:
    """Entry point of the console script: never shows a traceback for a user error."""
    try:
        app(standalone_mode=True)
    except ParleyError as exc:  # pragma: no cover - commands catch their own
        print(f"error: {exc}", file=sys.stderr)
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
