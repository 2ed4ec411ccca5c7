"""``parley simulate``: every model on Monte Carlo draws of the uncertain inputs."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from parley.cli._common import (
    SCENARIO_DEFAULT,
    ConsentBiasOpt,
    FormatOpt,
    NoProposalOpt,
    OutputFormat,
    OutputOpt,
    PrecisionOpt,
    RoundsOpt,
    ScenarioArg,
    cli_errors,
    emit,
    emit_json,
)
from parley.cli._progress import LateProgress
from parley.models.registry import MODEL_NAMES

DistOpt = Annotated[
    str,
    typer.Option(
        "--dist", help="Distribution of inputs whose estimate names none: uniform, triangular "
        "or truncnormal.",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Run on a local Dask cluster of this many workers "
                 "(needs pip install 'parley[dask]')."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on an existing Dask scheduler, e.g. tcp://host:8786."),
]


@cli_errors
def simulate(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, help="Monte Carlo draws.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws.")] = 0,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help=f"Model to run (repeatable; default all: "
                     f"{', '.join(MODEL_NAMES)})."),
    ] = None,
    rounds: RoundsOpt = None,
    dist: DistOpt = "uniform",
    spread: Annotated[
        float, typer.Option("--spread", help="Give every number without a range one: ± this "
                            "fraction of the scale (x (1 ± it) for capabilities).")
    ] = 0.0,
    space_draws: Annotated[
        int | None, typer.Option("--space-draws", min=0, help="Cap on the draws on which the "
                                 "zone of agreement is decided (default: every draw; 0: skip).")
    ] = None,
    chunk: Annotated[
        int | None, typer.Option("--chunk", min=1, help="Draws per chunk of work (default: "
                                 "by the scenario's size). Changes no number.")
    ] = None,
    precision: PrecisionOpt = None,
    consent_bias: ConsentBiasOpt = None,
    no_proposal: NoProposalOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Forecast distributions, outcome odds and agreement-space shares over random draws of
    every uncertain input."""
    from parley.forecast import resolve
    from parley.scenario.arrays import to_arrays
    from parley.simulation.monte_carlo import simulate as run

    loaded = resolve(scenario)
    from parley.simulation.sampling import with_spread

    arrays = to_arrays(loaded.scenario)
    spread_arrays = with_spread(arrays, spread)
    with LateProgress("simulating") as step:
        result = run(
            spread_arrays, draws, seed, scenario=loaded.name, models=model, rounds=rounds,
            distribution=dist, space_draws=space_draws, chunk_draws=chunk, workers=workers,
            precision=precision, consent_bias=consent_bias, no_proposal=no_proposal,
            scheduler=scheduler, progress=step,
        )
    data = result.to_dict()
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    emit(render(data, dict(zip(arrays.issues, arrays.issue_titles, strict=True))), output)


def render(data: dict[str, Any], titles: dict[str, str]) -> list[Any]:
    """Tables of a simulation's JSON: forecasts per model, outcomes, agreement space."""
    out: list[Any] = []
    name = escape(str(data['scenario']))
    head = f"Simulation: {name}, {data['draws']} draws (seed {data['seed']})"
    for name, res in data["models"].items():
        t = Table(title=f"{head}: {escape(name)}", title_justify="left")
        for col in ("issue", "mean", "median", "5%", "95%"):
            t.add_column(col, justify="left" if col == "issue" else "right", no_wrap=True)
        for iid, s in res["issues"].items():
            t.add_row(escape(titles.get(iid, iid)), *(f"{s[k]:.3g}" for k in
                                                      ("mean", "median", "p05", "p95")))
        out.append(t)
        head = "Simulation"
    t = Table(title="Outcome probabilities (5-95% over draws)", title_justify="left")
    for col in ("outcome", "probability", "5%", "95%"):
        t.add_column(col, justify="left" if col == "outcome" else "right")
    for o in data["outcomes"]:
        t.add_row(escape(o["id"]), f"{o['probability']:.1%}", f"{o['ci_low']:.1%}",
                  f"{o['ci_high']:.1%}")
    out.append(t)
    sp = data["space"]
    if sp["zone"] is not None:
        out.append(f"zone of agreement among the veto players in {sp['zone']:.1%} of "
                   f"{sp['zone_draws']} draws")
    for c in sp["collisions"]:
        out.append(f"red lines collide on {escape(c['issue'])} ({escape(' / '.join(c['actors']))})"
                   f" in {c['share']:.1%} of draws")
    out.extend(escape(n) for n in data["notes"])
    return out
