"""``parley report``: one self-contained HTML file (works offline), or the brief in Markdown."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from typing import Annotated

import typer

from parley.cli._common import (
    SCENARIO_DEFAULT,
    ConsentBiasOpt,
    DrawsOpt,
    LeverOpt,
    LossOpt,
    NoProposalOpt,
    OutputOpt,
    PrecisionOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    cli_errors,
    emit_text,
    stderr,
    variant,
)


class ReportFormat(StrEnum):
    """What ``parley report`` writes."""

    html = "html"
    md = "md"


@cli_errors
def report(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    seed: SeedOpt = 0,
    draws: DrawsOpt = None,
    loss: LossOpt = "linear",
    precision: PrecisionOpt = None,
    consent_bias: ConsentBiasOpt = None,
    no_proposal: NoProposalOpt = None,
    lever: LeverOpt = None,
    set_: SetOpt = None,
    format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="HTML (charts, works offline) or Markdown (md)."),
    ] = ReportFormat.html,
    output: OutputOpt = None,
) -> None:
    """The whole analysis as one report: the brief, the scenario and its sources, a chart per
    issue, the rounds of the dynamic models, the zone of agreement, the outcome odds, the levers
    and the game."""
    from parley.forecast import forecast
    from parley.report.brief import build_brief
    from parley.report.markdown import brief_markdown

    loaded = variant(scenario, lever, set_)
    with stderr.status("computing the report...") if output is not None else nullcontext():
        fc = forecast(loaded, interval=0.8, seed=seed).to_dict()
        data = build_brief(loaded, loss=loss, seed=seed, draws=draws, precision=precision,
                           consent_bias=consent_bias, no_proposal=no_proposal,
                           forecast_data=fc)
        if format is ReportFormat.md:
            text = brief_markdown(data, tables=True)
        else:
            from parley.report.html import report_html

            text = report_html(data, loaded, fc)
    emit_text(text, output)

