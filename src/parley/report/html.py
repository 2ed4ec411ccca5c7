"""The offline HTML report: one self-contained file (plotly's JavaScript inlined, no CDN).

It shows the brief (:mod:`parley.report.brief`), the scenario with its sources, a chart of each
issue's positions with every model's forecast, the dynamic models' rounds, the zone of
agreement and who blocks each package, the outcome probabilities with their intervals, the
levers' effects and the game, where the scenario has them. What cannot be computed for a
scenario is left out with a note. All user text is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

from parley.report import charts
from parley.report.markdown import model_constants

__all__ = ["report_html"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f4f4f4}.note{color:#666;font-size:.92em}
.fragile{color:#b00}.chart{margin:1em 0}code{background:#f4f4f4;padding:0 .2em}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in items) + "</ul>" if items else ""


def _fig(fig: Any) -> str:
    if fig is None:
        return ""
    return '<div class="chart">' + fig.to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False}
    ) + "</div>"


def _scenario_section(scenario: Any) -> str:
    parts = ["<h2>The scenario</h2>"]
    if scenario.description:
        parts.append(f"<p>{_e(scenario.description)}</p>")
    rows = "".join(
        f"<tr><td>{_e(a.id)}</td><td>{_e(a.name)}</td></tr>" for a in scenario.actors
    )
    parts.append(f"<h3>Actors</h3><table><tr><th>id</th><th>name</th></tr>{rows}</table>")
    rows = "".join(
        f"<tr><td>{_e(i.id)}</td><td>{_e(i.title)}</td><td>{i.scale.min:g}-{i.scale.max:g}</td>"
        f"<td>{_e('; '.join(f'{k:g}: {v}' for k, v in i.points.items()))}</td></tr>"
        for i in scenario.issues
    )
    parts.append("<h3>Issues</h3><table><tr><th>id</th><th>title</th><th>scale</th>"
                 f"<th>labelled points</th></tr>{rows}</table>")
    if scenario.sources:
        items = []
        for src in scenario.sources:
            url = getattr(src, "url", None)
            link = f' (<a href="{_e(url)}">{_e(url)}</a>)' if url and str(url).startswith(
                ("http://", "https://")) else ""
            items.append(f"<li>{_e(src.title)}{link}</li>")
        parts.append("<h3>Sources</h3><ul>" + "".join(items) + "</ul>")
    parts.append('<p class="note">Each number of the scenario, with the sentence it rests on, is '
                 "in the scenario file (<code>parley show</code>).</p>")
    return "".join(parts)


def _zone_section(brief: dict[str, Any]) -> str:
    z = brief["space"]
    if z is None:
        return "<h2>Zone of agreement</h2><p class='note'>Not computed for this scenario.</p>"
    parts = ["<h2>Which deals are possible at all</h2>", _list(brief["sentences"]["space"])]
    if z["zone"]["exists"] and z["zone"]["package"]:
        rows = "".join(f"<tr><td>{_e(k)}</td><td>{v:.3g}</td></tr>"
                       for k, v in z["zone"]["package"].items())
        parts.append("<h3>A package inside the zone</h3><table><tr><th>issue</th>"
                     f"<th>position</th></tr>{rows}</table>")
    rows = "".join(
        f"<tr><td>{_e(o['name'])}</td><td>{100 * o['probability']:.1f}%</td>"
        f"<td>{_e(', '.join(o['blocked_by']))}</td>"
        f"<td>{_e('; '.join(r for w in o['why_blocked'] for r in w['reasons']))}</td></tr>"
        for o in brief["outcomes"]
    )
    parts.append("<h3>Who blocks each package, and why</h3><table><tr><th>package</th>"
                 f"<th>probability</th><th>blocked by</th><th>why</th></tr>{rows}</table>")
    return "".join(parts)


def _game_section(game: dict[str, Any] | None, sentences: list[str]) -> str:
    if game is None or not game.get("spe"):
        return ("<h2>The game of moves</h2><p class='note'>This scenario declares no game "
                "(see docs/game.md).</p>")
    strategies = game["spe"].get("strategies", {})
    rows = "".join(
        f"<tr><td>{_e(p)}</td><td>{_e(node)}</td><td>{_e(move)}</td></tr>"
        for p, nodes in strategies.items() for node, move in nodes.items()
    )
    leaves = (game.get("qre") or {}).get("leaves") or {}
    lrows = "".join(f"<tr><td>{_e(k)}</td><td>{100 * v:.1f}%</td></tr>"
                    for k, v in sorted(leaves.items(), key=lambda kv: -kv[1]))
    return ("<h2>The game of moves</h2>" + _list(sentences)
            + "<h3>Equilibrium strategies (every node)</h3><table><tr><th>player</th>"
            f"<th>node</th><th>move</th></tr>{rows}</table>"
            + ("<h3>Quantal response: probability of each end of the game</h3><table><tr>"
               f"<th>leaf</th><th>probability</th></tr>{lrows}</table>" if lrows else ""))


def report_html(brief: dict[str, Any], loaded: Any, forecast: dict[str, Any]) -> str:
    """The whole report as one HTML document."""
    try:
        from plotly.offline import get_plotlyjs
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from parley.errors import ParleyError

        raise ParleyError(charts._MISSING) from exc
    from parley.scenario.arrays import to_arrays

    scenario = loaded.scenario
    arrays = to_arrays(scenario)
    s = brief["sentences"]
    body = [f"<h1>{_e(scenario.title)}</h1>"]
    if brief.get("date"):
        body.append(f"<p class='note'>Scenario <code>{_e(brief['scenario'])}</code>, coded as "
                    f"of {_e(brief['date'])}.</p>")
    body += ["<h2>In short</h2>", _list(s["reconciliation"])]
    body.append(_scenario_section(scenario))
    body += ["<h2>Where each issue would land if a deal is made</h2>", _list(s["issues"])]
    for i, iss in enumerate(scenario.issues):
        per = {m: r["issues"][iss.id]["position"] for m, r in forecast["models"].items()
               if iss.id in r["issues"]}
        body.append(_fig(charts.issue_positions(iss, arrays, i, per)))
    traj = charts.trajectories(forecast, list(scenario.issues))
    body.append(_fig(traj) if traj is not None else
                "<p class='note'>No dynamic model was run: no round-by-round chart.</p>")
    body.append(_zone_section(brief))
    body += ["<h2>How likely each outcome is</h2>", _list(s["outcomes"]),
             _fig(charts.outcome_probabilities(brief["outcomes"]))]
    if brief["levers"]:
        body += ["<h2>The levers that matter most</h2>", _list(s["levers"]),
                 _fig(charts.lever_effects(brief["levers"]))]
    else:
        body.append("<h2>Levers</h2><p class='note'>This scenario declares no levers.</p>")
    body.append(_game_section(brief["game"], s["game"]))
    if s["robustness"]:
        items = "".join(
            f"<li class='{'fragile' if r.get('fragile') else ''}'>{_e(t)}</li>"
            for r, t in zip(brief["robustness"], s["robustness"], strict=True)
        )
        body.append(f"<h2>How far the conclusions hold</h2><ul>{items}</ul>")
    body.append("<p class='note'>Sensitivity of each forecast to each input: "
                "<code>parley sensitivity</code> (not part of this report).</p>")
    m = brief["model"]
    body.append(f"<p class='note'>Computed by parley: {m['draws']} Monte Carlo draws (seed "
                f"{m['seed']}), logit precision {m['precision']:g}{model_constants(m)}, "
                f"{_e(m['loss'])} loss.</p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(scenario.title)}: parley report</title><style>{_STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>" + "".join(body) + "</body></html>\n"
    )
