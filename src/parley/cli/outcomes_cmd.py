"""``parley outcomes``: who accepts each package, who blocks it, and how likely each outcome is."""

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
    check_counts,
    cli_errors,
    emit,
    emit_json,
    safe_text,
    variant,
)


def outcomes_data(
    scenario: str,
    lever: list[str] | None = None,
    set_: list[str] | None = None,
    why: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """The JSON of ``parley outcomes`` (see :func:`parley.odds.outcome_report`),
    with ``--lever``/``--set`` applied; ``why`` adds each package's surplus issue by issue and
    the red lines it crosses (:func:`parley.analysis.explain.explain_outcomes`)."""
    from parley.odds import outcome_report

    loaded = variant(scenario, lever, set_)
    levers = getattr(loaded, "levers", ())
    data = outcome_report(loaded.scenario, loaded.name, levers=levers, **options)
    if why:
        from parley.analysis.explain import explain_outcomes
        from parley.scenario.arrays import to_arrays

        explain_outcomes(to_arrays(loaded.scenario), data["outcomes"],
                         options.get("loss", "linear"))
    return data


def _why_tables(data: dict[str, Any]) -> list[Any]:
    """One table per package: each party's surplus by issue, and its red lines crossed."""
    out: list[Any] = []
    for o in data["outcomes"]:
        why = o.get("why") or {}
        if not why:
            continue
        issues = list(o["positions"])
        t = Table(title=f"Why: {safe_text(o['id'])}", title_justify="left")
        t.add_column("party", style="bold")
        t.add_column("surplus", justify="right")
        for i in issues:
            t.add_column(safe_text(i), justify="right")
        t.add_column("red lines crossed", style="red")
        for a, w in why.items():
            crossed = ", ".join(
                f"{r['issue']} by {r['beyond']:.3g} (red line {r['red_line']:g}, package "
                f"{r['position']:g})" for r in w["red_lines_crossed"]
            )
            cells = [f"{w['by_issue'][i]:+.3f}" if i in w["by_issue"] else "" for i in issues]
            t.add_row(safe_text(a), f"{w['surplus']:+.3f}", *cells, safe_text(crossed))
        out.append(t)
    return out


@cli_errors
def outcomes(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    seed: SeedOpt = 0,
    draws: DrawsOpt = DEFAULT_DRAWS,
    loss: LossOpt = "linear",
    precision: PrecisionOpt = DEFAULT_PRECISION,
    consent_bias: ConsentBiasOpt = DEFAULT_CONSENT_BIAS,
    no_proposal: NoProposalOpt = DEFAULT_NO_PROPOSAL,
    no_solutions: Annotated[
        bool, typer.Option("--no-solutions", help="Skip the bargaining solutions.")
    ] = False,
    why: Annotated[
        bool,
        typer.Option("--why", help="Break each party's surplus down by issue and name each "
                     "red line a package crosses, and by how much."),
    ] = False,
    lever: LeverOpt = None,
    set_: SetOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """For each package: who accepts it, who blocks it, each actor's surplus over its BATNA,
    and the probability of each outcome."""
    check_counts(draws=draws)
    data = outcomes_data(
        scenario, lever, set_, loss=loss, seed=seed, draws=draws, precision=precision,
        solutions=not no_solutions, why=why, consent_bias=consent_bias, no_proposal=no_proposal,
    )
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    actors = list(data["outcomes"][0]["surplus"]) if data["outcomes"] else []
    t = Table(title=f"Outcomes: {safe_text(data['scenario'])}", title_justify="left")
    t.add_column("package", style="bold")
    t.add_column("P", justify="right")
    t.add_column("90% interval", justify="right")
    t.add_column("needs", justify="left")
    t.add_column("blocked by", justify="left", style="red")
    for a in actors:
        t.add_column(safe_text(a), justify="right")
    for o in sorted(data["outcomes"], key=lambda o: -o["probability"]):
        cells = []
        for a in actors:
            v = o["surplus"][a]
            mark = "!" if a in o["red_lines_crossed"] else ""
            cells.append(f"{v:+.2f}{mark}")
        label = safe_text(o["id"]) + (" *" if o["generated"] else "")
        if o["same_as"]:
            label += f" (= {safe_text(o['same_as'])})"
        lo, hi = o["interval"]
        t.add_row(
            label, f"{o['probability']:.1%}", f"{lo:.0%}-{hi:.0%}", safe_text(o["forum"]),
            safe_text(", ".join(o["blocked_by"])), *cells,
        )
    lo, hi = data["no_agreement_interval"]
    t.add_row("no agreement", f"{data['no_agreement']:.1%}", f"{lo:.0%}-{hi:.0%}", "", "",
              *[""] * len(actors), style="italic")
    out: list[Any] = [t]
    out.append("surplus = utility over the actor's BATNA (> 0: it can sell the package at home), "
               "in salience x share of the scale: 0.1 is worth moving an issue of salience 0.1 "
               "across its whole scale; ! = crosses one of its red lines; * = generated "
               "(agreement space or bargaining solution); 90% interval over the draws of the "
               "uncertain inputs")
    if why:
        out.extend(_why_tables(data))
    if data.get("robustness"):
        out.append(_robustness_table(data["robustness"]))
    z = data["zopa"]
    out.append(
        f"zone of agreement among the veto players: {'yes' if z['zone']['exists'] else 'no'}; "
        f"comprehensive settlement: {'yes' if z['settlement']['exists'] else 'no'}"
    )
    m = data["model"]
    out.append(
        f"model: agenda setter {safe_text(m['agenda_setter'])}, "
        f"logit precision {m['precision']:g}, consent bias {m['consent_bias']:g}, "
        f"no-proposal weight {m['no_proposal']:g}, "
        f"{m['draws']} draws (seed {m['seed']}), {m['loss']} loss"
    )
    out.extend(safe_text(n) for n in data["notes"])
    emit(out, output)


def _robustness_table(rows: list[dict[str, Any]]) -> Table:
    """The robustness section: each conclusion, the share of draws in which it holds, whether
    it holds under each setting, and FRAGILE where it holds in fewer than 70% of the draws."""
    settings = list(rows[0]["holds_under"]) if rows else []
    t = Table(title="How sure: each conclusion over the draws and under other settings",
              title_justify="left")
    t.add_column("conclusion", style="bold")
    t.add_column("holds in", justify="right")
    for name in settings:
        t.add_column(name, justify="center")
    t.add_column("", style="red")
    for r in rows:
        share = "-" if r["holds_share"] is None else f"{r['holds_share']:.0%}"
        t.add_row(
            safe_text(r["conclusion"]), share,
            *["yes" if r["holds_under"][n] else "no" for n in settings],
            "FRAGILE" if r["fragile"] else "",
        )
    return t
