"""``parley brief``: a one-page narrative of what the analyses say, Markdown or JSON."""

from __future__ import annotations

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
    emit_json,
    emit_text,
    variant,
)


class BriefFormat(StrEnum):
    """How ``parley brief`` prints."""

    md = "md"
    json = "json"


@cli_errors
def brief(
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
        BriefFormat, typer.Option("--format", "-f", help="Markdown (md) or JSON.")
    ] = BriefFormat.md,
    output: OutputOpt = None,
) -> None:
    """A one-page brief in plain words: where each issue would land, which deals are possible
    and who blocks the rest, the odds, the levers and the fragile conclusions."""
    from parley.report.brief import build_brief
    from parley.report.markdown import brief_markdown

    loaded = variant(scenario, lever, set_)
    data = build_brief(loaded, loss=loss, seed=seed, draws=draws, precision=precision,
                       consent_bias=consent_bias, no_proposal=no_proposal)
    if format is BriefFormat.json:
        emit_json(data, output)
        return
    emit_text(brief_markdown(data), output)
