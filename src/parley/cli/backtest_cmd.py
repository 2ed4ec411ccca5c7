"""``parley backtest``: score the models against the recorded outcomes of a case library."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from parley.backtest import BacktestResult, run_backtest
from parley.backtest.conformal import DEFAULT_LEVEL, check_level
from parley.cli._common import (
    FormatOpt,
    OutputFormat,
    OutputOpt,
    RoundsOpt,
    check_counts,
    cli_errors,
    emit,
    emit_json,
    emit_text,
    safe_text,
)
from parley.cli._common import stderr as stderr_console
from parley.models.registry import MODEL_NAMES, get_model


def _num(x: Any, fmt: str = ".1f") -> str:
    return "-" if x is None else format(x, fmt)


@cli_errors
def backtest(
    directory: Annotated[
        Path,
        typer.Argument(help="Directory of cases: NAME.yaml or NAME.csv beside NAME.outcome.json."),
    ],
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help=f"Model to score (repeat for several; default all: {', '.join(MODEL_NAMES)}).",
        ),
    ] = None,
    rounds: RoundsOpt = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed for any randomness.")
    ] = None,
    interval: Annotated[
        float,
        typer.Option(
            "--interval",
            help="Nominal coverage of the conformal intervals whose held-out coverage is "
            "reported (between 0 and 1).",
        ),
    ] = DEFAULT_LEVEL,
    write_calibration: Annotated[
        Path | None,
        typer.Option(
            "--write-calibration",
            help="Also write the interval calibration (every model's scaled errors) to this "
            "JSON file; the shipped one is src/parley/data/calibration.json.",
        ),
    ] = None,
    crossval: Annotated[
        bool,
        typer.Option(
            "--crossval",
            help="Also cross-validate ensemble weights leave-one-case-out (JSON key "
            "'crossval').",
        ),
    ] = False,
    crossval_step: Annotated[
        float,
        typer.Option("--crossval-step", help="Grid step of the ensemble weights (divides 1)."),
    ] = 0.25,
    write_cards: Annotated[
        bool,
        typer.Option(
            "--write-cards",
            help="Also write each case's card NAME.md (sources, coding date, judgements) beside "
            "it.",
        ),
    ] = False,
    detail: Annotated[
        bool, typer.Option("--detail/--no-detail", help="Show every case and issue (table).")
    ] = True,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Score each model's forecasts against the recorded outcomes of past negotiations.

    Errors are on a common 0-100 scale: |forecast - outcome| / (scale width) * 100.
    """
    check_counts(rounds=rounds)
    names = list(dict.fromkeys(model or MODEL_NAMES))
    for n in names:
        get_model(n)
    level = check_level(interval)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr_console,
        transient=True,
    ) as bar:
        task = bar.add_task("backtest", total=None)

        def step(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label)

        result = run_backtest(
            directory, names, rounds=rounds, seed=seed, progress=step, level=level
        )
    for f in result.failures:
        who = f"case {f.case}" if f.model is None else f"case {f.case}, model {f.model}"
        stderr_console.print(
            f"[yellow]warning:[/] {safe_text(who)}: {safe_text(f.error)}",
            highlight=False,
            soft_wrap=True,
        )
    cv = None
    if crossval:
        from parley.backtest.cases import load_cases
        from parley.backtest.crossval import loco_ensemble

        members = [n for n in names if n != "ensemble"] if model else None
        cv = loco_ensemble(load_cases(directory), members, step=crossval_step).to_dict()
    if write_cards:
        from parley.backtest.cards import write_cards as write_case_cards

        written = write_case_cards(directory)
        stderr_console.print(f"wrote {len(written)} case cards in {directory}", highlight=False)
    if write_calibration is not None:
        emit_json(result.calibration(), write_calibration)
    if format is OutputFormat.json:
        data = result.to_dict()
        if cv is not None:
            data["crossval"] = cv
        emit_json(data, output)
        return
    tables = _tables(result, detail)
    if cv is not None:
        tables.append(_crossval_table(cv))
    _emit(tables, output)


def _emit(renderables: list[Any], output: Path | None) -> None:
    """Print to stdout, or render as plain text into ``output`` (via an in-memory console)."""
    if output is None:
        emit(renderables, None)
        return
    console = Console(record=True, width=120, file=io.StringIO())
    for r in renderables:
        console.print(r)
    emit_text(console.export_text(), output)


