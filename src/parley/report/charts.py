"""Plotly figures of a scenario and its analyses (no model logic: inputs are computed data).

Each function returns a ``plotly.graph_objects.Figure`` or ``None`` when there is nothing to
draw. plotly is imported inside the functions (extra ``[report]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "issue_positions",
    "lever_effects",
    "outcome_probabilities",
    "trajectories",
]

_MISSING = "the report needs plotly: pip install 'parley[report]'"


def _go() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from parley.errors import ParleyError

        raise ParleyError(_MISSING) from exc
    return go


def issue_positions(
    issue: Any, arrays: Any, i: int, forecasts: dict[str, float]
) -> Any:
    """One issue: each actor's position (marker area ~ capability x salience), red line and
    no-deal point, each model's forecast, on the issue's labelled scale."""
    go = _go()
    fig = go.Figure()
    take = np.flatnonzero(arrays.mask[:, i])
    names = [arrays.actors[a] for a in take]
    weight = (arrays.capability[take, i] * arrays.salience[take, i])
    size = 10 + 40 * np.sqrt(weight / weight.max()) if weight.max() > 0 else np.full(take.size, 12)
    y = list(range(len(take)))
    fig.add_trace(go.Scatter(
        x=arrays.position[take, i], y=names, mode="markers", name="position",
        marker={"size": size, "color": "#1f77b4", "opacity": 0.8},
        hovertemplate="%{y}: %{x}<extra>position</extra>",
    ))
    for field, symbol, color, label in (("red_line", "line-ns-open", "#d62728", "red line"),
                                        ("no_deal", "x", "#7f7f7f", "no-deal point")):
        vals = getattr(arrays, field)[take, i]
        ok = ~np.isnan(vals)
        if ok.any():
            fig.add_trace(go.Scatter(
                x=vals[ok], y=[names[k] for k in np.flatnonzero(ok)], mode="markers",
                name=label, marker={"symbol": symbol, "size": 16, "color": color,
                                    "line": {"width": 3, "color": color}},
                hovertemplate="%{y}: %{x}<extra>" + label + "</extra>",
            ))
    for k, (model, x) in enumerate(forecasts.items()):
        fig.add_trace(go.Scatter(
            x=[x], y=[len(y) - 0.4 + 0.3 * (k % 4)], mode="markers", name=model,
            marker={"symbol": "diamond", "size": 10}, yaxis="y2",
            hovertemplate=f"{model}: %{{x:.3g}}<extra>forecast</extra>",
        ))
    points = dict(issue.points)
    pad = 0.04 * (issue.scale.max - issue.scale.min)
    fig.update_layout(
        title=f"{issue.title}",
        xaxis={"range": [issue.scale.min - pad, issue.scale.max + pad],
               "tickmode": "array" if points else "auto",
               "tickvals": list(points) or None,
               "ticktext": [_short(t) for t in points.values()] or None},
        yaxis2={"overlaying": "y", "visible": False, "range": [-0.5, len(y) + 1]},
        yaxis={"range": [-0.5, len(y) + 1]},
        height=160 + 36 * len(take), margin={"l": 10, "r": 10, "t": 50, "b": 80},
        legend={"orientation": "h"},
    )
    return fig


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def trajectories(forecast: dict[str, Any], issues: list[Any]) -> Any:
    """Forecast after each round of the dynamic models, one line per model and issue."""
    go = _go()
    fig = go.Figure()
    any_line = False
    for model, res in forecast["models"].items():
        for iss in issues:
            f = res["issues"].get(iss.id, {})
            if f.get("rounds"):
                any_line = True
                fig.add_trace(go.Scatter(
                    y=f["rounds"], x=list(range(len(f["rounds"]))), mode="lines+markers",
                    name=f"{model}: {iss.id}",
                ))
    if not any_line:
        return None
    fig.update_layout(title="Round by round: the dynamic models' forecasts",
                      xaxis_title="round", yaxis_title="position", height=460)
    return fig


def outcome_probabilities(outcomes: list[dict[str, Any]]) -> Any:
    """Each outcome's probability, with its 90% interval where there is one."""
    go = _go()
    if not outcomes:
        return None
    rows = sorted(outcomes, key=lambda r: r["probability"])
    p = np.array([r["probability"] for r in rows])
    lo = np.array([(r["interval"] or [q, q])[0] for r, q in zip(rows, p, strict=True)])
    hi = np.array([(r["interval"] or [q, q])[1] for r, q in zip(rows, p, strict=True)])
    fig = go.Figure(go.Bar(
        x=p, y=[r["name"] for r in rows], orientation="h",
        error_x={"type": "data", "symmetric": False, "array": hi - p, "arrayminus": p - lo},
        marker_color=["#1f77b4" if r["agreement"] else "#7f7f7f" for r in rows],
        hovertemplate="%{y}: %{x:.1%}<extra></extra>",
    ))
    fig.update_layout(title="How likely each outcome is (grey: no agreement)",
                      xaxis={"tickformat": ".0%", "range": [0, 1]},
                      height=140 + 40 * len(rows), margin={"l": 10})
    return fig


def lever_effects(levers: list[dict[str, Any]]) -> Any:
    """Each lever's effect on its own actor's expected utility and on the chance of a deal."""
    go = _go()
    if not levers:
        return None
    ids = [r["id"] for r in levers]
    fig = go.Figure([
        go.Bar(y=ids, x=[r["effect_on_actor"] for r in levers], orientation="h",
               name="its actor's expected utility"),
        go.Bar(y=ids, x=[r["effect_on_deal"] for r in levers], orientation="h",
               name="probability of an agreement"),
    ])
    fig.update_layout(title="What each lever changes", barmode="group",
                      height=160 + 50 * len(ids), legend={"orientation": "h"})
    return fig
