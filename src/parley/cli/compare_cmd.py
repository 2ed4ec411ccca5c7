"""``parley compare``: a scenario and its what-if variant side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from parley.analysis.outcomes import (
    DEFAULT_CONSENT_BIAS,
    DEFAULT_DRAWS,
    DEFAULT_NO_PROPOSAL,
    DEFAULT_PRECISION,
)
from parley.cli._common import (
    SCENARIO_DEFAULT,
    ConsentBiasOpt,
    DrawsOpt,
    FormatOpt,
    LeverOpt,
    LossOpt,
    NoProposalOpt,
    OutputFormat,
    OutputOpt,
    PrecisionOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    cli_errors,
    emit,
    emit_json,
    safe_text,
)
from parley.errors import ModelError

_TOL = 5e-4
"""Differences smaller than this are printed as unchanged (tables show 3 decimals)."""


def compare_data(
    scenario: str, lever: list[str] | None, set_: list[str] | None, **options: Any
) -> dict[str, Any]:
    """The JSON of ``parley compare`` (see :func:`parley.compare.compare`)."""
    from parley.compare import compare
    from parley.forecast import resolve

    if not lever and not set_:
        raise ModelError("nothing to compare: give at least one --lever or --set")
    return compare(resolve(scenario), lever or (), set_ or (), **options)


def _mark(d: float) -> str:
    return f"[bold yellow]{d:+.3f}[/]" if abs(d) >= _TOL else "[dim]0[/]"


def _tables(data: dict[str, Any]) -> list[Any]:
    b, v, d = data["baseline"], data["variant"], data["diff"]
    out: list[Any] = [
        f"[bold]Compare: {safe_text(data['scenario'])}[/] - variant: "
        + safe_text(", ".join(v["applied"]))
    ]
    if "forecasts" in b:
        t = Table(title="Forecasts (baseline -> variant)", title_justify="left")
        t.add_column("issue", style="bold")
        models = list(b["forecasts"])
        for m in models:
            t.add_column(m, justify="right")
        for iid in b["forecasts"][models[0]] if models else []:
            cells = []
            for m in models:
                x0, x1 = b["forecasts"][m][iid], v["forecasts"][m][iid]
                same = abs(d["forecasts"][m][iid]) < _TOL
                cells.append(f"{x0:.3g}" if same else f"{x0:.3g} -> [bold yellow]{x1:.3g}[/]")
            t.add_row(safe_text(iid), *cells)
        out.append(t)
    t = Table(title="Outcome probabilities", title_justify="left")
    for col in ("outcome", "baseline", "variant", "change"):
        t.add_column(col, justify="left" if col == "outcome" else "right")
    for k in b["outcomes"]:
        t.add_row(safe_text(k), f"{b['outcomes'][k]:.1%}", f"{v['outcomes'][k]:.1%}",
                  _mark(d["outcomes"][k]))
    out.append(t)
    t = Table(title="Expected utility (probability-weighted, incl. no agreement)",
              title_justify="left")
    for col in ("actor", "baseline", "variant", "change"):
        t.add_column(col, justify="left" if col == "actor" else "right")
    for a in b["expected_utility"]:
        eu0, eu1 = b["expected_utility"][a], v["expected_utility"][a]
        t.add_row(safe_text(a), f"{eu0:+.3f}", f"{eu1:+.3f}", _mark(d["expected_utility"][a]))
    out.append(t)
    if "zone" in b:
        def z(s: dict[str, Any]) -> str:
            ms = s["min_surplus"]
            return ("yes" if s["exists"] else "no") + ("" if ms is None else f" ({ms:+.3f})")
        changed = d["zone"]["exists_changed"]
        out.append(
            f"zone of agreement among {safe_text(', '.join(b['zone']['actors']))} (worst-off "
            f"member's surplus): {z(b['zone'])} -> {z(v['zone'])}"
            + (" [bold yellow]changed[/]" if changed else "")
        )
    if v["levers_in_force"]:
        out.append("threats and promises in force in the variant: "
                   + safe_text(", ".join(v["levers_in_force"])))
    out.append("expected utility: sum over agreements of P x the actor's utility of the package, "
               "plus P(no agreement) x its utility of no deal; only differences are meaningful")
    return out


@cli_errors
def compare(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    lever: LeverOpt = None,
    set_: SetOpt = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Forecasting model to compare (repeatable; "
                     "default all)."),
    ] = None,
    seed: SeedOpt = 0,
    draws: DrawsOpt = DEFAULT_DRAWS,
    loss: LossOpt = "linear",
    precision: PrecisionOpt = DEFAULT_PRECISION,
    consent_bias: ConsentBiasOpt = DEFAULT_CONSENT_BIAS,
    no_proposal: NoProposalOpt = DEFAULT_NO_PROPOSAL,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """The scenario and its variant (--lever, --set) side by side: every model's forecast, the
    zone of agreement, each outcome's probability and each actor's expected utility."""
    data = compare_data(
        scenario, lever, set_, models=model, seed=seed, draws=draws, loss=loss,
        precision=precision, consent_bias=consent_bias, no_proposal=no_proposal,
    )
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    emit(_tables(data), output)