def _tables(result: BacktestResult, detail: bool) -> list[Any]:
    names = list(result.model_names)
    out: list[Any] = []
    summary = Table(
        title=f"Backtest: {safe_text(result.directory)} "
        "(errors in points of 100; see docs/validation.md)",
        title_justify="left",
    )
    level = next((s["interval"] for s in result.models.values() if "interval" in s), None)
    cov = "coverage" if level is None else f"{level:.0%} coverage"
    cols = ("model", "MAE", "median AE", "within 10", "n", "cases", "vs compromise", cov, "width")
    for col in cols:
        summary.add_column(col, justify="left" if col == "model" else "right")
    for n in names:
        s = result.models[n]
        summary.add_row(
            n,
            _num(s["mae"]),
            _num(s["median_ae"]),
            "-" if s["n"] == 0 else f"{s['within_10']:.0%}",
            str(s["n"]),
            str(s["n_cases"]),
            _num(s["vs_compromise"], ".2f"),
            "-" if s.get("coverage") is None or s["n"] == 0 else f"{s['coverage']:.0%}",
            _num(s.get("width")),
        )
    out.append(summary)
    if detail:
        t = Table(title="Per case and issue: forecast (error)", title_justify="left")
        t.add_column("case", style="bold")
        t.add_column("issue")
        t.add_column("outcome", justify="right")
        for n in names:
            t.add_column(n, justify="right")
        for case, per_model in result.cases.items():
            issues = list(dict.fromkeys(i for pm in per_model.values() for i in pm))
            for iid in issues:
                some = next(pm[iid] for pm in per_model.values() if iid in pm)
                cells = [
                    f"{pm[iid].forecast:.4g} ({pm[iid].error:.1f})" if iid in pm else "fail"
                    for pm in (per_model.get(n, {}) for n in names)
                ]
                t.add_row(safe_text(case), safe_text(iid), f"{some.outcome:.4g}", *cells)
        out.append(t)
    if result.packages:
        p = Table(title="Agreed packages", title_justify="left")
        for col in ("case", "agreed", "Brier", "uniform", "nearest to the forecast of"):
            p.add_column(col)
        for case, info in result.packages.items():
            hits = [n for n in names if result.package_hits.get(n, {}).get(case)]
            p.add_row(
                safe_text(case),
                safe_text(info["agreed"]),
                _num(info.get("brier"), ".3f"),
                _num(info["uniform_brier"], ".3f"),
                safe_text(", ".join(hits) or "-"),
            )
        out.append(p)
        notes = {info["note"] for info in result.packages.values() if "note" in info}
        out.extend(safe_text(n) for n in sorted(notes))
    if result.outcomes and result.outcomes.get("n_cases"):
        out.extend(_odds_table(result.outcomes))
    if result.n_skipped:
        out.append(f"{result.n_skipped} issue(s) without a recorded outcome skipped")
    if result.failures:
        out.append(f"{len(result.failures)} failure(s), listed on stderr")
    return out


def _odds_table(odds: dict[str, Any]) -> list[Any]:
    t = Table(
        title=f"Outcome odds, held out ({odds['n_cases']} cases)",
        title_justify="left",
    )
    for col in ("forecast", "Brier", "log score"):
        t.add_column(col, justify="left" if col == "forecast" else "right")
    t.add_row("outcome model", _num(odds["brier"], ".3f"), _num(odds["log_score"], ".3f"))
    for name, label in (("uniform", "uniform"), ("no_agreement", "no agreement always")):
        b = odds["baselines"][name]
        t.add_row(label, _num(b["brier"], ".3f"), _num(b["log_score"], ".3f"))
    fit = odds["fit"]
    shown = []
    for name in fit.get("parameters", ["precision"]):
        edge = " (grid edge)" if fit.get("boundary", {}).get(name) else ""
        shown.append(f"{name} {fit[name]:g}{edge}")
    note = (
        f"fitted by maximum likelihood on all cases ({fit.get('loss', 'linear')} loss): "
        f"{', '.join(shown)}; Brier: lower is better (0-2); log score: higher is better "
        "(0 is perfect)"
    )
    return [t, safe_text(note)]


def _crossval_table(cv: dict[str, Any]) -> Table:
    t = Table(
        title=f"Ensemble weights cross-validated leave-one-case-out (grid step {cv['step']:g})",
        title_justify="left",
    )
    for col in ("held-out case", "weights", "MAE"):
        t.add_column(col, justify="right" if col == "MAE" else "left")
    for case, fold in cv["folds"].items():
        w = ", ".join(f"{m} {x:g}" for m, x in fold["weights"].items() if x > 0)
        t.add_row(case, w, _num(fold["mae"]))
    h = cv["held_out"]
    t.add_row("all (held out)", "", _num(h["mae"]))
    return t
