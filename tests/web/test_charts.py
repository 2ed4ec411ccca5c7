"""Chart specs: what is drawn follows the scenario and the forecast."""

from __future__ import annotations

import json

from parley import forecast
from parley.scenario.loader import load_scenario
from parley.web.charts import issue_figure, nearest_label, outcome_figure, trajectory_figure


def test_issue_figure_positions_sizes_and_forecasts() -> None:
    s = load_scenario("ukraine-2025").scenario
    fc = forecast(s, ["compromise", "expected-utility"]).to_dict()
    fig = issue_figure(s, "crimea", fc)
    json.dumps(fig, allow_nan=False)  # plain JSON
    pos = fig["data"][0]
    actors = [a for a in s.actor_ids if s.stance(a, "crimea") is not None]
    assert pos["x"] == [s.stance(a, "crimea").position.value for a in actors]
    cap = {x.id: x.capability for x in s.actors}
    weight = [
        s.stance(a, "crimea").salience.value
        * (s.stance(a, "crimea").capability or cap[a]).value
        for a in actors
    ]
    order = sorted(range(len(actors)), key=lambda k: weight[k])
    sizes = [pos["marker"]["size"][k] for k in order]
    assert sizes == sorted(sizes)  # area grows with capability x salience
    lines = {t["name"].split(":")[0]: t["x"] for t in fig["data"] if t["mode"] == "lines"}
    for m in ("compromise", "expected-utility"):
        x = fc["models"][m]["issues"]["crimea"]["position"]
        assert lines[m] == [x, x]
    issue = next(i for i in s.issues if i.id == "crimea")
    assert set(issue.points) <= set(fig["layout"]["xaxis"]["tickvals"])


def test_nearest_label_and_other_figures() -> None:
    s = load_scenario("ukraine-2025").scenario
    issue = s.issues[0]
    for p, label in issue.points.items():
        assert nearest_label(issue, p) == label
    fc = forecast(s, ["expected-utility"], rounds=3).to_dict()
    traj = trajectory_figure(s, issue.id, fc)
    assert traj is not None
    assert traj["data"][0]["y"] == fc["models"]["expected-utility"]["issues"][issue.id]["rounds"]
    assert trajectory_figure(s, issue.id, forecast(s, ["compromise"]).to_dict()) is None
    bars = outcome_figure({"outcomes": [{"id": "a", "probability": 0.3},
                                        {"id": "b", "probability": 0.6}], "no_agreement": 0.1})
    assert bars["data"][0]["x"] == [0.6, 0.3, 0.1]
