"""The JSON API: the exact paths of issue 10, CLI-equal results, 4xx with the CLI's messages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parley.cli.app import app as cli
from parley.forecast import forecast
from parley.odds import outcome_report
from parley.scenario.loader import load_scenario
from tests.web.conftest import DECIDE, UKRAINE, post_yaml, wait_run


def test_create_list_get_put(client) -> None:
    r = post_yaml(client, UKRAINE.read_text())
    assert r.status_code == 201
    sid = r.json()["id"]
    listed = client.get("/api/scenarios").json()
    assert [s["id"] for s in listed] == [sid]
    got = client.get(f"/api/scenarios/{sid}").json()
    assert got["revision"] == 1
    assert got["scenario"]["title"] == load_scenario("ukraine-2025").scenario.title
    data = got["scenario"]
    data["title"] = "Changed title"
    put = client.put(f"/api/scenarios/{sid}", json=data)
    assert put.status_code == 200 and put.json() == {"id": sid, "revision": 2}
    assert client.get(f"/api/scenarios/{sid}").json()["title"] == "Changed title"


def test_json_and_multipart_and_decide(client) -> None:
    from parley.scenario.yaml_io import scenario_to_dict

    data = scenario_to_dict(load_scenario(UKRAINE).scenario)
    j = client.post("/api/scenarios", json=data)
    assert j.status_code == 201
    wrapped = client.post("/api/scenarios", json={"yaml": UKRAINE.read_text(), "name": "u"})
    assert wrapped.status_code == 201
    up = client.post("/api/scenarios", files={"file": ("u.yaml", UKRAINE.read_bytes())})
    assert up.status_code == 201
    csv = DECIDE / "quirks.csv"
    dc = client.post("/api/scenarios", files={"file": ("q.csv", csv.read_bytes())})
    assert dc.status_code == 201
    stored = client.get(f"/api/scenarios/{dc.json()['id']}").json()
    assert stored["name"] == "q"
    assert stored["title"] == load_scenario(csv).scenario.title
    names = {s["name"] for s in client.get("/api/scenarios").json()}
    assert "u" in names


def test_forecast_run_equals_the_cli_core(client) -> None:
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    r = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "forecast", "rounds": 5})
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running", "done")
    run = wait_run(client, r.json()["id"])
    assert run["status"] == "done", run
    name = client.get(f"/api/scenarios/{sid}").json()["name"]
    expected = forecast(load_scenario(UKRAINE).scenario, rounds=5).to_dict()
    expected["scenario"] = name
    assert run["result"] == json.loads(json.dumps(expected))


def test_outcomes_run_equals_the_cli_core(client) -> None:
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    r = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "outcomes", "draws": 50,
                                                              "solutions": False})
    run = wait_run(client, r.json()["id"])
    assert run["status"] == "done", run
    name = client.get(f"/api/scenarios/{sid}").json()["name"]
    expected = outcome_report(load_scenario(UKRAINE).scenario, name, draws=50, seed=0,
                              solutions=False)
    assert run["result"] == json.loads(json.dumps(expected))
    runs = client.get(f"/api/scenarios/{sid}/runs").json()
    assert [x["id"] for x in runs] == [run["id"]] and "result" not in runs[0]


def test_simulate_run_equals_the_cli_core(client) -> None:
    from parley.scenario.arrays import to_arrays
    from parley.simulation.monte_carlo import simulate

    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    assert "simulate" in client.get("/api/kinds").json()["kinds"]
    r = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "simulate", "draws": 40,
                                                              "models": ["compromise"]})
    run = wait_run(client, r.json()["id"])
    assert run["status"] == "done", run
    name = client.get(f"/api/scenarios/{sid}").json()["name"]
    expected = simulate(to_arrays(load_scenario(UKRAINE).scenario), 40, 0, scenario=name,
                        models=["compromise"]).to_dict()
    assert run["result"] == json.loads(json.dumps(expected))


def test_runs_take_the_outcome_model_parameters(client) -> None:
    """precision, consent_bias and no_proposal reach the outcome model of outcomes, compare and
    simulate runs, as --precision, --consent-bias and --no-proposal do on the CLI."""
    from parley.compare import compare
    from parley.scenario.arrays import to_arrays
    from parley.scenario.loader import LoadedScenario
    from parley.simulation.monte_carlo import simulate

    model = {"precision": 10.0, "consent_bias": 0.0, "no_proposal": 0.0}
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    name = client.get(f"/api/scenarios/{sid}").json()["name"]
    loaded = load_scenario(UKRAINE)
    runs = {
        "outcomes": ({"draws": 30, "solutions": False},
                     lambda: outcome_report(loaded.scenario, name, draws=30, seed=0,
                                            solutions=False, **model)),
        "compare": ({"draws": 30, "models": ["compromise"],
                     "levers": ["usa.us-large-scale-sanctions"]},
                    lambda: compare(LoadedScenario(loaded.scenario, name, None),
                                    ["usa.us-large-scale-sanctions"], (), models=["compromise"],
                                    draws=30, seed=0, loss="linear", **model)),
        "simulate": ({"draws": 30, "models": ["compromise"]},
                     lambda: simulate(to_arrays(loaded.scenario), 30, 0, scenario=name,
                                      models=["compromise"], **model).to_dict()),
    }
    for kind, (opts, core) in runs.items():
        r = client.post(f"/api/scenarios/{sid}/runs", json={"kind": kind, **opts, **model})
        run = wait_run(client, r.json()["id"])
        assert run["status"] == "done", (kind, run)
        expected = json.loads(json.dumps(core()))
        assert run["result"] == expected, kind
    r = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "forecast", "consent_bias": 0})
    assert r.status_code == 400 and "consent_bias" in r.json()["detail"]


def test_invalid_scenarios_get_the_cli_message(client, tmp_path: Path) -> None:
    bad = "title: t\nactors:\n  - {id: a, capability: 1}\nissues:\n  - {id: i}\n" \
          "stances: {a: {i: {position: 50, salience: 2}}}\n"
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    cli_out = CliRunner().invoke(cli, ["validate", str(path)])
    assert cli_out.exit_code == 2
    cli_msg = " ".join(cli_out.output.split()).split(f"{path}:", 1)[1]
    r = post_yaml(client, bad)
    assert r.status_code == 400
    assert r.json()["detail"].split("<request body>:", 1)[1] == cli_msg
    for body, ctype in (
        (b"\xff\xfe", "application/x-yaml"), (b"{", "application/json"),
        (b"[1]", "application/json"),
        (b"", "application/x-yaml"), (b"a: [", "application/x-yaml"), (b"x", "image/png"),
    ):
        r = client.post("/api/scenarios", content=body, headers={"content-type": ctype})
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        assert r.json()["detail"]
    assert client.post("/api/scenarios", files={"other": ("a", b"x")}).status_code == 400


def test_bad_runs_and_missing_things(client) -> None:
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    url = f"/api/scenarios/{sid}/runs"
    assert client.post(url, json={"kind": "nonsense"}).status_code == 422
    assert client.post(url, json={"kind": "forecast", "rounds": -1}).status_code == 422
    assert client.post(url, json={"kind": "forecast", "bogus": 1}).status_code == 422
    r = client.post(url, json={"kind": "forecast", "models": ["nope"]})
    assert r.status_code == 400 and "nope" in r.json()["detail"]
    r = client.post(url, json={"kind": "forecast", "draws": 10})
    assert r.status_code == 400 and "draws" in r.json()["detail"]
    assert client.get("/api/scenarios/999").status_code == 404
    assert client.put("/api/scenarios/999", json={}).status_code == 404
    assert client.post("/api/scenarios/999/runs", json={"kind": "forecast"}).status_code == 404
    assert client.get("/api/runs/999").status_code == 404
    assert client.get("/api/runs/abc").status_code == 422
    assert client.get("/openapi.json").json()["paths"]["/api/scenarios"]["post"]


def test_put_keeps_the_old_version_when_invalid(client) -> None:
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    before = client.get(f"/api/scenarios/{sid}").json()
    r = client.put(f"/api/scenarios/{sid}", content=b"title: x\n",
                   headers={"content-type": "application/x-yaml"})
    assert r.status_code == 400
    after = client.get(f"/api/scenarios/{sid}").json()
    assert after["scenario"] == before["scenario"] and after["revision"] == 1


def test_a_run_uses_the_scenario_as_it_was_queued(client) -> None:
    sid = post_yaml(client, UKRAINE.read_text()).json()["id"]
    data = client.get(f"/api/scenarios/{sid}").json()["scenario"]
    rid = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "forecast",
                                                         "models": ["compromise"]}).json()["id"]
    first = wait_run(client, rid)
    data["stances"]["russia"]["crimea"]["salience"] = 0.01
    client.put(f"/api/scenarios/{sid}", json=data)
    rid2 = client.post(f"/api/scenarios/{sid}/runs", json={"kind": "forecast",
                                                          "models": ["compromise"]}).json()["id"]
    second = wait_run(client, rid2)
    assert (first["scenario_revision"], second["scenario_revision"]) == (1, 2)
    a = first["result"]["models"]["compromise"]["issues"]["crimea"]["position"]
    b = second["result"]["models"]["compromise"]["issues"]["crimea"]["position"]
    assert b < a  # Russia (at the top of the scale) cares less: the compromise moves down
