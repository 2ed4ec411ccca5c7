"""``parley space``: the agreement space of the veto players and of each channel."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from parley.cli._common import (
    SCENARIO_DEFAULT,
    FormatOpt,
    LeverOpt,
    LossOpt,
    OutputFormat,
    OutputOpt,
    ScenarioArg,
    SetOpt,
    cli_errors,
    emit,
    emit_json,
    safe_text,
    variant,
)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"


def space_data(
    scenario: str, loss: str, lever: list[str] | None = None, set_: list[str] | None = None
) -> dict[str, Any]:
    """The JSON of ``parley space``: one agreement space per group (veto players, channels).
    With threats in force (``lever``), each actor's BATNA is its payoff of refusing."""
    from parley.analysis.space import space_report
    from parley.scenario.arrays import to_arrays

    loaded = variant(scenario, lever, set_)
    s = loaded.scenario
    in_force = [lv for lv in s.levers if lv.id in getattr(loaded, "levers", ())]
    return space_report(to_arrays(s), loaded.name, loss, in_force)


def _group_renderables(g: dict[str, Any], titles: dict[str, str]) -> list[Any]:
    out: list[Any] = []
    t = Table(
        title=safe_text(f"{g['group']}: {', '.join(g['actors'])}"),
        title_justify="left",
        show_lines=False,
    )
    for col in ("issue", "red-line range", "as it stands", "zone package", "settlement pkg"):
        t.add_column(col, justify="left" if col == "issue" else "right")
    zp, sp = g["zone"]["package"] or {}, g["settlement"]["package"] or {}
    for iid, info in g["issues"].items():
        rr = info["red_line_range"]
        t.add_row(
            safe_text(titles.get(iid, iid)),
            "none (collision)" if rr is None else f"{rr[0]:g}-{rr[1]:g}",
            ", ".join(f"{a:g}" if a == b else f"{a:g}-{b:g}" for a, b in info["as_it_stands"]),
            _fmt(zp.get(iid)) + (" (as is)" if iid in g["zone"]["left_as_is"] else ""),
            _fmt(sp.get(iid)),
        )
    out.append(t)
    z, st = g["zone"], g["settlement"]
    out.append(
        f"zone of agreement: {'yes' if z['exists'] else 'no'}"
        + (f" (worst-off member's surplus {z['min_surplus']:.3g})" if z["min_surplus"] is not None
           else "")
    )
    out.append(
        f"comprehensive settlement (every issue within all red lines): "
        f"{'yes' if st['exists'] else 'no'}"
    )
    for c in g["collisions"]:
        out.append(safe_text(f"  red lines collide on {c['issue']}: {' vs '.join(c['actors'])} "
                             f"(gap {c['gap']:g})"))
    sc = g["smallest_concession"]
    if sc is not None:
        out.append(f"smallest concession opening a zone: {safe_text(sc['text'])}")
    elif not z["exists"]:
        out.append("no single concession found that opens a zone")
    mv = g.get("settlement_concession")
    if mv:
        moves = safe_text(
            "; ".join(f"{m['actor']} on {m['issue']} by {m['amount']:g}" for m in mv["moves"])
        )
        out.append(
            f"red-line moves for a settlement: {moves} -> settlement "
            f"{'opens' if mv['opens_settlement'] else 'still closed (BATNAs)'}"
        )
    out.append("")
    return out


@cli_errors
def space(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    loss: LossOpt = "linear",
    lever: LeverOpt = None,
    set_: SetOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Where could the veto players (and each channel) agree? Red-line ranges, collisions,
    zone of agreement and the smallest concession that would open one."""
    data = space_data(scenario, loss, lever, set_)
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    titles = {iid: iid for g in data["groups"] for iid in g["issues"]}
    out: list[Any] = [
        f"[bold]Agreement space: {safe_text(data['scenario'])}[/] (loss: {loss}; veto players: "
        + safe_text(f"{', '.join(data['veto_players'])}, {data['veto_rule']})")
    ]
    for g in data["groups"]:
        out.extend(_group_renderables(g, titles))
    emit(out, output)
