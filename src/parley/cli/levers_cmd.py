"""``parley levers``: every lever ranked by its effect, and whether it is credible."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from parley.analysis.outcomes import (
    DEFAULT_CONSENT_BIAS,
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
    variant,
)

DEFAULT_LEVER_DRAWS = 1000


def levers_data(
    scenario: str, lever: list[str] | None, set_: list[str] | None, **options: Any
) -> dict[str, Any]:
    """The JSON of ``parley levers`` (see :func:`parley.compare.rank_levers`)."""
    from parley.compare import rank_levers

    return rank_levers(variant(scenario, lever, set_), **options)


@cli_errors
def levers(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    lever: LeverOpt = None,
    set_: SetOpt = None,
    seed: SeedOpt = 0,
    draws: DrawsOpt = DEFAULT_LEVER_DRAWS,
    loss: LossOpt = "linear",
    precision: PrecisionOpt = DEFAULT_PRECISION,
    consent_bias: ConsentBiasOpt = DEFAULT_CONSENT_BIAS,
    no_proposal: NoProposalOpt = DEFAULT_NO_PROPOSAL,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Rank every lever by its effect on its actor's expected utility and on each outcome's
    probability, and say whether it is credible. --lever/--set analyse a variant."""
    data = levers_data(scenario, lever, set_, seed=seed, draws=draws, loss=loss,
                       precision=precision, consent_bias=consent_bias,
                       no_proposal=no_proposal)
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    if not data["levers"]:
        emit(["the scenario has no levers: nothing to rank (levers are declared under "
              "'levers:' in a YAML scenario; see docs/levers.md)"], output)
        return
    t = Table(title="Levers, by their effect on their own actor's expected utility",
              title_justify="left", show_lines=True)
    for col in ("lever", "actor", "kind", "on actor", "P(deal)", "largest effects", "credible"):
        t.add_column(col, justify="right" if col in ("on actor", "P(deal)") else "left")
    for r in data["levers"]:
        top = sorted(r["effects"].items(), key=lambda kv: -abs(kv[1]))[:3]
        eff = ", ".join(f"{safe_text(k)} {v:+.1%}" for k, v in top if abs(v) >= 5e-4) or "none"
        verdict = "[green]yes[/]" if r["credible"] else "[red]no[/]"
        t.add_row(safe_text(r["id"]), safe_text(r["actor"]), r["kind"],
                  f"{r['effect_on_actor']:+.3f}", f"{r['effect_on_deal']:+.1%}", eff,
                  verdict + "\n" + safe_text(r["why"]))
    emit([t, "on actor: change of the actor's expected utility when the lever alone is pulled; "
             "P(deal): change of the probability of any agreement"], output)
