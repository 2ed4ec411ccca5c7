"""``parley forecast``: every model's forecast for every issue, as a table or JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from parley.cli._common import (
    SCENARIO_DEFAULT,
    FormatOpt,
    OutputFormat,
    OutputOpt,
    ScenarioArg,
    cli_errors,
    emit,
    emit_json,
    safe_text,
)
from parley.errors import ModelError
from parley.forecast import forecast as run_forecast
from parley.forecast import resolve
from parley.models.registry import MODEL_NAMES, get_model


def parse_params(items: list[str], models: list[str]) -> dict[str, dict[str, Any]]:
    """``["expected-utility.preset=scholz2016", ...]`` -> ``{"expected-utility": {...}}``.

    Values are read as YAML scalars (numbers, true/false, text)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        name, dot, setting = key.rpartition(".")
        if not sep or not dot or not name or not setting:
            raise ModelError(f"--param {item!r}: expected MODEL.KEY=VALUE")
        if name not in models:
            raise ModelError(
                f"--param {item!r}: model {name!r} is not among the models run "
                f"({', '.join(models)})"
            )
        try:
            parsed = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            parsed = value
        out.setdefault(name, {})[setting] = parsed
    return out


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.0f}"


@cli_errors
def forecast(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help=f"Model to run (repeat for several; default all: "
            f"{', '.join(MODEL_NAMES)})."
        ),
    ] = None,
    rounds: Annotated[
        int | None,
        typer.Option("--rounds", "-r", min=0, help="Cap on the rounds of dynamic models."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for any random tie-breaking.")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Model setting MODEL.KEY=VALUE, e.g. expected-utility.preset=scholz2016 "
            "(repeatable).",
        ),
    ] = None,
    interval: Annotated[
        float,
        typer.Option(
            "--interval",
            help="Nominal coverage of the predictive interval shown with every forecast "
            "(between 0 and 1; 0 for none), calibrated on the case library.",
        ),
    ] = 0.8,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Forecast where each issue of a scenario lands, by each model, with its interval."""
    names = list(dict.fromkeys(model or MODEL_NAMES))
    for n in names:
        get_model(n)
    params = parse_params(param or [], names)
    loaded = resolve(scenario)
    level = None if interval == 0 else interval
    result = run_forecast(
        loaded, names, rounds=rounds, seed=seed, params=params, interval=level
    )
    if format is OutputFormat.json:
        emit_json(result.to_dict(), output)
        return
    issues = {i.id: i for i in loaded.scenario.issues}
    table = Table(title=f"Forecast: {safe_text(loaded.scenario.title)}", title_justify="left")
    table.add_column("issue", style="bold", no_wrap=True)
    table.add_column("scale", justify="right", style="dim", no_wrap=True)
    for n in names:
        table.add_column(n, justify="right", no_wrap=True, min_width=len(n))
    for iid in result.issues:
        sc = issues[iid].scale
        cells = []
        for n in names:
            f = result.models[n].issues[iid]
            mark = "" if f.converged in (None, True) else "*"
            cell = _fmt(f.position) + mark
            if f.interval is not None:
                cell += f" [dim]({f.interval[0]:.3g}-{f.interval[1]:.3g})[/]"
            cells.append(cell)
        table.add_row(safe_text(iid), f"{sc.min:g}-{sc.max:g}", *cells)
    notes = []
    if level is not None:
        notes.append(
            f"(low-high): {level:.0%} predictive interval, split-conformal on the case "
            "library's held-out errors (docs/validation.md)"
        )
    if any(f.converged is False for r in result.models.values() for f in r.issues.values()):
        notes.append("* did not settle within the round limit")
    for n in names:
        notes.extend(f"{n}: {safe_text(note)}" for note in result.models[n].notes)
    emit([table, *notes], output)
