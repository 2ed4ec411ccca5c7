"""Commands about scenario files: ``validate``, ``show``, ``scenarios``, ``convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
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
    plain_text,
    safe_text,
)
from parley.errors import ScenarioError
from parley.forecast import resolve
from parley.scenario.arrays import to_arrays
from parley.scenario.loader import (
    DECIDE_SUFFIXES,
    builtin_names,
    load_scenario,
    save_scenario,
)
from parley.scenario.yaml_io import scenario_to_dict


@cli_errors
def validate(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML or Decide CSV) to check.")],
) -> None:
    """Check a scenario file; exit 0 if it is valid, 2 with the problem if not."""
    loaded = load_scenario(file)
    s = loaded.scenario
    n_st = sum(len(v) for v in s.stances.values())
    typer.echo(
        f"{plain_text(file)}: valid: {len(s.actors)} actors, {len(s.issues)} issues, "
        f"{n_st} stances, "
        f"{len(s.packages)} packages, {len(s.channels)} channels, {len(s.levers)} levers"
    )


def _num(x: float) -> str:
    return "" if np.isnan(x) else f"{x:.3g}"


@cli_errors
def show(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Show a scenario: actors, issues, and actors x issues tables of its numbers."""
    loaded = resolve(scenario)
    s = loaded.scenario
    if format is OutputFormat.json:
        emit_json({"scenario": loaded.name, **scenario_to_dict(s)}, output)
        return
    arr = to_arrays(s)
    out: list[object] = [f"[bold]{safe_text(s.title)}[/]" + (f" ({s.date})" if s.date else "")]
    if s.description:
        out.append(safe_text(s.description.strip()))
    actors = Table(title="Actors", title_justify="left")
    for col in ("id", "name", "capability", "share"):
        actors.add_column(col, justify="right" if col in ("capability", "share") else "left")
    raw = np.array([a.capability.value for a in s.actors])
    for a, c in zip(s.actors, raw, strict=True):
        actors.add_row(safe_text(a.id), safe_text(a.name), f"{c:g}", f"{c / raw.sum():.1%}")
    out.append(actors)
    issues = Table(title="Issues", title_justify="left")
    for col in ("id", "title", "scale", "labelled points"):
        issues.add_column(col)
    for iss in s.issues:
        pts = "; ".join(f"{p:g}: {safe_text(lab)}" for p, lab in sorted(iss.points.items()))
        issues.add_row(
            safe_text(iss.id), safe_text(iss.title), f"{iss.scale.min:g}-{iss.scale.max:g}", pts
        )
    out.append(issues)
    for label, values in (
        ("Positions", arr.position),
        ("Saliences", arr.salience),
        ("Red lines", arr.red_line),
        ("No-deal points", arr.no_deal),
    ):
        if label in ("Red lines", "No-deal points") and np.isnan(values).all():
            continue
        t = Table(title=label, title_justify="left")
        t.add_column("actor", style="bold")
        for iid in arr.issues:
            t.add_column(safe_text(iid), justify="right")
        for a, aid in enumerate(arr.actors):
            t.add_row(
                safe_text(aid),
                *(
                    _num(values[a, i]) if arr.mask[a, i] else "-"
                    for i in range(arr.n_issues)
                ),
            )
        out.append(t)
    for title, items in (
        ("Packages", [(p.id, p.name) for p in s.packages]),
        ("Channels", [(c.id, f"{c.name}: {', '.join(c.actors)}") for c in s.channels]),
        ("Levers", [(lv.id, f"{lv.name} ({lv.actor})") for lv in s.levers]),
    ):
        if items:
            t = Table(title=title, title_justify="left")
            t.add_column("id")
            t.add_column("")
            for row in items:
                t.add_row(*(safe_text(c) for c in row))
            out.append(t)
    emit(out, output)


def scenarios(format: FormatOpt = OutputFormat.table) -> None:
    """List the built-in scenarios."""
    rows = []
    for name in builtin_names():
        s = load_scenario(name).scenario
        rows.append(
            {
                "name": name,
                "title": s.title,
                "date": None if s.date is None else str(s.date),
                "actors": len(s.actors),
                "issues": len(s.issues),
            }
        )
    if format is OutputFormat.json:
        emit_json({"scenarios": rows}, None)
        return
    t = Table(title="Built-in scenarios", title_justify="left")
    for col in ("name", "title", "date", "actors", "issues"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(safe_text(r[c] if r[c] is not None else "") for c in r))
    emit([t], None)


@cli_errors
def convert(
    source: Annotated[str, typer.Argument(help="Input: YAML, Decide CSV or built-in name.")],
    target: Annotated[Path, typer.Argument(help="Output file: .yaml/.yml or .csv/.txt.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Convert a scenario between YAML and Decide CSV."""
    loaded = load_scenario(source)
    if target.exists() and not force:
        raise ScenarioError("already exists (use --force to overwrite)", file=target)
    if loaded.path is not None and target.resolve() == loaded.path.resolve():
        raise ScenarioError("input and output are the same file", file=target)
    save_scenario(loaded.scenario, target, overwrite=force)
    if target.suffix.lower() in DECIDE_SUFFIXES:
        from parley.cli._common import stderr
        from parley.scenario.decide import decide_losses

        lost = decide_losses(loaded.scenario)
        if lost:
            stderr.print(
                f"[yellow]warning:[/] Decide CSV cannot hold everything; dropped: "
                f"{safe_text('; '.join(lost))}",
                highlight=False,
                soft_wrap=True,
            )
    typer.echo(f"wrote {plain_text(target)}")
