"""``parley game``: the subgame-perfect and logit quantal response equilibria of a scenario's
game of moves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parley.analysis.game_report import DEFAULT_GAME_DRAWS, DEFAULT_QRE_PRECISION
from parley.cli._common import (
    SCENARIO_DEFAULT,
    DrawsOpt,
    FormatOpt,
    LeverOpt,
    LossOpt,
    OutputFormat,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    cli_errors,
    emit,
    emit_json,
    fail,
    safe_text,
    variant,
)
from parley.errors import ParleyError
from parley.games import game_efg, game_report
from parley.scenario.loader import write_atomic


def _pct(p: float) -> str:
    return f"{p:.1%}"


def _probability_table(
    title: str, what: str, probs: dict[str, float], intervals: dict[str, list[float]]
) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column(what)
    t.add_column("P", justify="right")
    t.add_column("90% interval", justify="right")
    for key, p in sorted(probs.items(), key=lambda kv: -kv[1]):
        lo, hi = intervals[key]
        t.add_row(safe_text(key), _pct(p), f"{_pct(lo)} - {_pct(hi)}")
    return t


def _tables(data: dict[str, Any]) -> list[Any]:
    spe, qre = data["spe"], data["qre"]
    out: list[Any] = []
    path = " -> ".join(f"{safe_text(s['player'])} {safe_text(s['move'])}" for s in spe["path"])
    out.append(f"[bold]Game: {safe_text(data['scenario'])}[/]")
    out.append(f"subgame-perfect equilibrium path: {path}")
    out.append(f"  ends at leaf {safe_text(spe['leaf'])} (package "
               f"{safe_text(str(spe['package'] or 'none: no agreement'))}); the same path in "
               f"{_pct(spe['share_of_draws'])} of the draws")
    st = Table(title="Strategies (every node, on and off the path)", title_justify="left")
    for col in ("player", "node", "move"):
        st.add_column(col)
    for player, moves in spe["strategies"].items():
        for node, move in moves.items():
            st.add_row(safe_text(player), safe_text(node), safe_text(move))
    out.append(st)
    if spe["threats"]:
        tt = Table(title="Off-path moves that sustain it", title_justify="left")
        for col in ("if", "deviates to", "then", "it gets", "instead of"):
            tt.add_column(col)
        for t in spe["threats"]:
            then = ", ".join(f"{r['player']} {r['move']}" for r in t["response"])
            tt.add_row(safe_text(t["player"]), safe_text(t["deviation"]), safe_text(then),
                       f"{t['payoff']:+.3f}", f"{t['equilibrium_payoff']:+.3f}")
        out.append(tt)
    out.append(_probability_table(f"Logit agent QRE (precision {qre['precision']:g})",
                                  "leaf", qre["leaves"], qre["intervals"]["leaves"]))
    out.append(_probability_table("By package", "package", qre["packages"],
                                  qre["intervals"]["packages"]))
    rt = Table(title="Robustness", title_justify="left")
    rt.add_column("conclusion")
    rt.add_column("holds in", justify="right")
    settings = list(data["robustness"][0]["holds_under"]) if data["robustness"] else []
    for s in settings:
        rt.add_column(s, justify="center")
    for r in data["robustness"]:
        mark = " [red](fragile)[/]" if r["fragile"] else ""
        rt.add_row(safe_text(r["conclusion"]) + mark, _pct(r["holds_share"]),
                   *("yes" if r["holds_under"][s] else "[red]no[/]" for s in settings))
    out.append(rt)
    m = data["model"]
    out.append(f"model: {m['loss']} loss, {m['draws']} draws (seed {m['seed']}); "
               f"removed levers: {', '.join(m['without']) or 'none'}")
    for note in data["notes"]:
        out.append(safe_text(note))
    if data["overrides"]:
        out.append("explicit payoffs (overrides): " + "; ".join(
            f"{safe_text(k)}: {safe_text(', '.join(v))}" for k, v in data["overrides"].items()))
    return out


@cli_errors
def game(
    scenario: ScenarioArg = SCENARIO_DEFAULT,
    seed: SeedOpt = 0,
    draws: DrawsOpt = DEFAULT_GAME_DRAWS,
    loss: LossOpt = "linear",
    precision: Annotated[
        float, typer.Option("--precision", min=0.0, help="Logit precision (lambda) of the QRE.")
    ] = DEFAULT_QRE_PRECISION,
    without: Annotated[
        list[str] | None,
        typer.Option("--without", help="Remove a lever (LEVER or ACTOR.LEVER) from the game: "
                     "every move leading to a leaf that carries it out. Repeatable."),
    ] = None,
    lever: LeverOpt = None,
    set_: SetOpt = None,
    efg: Annotated[
        Path | None, typer.Option("--efg", help="Also write the game in Gambit's .efg format.")
    ] = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """The game of moves: the subgame-perfect equilibrium (path, strategies, the off-path
    threats that sustain it) and the logit QRE's probability of each leaf and package."""
    loaded = variant(scenario, lever, set_)
    data = game_report(loaded.scenario, loaded.name, loss=loss, precision=precision,
                       draws=draws, seed=seed, without=without or (),
                       pulled=getattr(loaded, "levers", ()))
    if data["spe"] is None:
        if format is OutputFormat.json:
            emit_json(data, output)
        else:
            emit([safe_text(f"{data['scenario']}: {data['message']}")], output)
        return
    if efg is not None:
        text = game_efg(loaded.scenario, loaded.name, loss=loss, without=without or ())
        try:
            write_atomic(efg, text)
        except ParleyError as exc:
            fail(str(exc))
    if format is OutputFormat.json:
        emit_json(data, output)
        return
    emit(_tables(data), output)
