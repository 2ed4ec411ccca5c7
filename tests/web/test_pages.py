"""The server-rendered pages: import, create, edit with messages at the field, runs, compare."""

from __future__ import annotations

import re

from parley.web.editor import field_name
from tests.web.conftest import DECIDE, UKRAINE, wait_run


def _import(client) -> int:
    r = client.post("/import", files={"file": ("u.yaml", UKRAINE.read_bytes())},
                    follow_redirects=False)
    assert r.status_code == 303
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_index_import_and_scenario_page(client) -> None:
    assert "No scenarios yet" in client.get("/").text
    sid = _import(client)
    page = client.get(f"/scenarios/{sid}").text
    assert "Ukraine ceasefire talks" in page and "Run forecast" in page
    assert page.count('class="chart"') == 9  # one chart per issue
    assert "Ukraine ceasefire talks" in client.get("/").text
    r = client.post("/import", files={"file": ("q.csv", (DECIDE / "quirks.csv").read_bytes())},
                    follow_redirects=False)
    assert r.status_code == 303
    bad = client.post("/import", data={"text": "title: [unclosed"})
    assert bad.status_code == 400 and "YAML syntax error" in bad.text
    assert client.post("/import", data={}).status_code == 400


def test_builtin_and_new(client) -> None:
    r = client.post("/builtin", data={"name": "paris-2015"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/new", data={"title": "My talks", "actors": "A\nB", "issues": "Money"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/edit")
    edit = client.get(r.headers["location"]).text
    assert 'name="s1_0_salience"' in edit
    r = client.post("/new", data={"title": "x", "actors": "", "issues": "i"})
    assert r.status_code == 400 and "at least one actor" in r.text


def test_editor_messages_at_the_field_and_saving(client) -> None:
    r = client.post("/new", data={"title": "T", "actors": "A\nB", "issues": "I"},
                    follow_redirects=False)
    sid = int(r.headers["location"].split("/")[2])
    name = field_name(1, 0, "salience")
    bad = client.post(f"/scenarios/{sid}/edit", data={name: "1.5"})
    assert bad.status_code == 400
    cell = re.search(rf'name="{name}"[^>]*>\s*<div class="field-err"[^>]*>([^<]*)<', bad.text)
    assert cell and "between 0 and 1" in cell.group(1)
    assert 'value="1.5"' in bad.text  # what was typed stays in the field
    ok = client.post(f"/scenarios/{sid}/edit", data={name: "0.9"}, follow_redirects=False)
    assert ok.status_code == 303
    got = client.get(f"/api/scenarios/{sid}").json()
    assert got["revision"] == 2 and got["scenario"]["stances"]["b"]["i"]["salience"] == 0.9


def test_run_pages_history_compare_downloads(client) -> None:
    sid = _import(client)
    r = client.post(f"/scenarios/{sid}/run", data={"kind": "forecast", "models": ["compromise"]},
                    follow_redirects=False)
    assert r.status_code == 303
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    wait_run(client, rid)
    page = client.get(f"/runs/{rid}").text
    assert 'id="forecast-table"' in page and "compromise" in page and "~" in page
    r2 = client.post(f"/scenarios/{sid}/run", data={"kind": "forecast", "models": ["median"]},
                     follow_redirects=False)
    rid2 = int(r2.headers["location"].rsplit("/", 1)[1])
    wait_run(client, rid2)
    history = client.get(f"/scenarios/{sid}").text
    assert f"/runs/{rid}" in history and f"/runs/{rid2}" in history
    cmp = client.get(f"/compare?a={rid}&b={rid2}")
    assert cmp.status_code == 200 and "compare-table" in cmp.text
    o = client.post(f"/scenarios/{sid}/run", data={"kind": "outcomes", "draws": "20"},
                    follow_redirects=False)
    orid = int(o.headers["location"].rsplit("/", 1)[1])
    wait_run(client, orid)
    assert "outcomes-table" in client.get(f"/runs/{orid}").text
    assert "only two forecast runs" in client.get(f"/compare?a={rid}&b={orid}").text
    bad = client.post(f"/scenarios/{sid}/run", data={"kind": "forecast", "rounds": "-3"})
    assert bad.status_code == 400
    y = client.get(f"/scenarios/{sid}/download.yaml")
    assert y.status_code == 200 and y.text.startswith("title:")
    c = client.get(f"/scenarios/{sid}/download.csv")
    assert c.status_code == 200 and "attachment" in c.headers["content-disposition"]
    rep = client.get(f"/scenarios/{sid}/report.html")
    assert rep.status_code == 200 and "report.html" in rep.headers["content-disposition"]
    assert rep.text.startswith("<!DOCTYPE html>") and "How likely each outcome is" in rep.text
    from plotly.offline import get_plotlyjs

    assert "<script src" not in rep.text.replace(get_plotlyjs(), "")
    assert client.get("/static/plotly.min.js").status_code == 200
    assert client.get("/scenarios/999").status_code == 404
