"""Charts of a scenario and its runs as plotly figure specs (plain dicts, no plotly import).

A figure here is the JSON plotly.js draws: ``{"data": [...], "layout": {...}}``. Keeping them as
dicts means the web app needs plotly only for its JavaScript file; anyone who wants a Python
object writes ``plotly.graph_objects.Figure(spec)``, and ``plotly.io.to_html`` turns one into
the report's HTML.

* :func:`issue_figure` - one issue: every actor's position, marker area from capability x
  salience, red lines and no-deal points drawn, the scale's labelled points on the axis, and
  each model's forecast as a vertical line (from a ``parley forecast --format json`` result).
* :func:`trajectory_figure` - the dynamic models' forecast of one issue round by round.
* :func:`outcome_figure` - outcome probabilities (from ``parley outcomes --format json``).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from parley.scenario.schema import Issue, Scenario

__all__ = ["issue_figure", "nearest_label", "outcome_figure", "trajectory_figure"]

MARKER_MIN, MARKER_MAX = 8.0, 38.0
"""Diameters (px) of the smallest and largest position markers."""

MODEL_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#e377c2")
"""Line colours of the models (red is kept for red lines)."""


def nearest_label(issue: Issue, x: float) -> str | None:
    """The label of the issue's labelled point closest to ``x`` (None if it has none)."""
    if not issue.points:
        return None
    p = min(issue.points, key=lambda q: abs(q - x))
    return issue.points[p]


def _wrap(text: str, width: int = 18) -> str:
    return "<br>".join(textwrap.wrap(text, width)[:3]) or text


def _capability(scenario: Scenario, actor_id: str, issue_id: str) -> float:
    st = scenario.stance(actor_id, issue_id)
    if st is not None and st.capability is not None:
        return st.capability.value
    return next(a.capability.value for a in scenario.actors if a.id == actor_id)


