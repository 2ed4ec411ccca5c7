"""``parley forecast``: every model's forecast for every issue, as a table or JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from parley.cli._common import (
    SCENARIO_DEFAULT,
    FormatOpt,
    LeverOpt,
    OutputFormat,
    OutputOpt,
    RoundsOpt,
    ScenarioArg,
    SetOpt,
    check_counts,
    cli_errors,
    emit,
    emit_json,
    safe_text,
    variant,
)
from parley.errors import ModelError
from parley.forecast import forecast as run_forecast
from parley.models.registry import MODEL_NAMES, get_model
from parley.scenario.labels import nearest_label


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
    rounds: RoundsOpt = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed for any random tie-breaking.")
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
    lever: LeverOpt = None,
    set_: SetOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Forecast where each issue of a scenario lands, by each model, with its interval."""
    check_counts(rounds=rounds)
    names = list(dict.fromkeys(model or MODEL_NAMES))
    for n in names:
        get_model(n)
    params = parse_params(param or [], names)
    loaded = variant(scenario, lever, set_)
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
    table.add_column("model", no_wrap=True)
    table.add_column("forecast", justify="right", no_wrap=True)
    if level is not None:
        table.add_column(f"{level:.0%} interval", justify="right", style="dim", no_wrap=True)
    table.add_column("nearest labelled point of the scale", overflow="fold")
    table.add_column("crosses the red line of", style="red", overflow="fold")
    crossing = False
    fallbacks: dict[tuple[str, str], list[str]] = {}  # (model, what it fell back to) -> issues
    for iid in result.issues:
        sc = issues[iid].scale
        for k, n in enumerate(names):
            f = result.models[n].issues[iid]
            mark = "" if f.converged in (None, True) else "*"
            if f.fallback is not None:
                mark += "°"
                fallbacks.setdefault((n, f.fallback), []).append(iid)
            if f.veto_red_lines_crossed:
                mark += "!"
                crossing = True
            row = [
                f"{safe_text(iid)}\n[dim]{sc.min:g}-{sc.max:g}[/]" if k == 0 else "",
                n,
                _fmt(f.position) + mark,
            ]
            if level is not None:
                row.append("" if f.interval is None else
                           f"{_fmt(f.interval[0])}-{_fmt(f.interval[1])}")
            label = nearest_label(issues[iid].points, f.position)
            row.append("" if label is None else f"~ {safe_text(label)}")
            row.append(safe_text(", ".join(f.veto_red_lines_crossed or [])))
            table.add_row(*row, end_section=k == len(names) - 1)
    notes = []
    if level is not None:
        notes.append(
            f"interval: {level:.0%} predictive interval, split-conformal on the case "
            "library's held-out errors (docs/validation.md)"
        )
    if getattr(loaded, "levers", ()):
        notes.append(
            "threats and promises in force (" + safe_text(", ".join(loaded.levers))
            + ") change the payoffs of refusing and accepting, which the forecasting models do "
            "not use"
        )
    if any(f.converged is False for r in result.models.values() for f in r.issues.values()):
        notes.append("* did not settle within the round limit")
    if crossing:
        notes.append(
            "! crosses the red line of a veto player (whose consent any deal needs): "
            "a deal would not land there unless that red line moves"
        )
    notes.extend(
        f"° {n} on {safe_text(', '.join(ids))}: {safe_text(why)}"
        for (n, why), ids in fallbacks.items()
    )
    for n in names:
        notes.extend(f"{n}: {safe_text(note)}" for note in result.models[n].notes)
    emit([table, *notes], output)
