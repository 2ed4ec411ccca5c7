"""Case cards: a Markdown page per case with its sources, coding date and every judgement.

A card is rendered from the case's two files (the scenario and ``NAME.outcome.json``), so it
never says more than the files do and can be checked against them: the sources with their
outlets and dates, the coding cut-off, each actor's capability, and each stance (position,
salience, red line, no-deal point) with its source and the coder's reasoning, then the
recorded outcome and the reasoning behind it. ``parley backtest DIR --write-cards`` writes
``NAME.md`` beside every case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parley.backtest.cases import NO_AGREEMENT, Case, load_cases
from parley.errors import ParleyError
from parley.scenario.schema import Estimate, Scenario

__all__ = ["CODING_NOTE", "card_path", "case_card", "write_cards"]

CODING_NOTE = (
    "Every number is the coder's. A number with a source was read from that source by the "
    "coder; a number without one, or whose note says so, is the coder's judgement, with the "
    "reasoning given. No quotation here is invented: quoted words come from the sources named "
    "beside them. The outcome was recorded in a separate file and was not used to code the "
    "inputs (the coders knew how the talks ended; see docs/validation.md)."
)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _sentence(text: str | None) -> str:
    """One line ending in a single full stop (or other closing punctuation)."""
    t = _one_line(text).rstrip()
    return t if not t or t[-1] in ".!?" else t + "."


def _est(e: Estimate | None) -> str:
    if e is None:
        return "-"
    out = f"{e.value:g}"
    if e.low is not None or e.high is not None:
        lo, hi = e.bounds()
        out += f" ({lo:g}-{hi:g})"
    return out


def _why(*parts: str | None) -> str:
    return " ".join(_sentence(p) for p in parts if p) or "-"


def _sources(scen: Scenario) -> list[str]:
    lines = ["## Sources", ""]
    if not scen.sources:
        lines.append("None listed in the scenario file.")
    for s in scen.sources:
        key = f"`{s.id}`: " if s.id else ""
        extra = "".join(
            f" {_sentence(v)}" for v in (s.date and f"Dated {s.date}", s.url, s.note) if v
        )
        lines.append(f"- {key}{_sentence(s.title)}{extra}")
    return lines


def _actors(scen: Scenario) -> list[str]:
    lines = ["## Actors and capabilities", ""]
    lines += ["| actor | capability | reasoning |", "|---|---|---|"]
    for a in scen.actors:
        why = _why(a.capability.note, a.notes, a.source and f"Source: {a.source}.")
        lines.append(f"| {a.name} (`{a.id}`) | {_est(a.capability)} | {why} |")
    return lines


def _issues(scen: Scenario) -> list[str]:
    lines = ["## Issues", ""]
    for i in scen.issues:
        pts = "; ".join(f"{k:g} {v}" for k, v in sorted(i.points.items()))
        lines.append(
            f"- `{i.id}` ({i.title}, scale {i.scale.min:g}-{i.scale.max:g}): "
            f"{_one_line(i.description)}" + (f" Points: {pts}." if pts else "")
        )
    return lines


def _stances(scen: Scenario) -> list[str]:
    lines = [
        "## Judgements: positions and saliences",
        "",
        "| actor | issue | position | salience | red line | no deal | source and reasoning |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in scen.actors:
        for i in scen.issues:
            st = scen.stance(a.id, i.id)
            if st is None:
                continue
            why = _why(
                st.source and f"Source: {st.source}.",
                st.note,
                *(e.note for e in (st.position, st.salience, st.red_line, st.no_deal) if e),
            )
            lines.append(
                f"| `{a.id}` | `{i.id}` | {_est(st.position)} | {_est(st.salience)} | "
                f"{_est(st.red_line)} | {_est(st.no_deal)} | {why} |"
            )
    return lines


def _packages(scen: Scenario) -> list[str]:
    lines = ["## Candidate packages", ""]
    if not scen.packages:
        lines.append("None coded.")
    for p in scen.packages:
        pos = ", ".join(f"{k} {v:g}" for k, v in p.positions.items())
        lines.append(
            f"- `{p.id}` ({p.name}): {pos}. "
            + _why(p.source and f"Source: {p.source}.", p.note)
        )
    if scen.veto_players:
        lines += ["", f"Veto players: {', '.join(f'`{v}`' for v in scen.veto_players)}."]
    if scen.notes:
        lines += ["", _one_line(scen.notes)]
    return lines


def _outcome(case: Case) -> list[str]:
    assert case.outcome is not None
    out = case.outcome
    extra: dict[str, Any] = out.model_extra or {}
    lines = ["## Recorded outcome", "", f"Source: {_sentence(out.source)}"]
    if extra.get("date"):
        lines.append(f"Date of the outcome: {extra['date']}.")
    lines += ["", "| issue | outcome | how it was read off the record |", "|---|---|---|"]
    for iid, rec in out.issues.items():
        val = "not recorded" if rec.outcome is None else f"{rec.outcome:g}"
        lines.append(f"| `{iid}` | {val} | {_why(rec.why)} |")
    if out.agreed is not None:
        what = "no agreement" if out.agreed == NO_AGREEMENT else f"package `{out.agreed}`"
        lines += ["", f"Agreed: {what}. {_why(extra.get('agreed_why'))}"]
    elif extra.get("agreed_why"):
        lines += ["", f"Agreed: not recorded. {_why(extra.get('agreed_why'))}"]
    if extra.get("checked"):
        lines += ["", "## Spot check against public sources (after coding)", "",
                  _one_line(str(extra["checked"]))]
    return lines


def case_card(case: Case) -> str:
    """The Markdown card of a loaded case; :class:`ParleyError` if the case did not load."""
    if not case.ok or case.loaded is None or case.outcome is None:
        raise ParleyError(f"case {case.name}: cannot write a card: {case.error}")
    scen = case.loaded.scenario
    scenario_file = case.scenario_path.name if case.scenario_path else "?"
    head = [
        f"# {scen.title}",
        "",
        f"Case `{case.name}`; files `{scenario_file}` and `{case.outcome_path.name}`. "
        "This card is generated from them by "
        "`parley backtest cases/ --write-cards`; edit the files, not the card.",
        "",
        f"**Coding cut-off:** {scen.date or 'not given'}.",
        "",
        _one_line(scen.description),
        "",
        f"**How it was coded.** {CODING_NOTE}",
        "",
    ]
    parts = [_sources(scen), _actors(scen), _issues(scen), _stances(scen), _packages(scen),
             _outcome(case)]
    body = [line for part in parts for line in [*part, ""]]
    return "\n".join(head + body).rstrip() + "\n"


def card_path(case: Case) -> Path:
    """Where a case's card lives: ``NAME.md`` beside its outcome file."""
    return case.outcome_path.with_name(f"{case.name}.md")


def write_cards(directory: str | Path) -> list[Path]:
    """Write the card of every case of ``directory`` (atomically); return the paths written.

    Raises :class:`ParleyError` naming the first case that does not load.
    """
    from parley.scenario.loader import write_atomic

    cases = load_cases(directory)
    bad = [c for c in cases if not c.ok]
    if bad:
        raise ParleyError(f"case {bad[0].name} does not load: {bad[0].error}")
    written = []
    for case in cases:
        path = card_path(case)
        write_atomic(path, case_card(case))
        written.append(path)
    return written