def issue_figure(
    scenario: Scenario, issue_id: str, forecast: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Plotly spec of one issue's positions (and each model's forecast, if given)."""
    issue = next(i for i in scenario.issues if i.id == issue_id)
    names = {a.id: a.name for a in scenario.actors}
    rows = [a for a in scenario.actor_ids if scenario.stance(a, issue_id) is not None]
    weight = {
        a: _capability(scenario, a, issue_id) * scenario.stance(a, issue_id).salience.value  # type: ignore[union-attr]
        for a in rows
    }
    wmax = max(weight.values()) or 1.0
    size = [
        MARKER_MIN + (MARKER_MAX - MARKER_MIN) * math.sqrt(weight[a] / wmax) for a in rows
    ]
    ys = list(range(len(rows)))
    pos = [scenario.stance(a, issue_id).position.value for a in rows]  # type: ignore[union-attr]
    hover = []
    for a, x in zip(rows, pos, strict=True):
        st = scenario.stance(a, issue_id)
        label = nearest_label(issue, x)
        hover.append(
            f"{names[a]}<br>position {x:g}" + (f" ~ {label}" if label else "")
            + f"<br>salience {st.salience.value:g}"  # type: ignore[union-attr]
            + f"<br>capability {_capability(scenario, a, issue_id):g}"
        )
    data: list[dict[str, Any]] = [
        {
            "type": "scatter", "mode": "markers", "name": "position",
            "x": pos, "y": ys, "text": hover, "hoverinfo": "text",
            "marker": {"size": size, "color": "#4c78a8", "opacity": 0.8,
                       "line": {"width": 1, "color": "#23395d"}},
        }
    ]
    for field, label, symbol, colour in (
        ("red_line", "red line", "line-ns-open", "#d62728"),
        ("no_deal", "no deal", "x-thin-open", "#555555"),
    ):
        xs, yy = [], []
        for y, a in zip(ys, rows, strict=True):
            est = getattr(scenario.stance(a, issue_id), field)
            if est is not None:
                xs.append(est.value)
                yy.append(y)
        if xs:
            data.append({
                "type": "scatter", "mode": "markers", "name": label, "x": xs, "y": yy,
                "hovertemplate": f"{label} %{{x}}<extra></extra>",
                "marker": {"symbol": symbol, "size": 18, "color": colour,
                           "line": {"width": 3, "color": colour}},
            })
    for k, (model, res) in enumerate((forecast or {}).get("models", {}).items()):
        f = res.get("issues", {}).get(issue_id)
        if f is None:
            continue
        x = f["position"]
        label = nearest_label(issue, x)
        data.append({
            "type": "scatter", "mode": "lines", "name": f"{model}: {x:.3g}",
            "x": [x, x], "y": [-0.5, len(rows) - 0.5],
            "hovertemplate": f"{model} forecast {x:.4g}" + (f" ~ {label}" if label else "")
            + "<extra></extra>",
            "line": {"color": MODEL_COLOURS[k % len(MODEL_COLOURS)], "width": 2, "dash": "dash"},
        })
    ticks = sorted({issue.scale.min, issue.scale.max, *issue.points})
    return {
        "data": data,
        "layout": {
            "title": {"text": issue.title, "x": 0},
            "height": 230 + 34 * len(rows),
            "margin": {"l": 170, "r": 40, "t": 40, "b": 150},
            "xaxis": {
                "range": [issue.scale.min - 0.03 * (issue.scale.max - issue.scale.min),
                          issue.scale.max + 0.03 * (issue.scale.max - issue.scale.min)],
                "tickvals": ticks,
                "ticktext": [
                    f"{t:g}" + (f"<br>{_wrap(issue.points[t])}" if t in issue.points else "")
                    for t in ticks
                ],
                "zeroline": False,
            },
            "yaxis": {"tickvals": ys, "ticktext": [names[a] for a in rows],
                      "range": [-0.6, len(rows) - 0.4], "automargin": True},
            "legend": {"orientation": "h", "yanchor": "top", "y": -110 / (40 + 34 * len(rows)),
                       "x": 0},
            "hovermode": "closest",
        },
    }


def trajectory_figure(
    scenario: Scenario, issue_id: str, forecast: dict[str, Any]
) -> dict[str, Any] | None:
    """Round-by-round forecast of the dynamic models on one issue (None if none has rounds)."""
    issue = next(i for i in scenario.issues if i.id == issue_id)
    data = []
    for k, (model, res) in enumerate(forecast.get("models", {}).items()):
        rounds = res.get("issues", {}).get(issue_id, {}).get("rounds")
        if not rounds:
            continue
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": model,
            "x": list(range(len(rounds))), "y": rounds,
            "line": {"color": MODEL_COLOURS[k % len(MODEL_COLOURS)]},
        })
    if not data:
        return None
    return {
        "data": data,
        "layout": {
            "title": {"text": f"{issue.title}: round by round", "x": 0},
            "height": 300, "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
            "xaxis": {"title": {"text": "round"}, "dtick": 1},
            "yaxis": {"range": [issue.scale.min, issue.scale.max], "title": {"text": "position"}},
        },
    }


def outcome_figure(outcomes: dict[str, Any]) -> dict[str, Any]:
    """Bar chart of each outcome's probability, and of no agreement."""
    items = sorted(outcomes.get("outcomes", []), key=lambda o: -o["probability"])
    labels = [o.get("name") or o["id"] for o in items] + ["no agreement"]
    probs = [o["probability"] for o in items] + [outcomes.get("no_agreement", 0.0)]
    hover = [
        f"{o['id']}<br>blocked by: {', '.join(o.get('blocked_by', [])) or 'nobody'}"
        for o in items
    ] + ["no agreement"]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "x": probs, "y": [_wrap(s, 40) for s in labels],
            "text": [f"{p:.1%}" for p in probs], "textposition": "auto",
            "hovertext": hover, "hoverinfo": "text", "marker": {"color": "#4c78a8"},
        }],
        "layout": {
            "title": {"text": "Outcome probabilities", "x": 0},
            "height": 120 + 32 * len(labels), "margin": {"l": 260, "r": 20, "t": 40, "b": 40},
            "xaxis": {"range": [0, 1], "tickformat": ".0%"},
            "yaxis": {"autorange": "reversed", "automargin": True},
        },
    }
