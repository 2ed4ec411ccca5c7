"""``parley sensitivity``: which uncertain inputs drive each forecast and outcome probability."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
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
)


@cli_errors
def sensitivity(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    method: Annotated[str, typer.Option("--method", help="morris (default) or sobol.")] = "morris",
    samples: Annotated[
        int | None, typer.Option("--samples", "-n", help="Morris trajectories (default 20) or "
                                 "Sobol base sample, a power of 2 (default 256).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the design.")] = 0,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to analyse (repeatable; default: the models "
                     "that run on all points at once)."),
    ] = None,
    dist: Annotated[
        str, typer.Option("--dist", help="Distribution of inputs whose estimate names none.")
    ] = "uniform",
    top: Annotated[int, typer.Option("--top", min=1, help="Inputs listed per output.")] = 5,
    spread: Annotated[
        float, typer.Option("--spread", help="Give every number without a range one: ± this "
                            "fraction of the scale (x (1 ± it) for capabilities).")
    ] = 0.0,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Rank the uncertain inputs by how much they move each forecast and outcome probability."""
    from parley.forecast import resolve
    from parley.scenario.arrays import to_arrays
    from parley.simulation.sensitivity import sensitivity as run

    loaded = resolve(scenario)
    data = run(to_arrays(loaded.scenario), scenario=loaded.name, method=method,
               samples=samples, seed=seed, models=model, distribution=dist, top=top,
               spread=spread)
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    emit(render(data), output)


def render(data: dict[str, Any]) -> list[Any]:
    """One ranked table per output."""
    key, conf = ("mu_star", "mu_star_conf") if data["method"] == "morris" else ("ST", "ST_conf")
    out: list[Any] = [
        f"Sensitivity ({data['method']}, {data['evaluations']} evaluations, seed {data['seed']}) "
        f"of {escape(str(data['scenario']))}"
    ]
    for o in data["outputs"]:
        t = Table(title=escape(o["output"]), title_justify="left")
        t.add_column("input")
        t.add_column(key, justify="right")
        t.add_column(f"± {conf}", justify="right")
        t.add_column("tornado low-high", justify="right")
        bars = {b["input"]: b for b in data["tornado"][o["output"]]["bars"]}
        for r in o["ranking"]:
            b = bars.get(r["input"])
            swing = "" if b is None else f"{b['low']:.3g}-{b['high']:.3g}"
            v, c = r[key], r[conf]
            t.add_row(escape(r["input"]), "" if v is None else f"{v:.3g}",
                      "" if c is None else f"{c:.2g}", swing)
        out.append(t)
    out.extend(escape(n) for n in data["notes"])
    return out
