"""The server-rendered pages of ``parley serve`` (Jinja templates, a little plain JavaScript).

Scenario list, import and create; the table editor; run forecast, outcomes (and simulate or
compare where this installation has them) with visible progress; each run's charts; the history
of runs; two runs compared; downloads of the scenario as YAML and Decide CSV. The pages call
the same functions as the JSON API (:mod:`parley.web.api`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from parley.errors import ParleyError
from parley.scenario.schema import Scenario
from parley.web import charts
from parley.web.api import scenario_from_upload, store_scenario
from parley.web.editor import STANCE_FIELDS, apply_form, field_name, stance_value
from parley.web.service import (
    RunRequest,
    available_kinds,
    blank_scenario,
    check_request,
    from_content,
    parse_scenario_text,
    slug,
)
from parley.web.storage import RunRow, ScenarioRow, Store

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**62)]

STATIC = {
    "app.js": ("parley.web", "static/app.js", "text/javascript"),
    "style.css": ("parley.web", "static/style.css", "text/css"),
    "plotly.min.js": ("plotly", "package_data/plotly.min.js", "text/javascript"),
}
"""The only files the app serves: name in the URL -> (package, file inside it, media type)."""

FIELD_LABELS = {
    "position": "position",
    "salience": "salience (0-1)",
    "capability": "capability (this issue)",
    "red_line": "red line",
    "no_deal": "no-deal point",
}


@cache
def _templates() -> Any:
    from fastapi.templating import Jinja2Templates
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("parley.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure"] = _figure_json
    env.filters["num"] = _num
    env.globals["field_name"] = field_name
    env.globals["STANCE_FIELDS"] = STANCE_FIELDS
    env.globals["FIELD_LABELS"] = FIELD_LABELS
    env.globals["nearest_label"] = charts.nearest_label
    env.globals["stance_value"] = stance_value
    return Jinja2Templates(env=env)


def _figure_json(fig: dict[str, Any]) -> Markup:
    """A figure as JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(fig, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # every '<', '>' and '&' is escaped above


def _num(x: float | None, digits: int = 4) -> str:
    if x is None:
        return ""
    return f"{x:.{digits}g}" if abs(x) < 1e6 else f"{x:.6g}"


def _render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return _templates().TemplateResponse(
        request, name, {"kinds": available_kinds(), **ctx}, status_code=status
    )


def _store(request: Request) -> Store:
    return request.app.state.store


def _row(request: Request, sid: int) -> ScenarioRow:
    row = _store(request).get_scenario(sid)
    if row is None:
        raise HTTPException(404, f"no scenario {sid}")
    return row


def _scenario(row: ScenarioRow | RunRow, name: str = "") -> Scenario:
    return from_content(row.content if isinstance(row, ScenarioRow) else row.scenario_content)


def _index(request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
    from parley.scenario.loader import builtin_names

    return _render(
        request, "index.html", status,
        scenarios=_store(request).list_scenarios(), builtins=builtin_names(), **ctx,
    )


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The scenario list, with the forms to import, copy a built-in or create one."""
    return _index(request)


@router.post("/import")
async def import_scenario(
    request: Request,
    file: Annotated[UploadFile | None, Form()] = None,
    text: Annotated[str, Form(max_length=2_000_000)] = "",
) -> Response:
    """Import an uploaded YAML/Decide CSV file, or pasted text."""
    try:
        if file is not None and file.filename:
            scenario, name = await scenario_from_upload(file)
        elif text.strip():
            scenario = parse_scenario_text(text, "pasted text")
            name = slug(scenario.title)
        else:
            raise ParleyError("choose a file to upload or paste a scenario")
    except ParleyError as exc:
        return _index(request, 400, import_error=str(exc), pasted=text)
    sid = store_scenario(_store(request), scenario, name)
    return RedirectResponse(f"/scenarios/{sid}", status_code=303)


@router.post("/builtin")
def copy_builtin(request: Request, name: Annotated[str, Form(max_length=100)]) -> Response:
    """Copy a built-in scenario into the store (chosen from the list of built-ins only)."""
    from parley.scenario.loader import builtin_names, load_scenario

    if name not in builtin_names():
        return _index(request, 400, builtin_error=f"no built-in scenario {name!r}")
    loaded = load_scenario(name)
    sid = store_scenario(_store(request), loaded.scenario, name)
    return RedirectResponse(f"/scenarios/{sid}", status_code=303)


@router.post("/new")
def new_scenario(
    request: Request,
    title: Annotated[str, Form(max_length=200)] = "",
    actors: Annotated[str, Form(max_length=20_000)] = "",
    issues: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Create a scenario from a title and lists of actors and issues (then edit its numbers)."""
    try:
        scenario = blank_scenario(title, actors.splitlines(), issues.splitlines())
    except ParleyError as exc:
        return _index(request, 400, new_error=str(exc), new_form=(title, actors, issues))
    sid = store_scenario(_store(request), scenario, slug(scenario.title))
    return RedirectResponse(f"/scenarios/{sid}/edit", status_code=303)


@router.get("/scenarios/{sid}", response_class=HTMLResponse)
def scenario_page(request: Request, sid: Id) -> HTMLResponse:
    """One scenario: its actors and issues, position charts, run forms and run history."""
    row = _row(request, sid)
    scenario = _scenario(row, row.name)
    runs = _store(request).list_runs(sid)
    latest = next(
        (r for r in runs if r.kind == "forecast" and r.status == "done"
         and r.scenario_revision == row.revision),
        None,
    )
    figures = [
        (i.id, charts.issue_figure(scenario, i.id, latest.result if latest else None))
        for i in scenario.issues
    ]
    from parley.models.registry import MODEL_NAMES

    return _render(
        request, "scenario.html", row=row, scenario=scenario, runs=runs, figures=figures,
        latest=latest, models=MODEL_NAMES, saved=request.query_params.get("saved"),
    )


@router.get("/scenarios/{sid}/edit", response_class=HTMLResponse)
def edit_page(request: Request, sid: Id) -> HTMLResponse:
    """The table editor."""
    row = _row(request, sid)
    return _render(
        request, "edit.html", row=row, scenario=_scenario(row, row.name), errors={},
        general=[], values=None,
    )


@router.post("/scenarios/{sid}/edit", response_class=HTMLResponse)
async def edit_save(request: Request, sid: Id) -> Response:
    """Save the table editor's numbers, or show the messages at the fields."""
    row = _row(request, sid)
    scenario = _scenario(row, row.name)
    async with request.form() as form:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
    res = apply_form(scenario, values)
    if res.scenario is None:
        return _render(
            request, "edit.html", 400, row=row, scenario=scenario, errors=res.errors,
            general=res.general, values=res.values,
        )
    store_scenario(_store(request), res.scenario, row.name, sid)
    return RedirectResponse(f"/scenarios/{sid}?saved=1", status_code=303)


@router.post("/scenarios/{sid}/run")
async def start_run(request: Request, sid: Id) -> Response:
    """Queue a run from the scenario page's forms, then show its page."""
    row = _row(request, sid)
    async with request.form() as form:
        body: dict[str, Any] = {"kind": form.get("kind", "")}
        for key in ("models", "levers"):
            items = [m for m in form.getlist(key) if isinstance(m, str) and m]
            if items:
                body[key] = items
        for key in ("rounds", "draws", "seed"):
            v = form.get(key)
            if isinstance(v, str) and v.strip():
                body[key] = v.strip()
    try:
        req = RunRequest.model_validate(body)
        options = check_request(req)
    except (ValidationError, ParleyError) as exc:
        msg = str(exc) if isinstance(exc, ParleyError) else "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return PlainTextResponse(f"cannot start the run: {msg}", status_code=400)
    rid = _store(request).add_run(row, req.kind, options)
    request.app.state.runner.submit(rid, row.name)
    return RedirectResponse(f"/runs/{rid}", status_code=303)


@router.get("/runs/{rid}", response_class=HTMLResponse)
def run_page(request: Request, rid: Id) -> HTMLResponse:
    """A run: progress while it runs; its tables and charts once done."""
    run = _store(request).get_run(rid)
    if run is None:
        raise HTTPException(404, f"no run {rid}")
    row = _row(request, run.scenario_id)
    scenario = _scenario(run, row.name)
    ctx: dict[str, Any] = {"run": run, "row": row, "scenario": scenario, "figures": []}
    if run.status == "done" and run.kind == "forecast":
        for i in scenario.issues:
            ctx["figures"].append((i.id, charts.issue_figure(scenario, i.id, run.result)))
            traj = charts.trajectory_figure(scenario, i.id, run.result)
            if traj is not None:
                ctx["figures"].append((f"{i.id}-rounds", traj))
    elif run.status == "done" and run.kind == "outcomes":
        ctx["figures"].append(("outcomes", charts.outcome_figure(run.result)))
    if run.status == "done":
        ctx["result_json"] = json.dumps(run.result, indent=2, ensure_ascii=False)
    return _render(request, "run.html", **ctx)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: int, b: int) -> HTMLResponse:
    """Two runs side by side: each forecast or outcome probability, and the difference."""
    store = _store(request)
    ra, rb = store.get_run(a), store.get_run(b)
    if ra is None or rb is None:
        raise HTTPException(404, "no such run")
    problem = None
    rows: list[tuple[str, str, float | None, float | None]] = []
    if ra.status != "done" or rb.status != "done":
        problem = "both runs must be done to be compared"
    elif ra.kind != rb.kind or ra.kind not in ("forecast", "outcomes"):
        problem = "only two forecast runs or two outcomes runs can be compared"
    elif ra.kind == "forecast":
        models = list(dict.fromkeys([*ra.result["models"], *rb.result["models"]]))
        issues = list(dict.fromkeys(
            i for r in (ra, rb) for m in r.result["models"].values() for i in m["issues"]
        ))
        for iid in issues:
            for m in models:
                rows.append((iid, m, _pos(ra.result, m, iid), _pos(rb.result, m, iid)))
    else:
        pa = {o["id"]: o["probability"] for o in ra.result["outcomes"]}
        pb = {o["id"]: o["probability"] for o in rb.result["outcomes"]}
        for oid in dict.fromkeys([*pa, *pb]):
            rows.append((oid, "probability", pa.get(oid), pb.get(oid)))
        rows.append(("no agreement", "probability", ra.result["no_agreement"],
                     rb.result["no_agreement"]))
    return _render(request, "compare.html", a=ra, b=rb, rows=rows, problem=problem)


def _pos(result: dict[str, Any], model: str, issue: str) -> float | None:
    f = result["models"].get(model, {}).get("issues", {}).get(issue)
    return None if f is None else f["position"]


@router.get("/scenarios/{sid}/download.yaml")
def download_yaml(request: Request, sid: Id) -> Response:
    """The scenario as a YAML file."""
    from parley.scenario.yaml_io import dump_yaml

    row = _row(request, sid)
    return Response(
        dump_yaml(_scenario(row)), media_type="application/x-yaml",
        headers={"content-disposition": f'attachment; filename="{slug(row.name)}.yaml"'},
    )


@router.get("/scenarios/{sid}/download.csv")
def download_csv(request: Request, sid: Id) -> Response:
    """The scenario as a Decide CSV file (what that format cannot hold is left out)."""
    from parley.scenario.decide import dump_decide

    row = _row(request, sid)
    return Response(
        dump_decide(_scenario(row, row.name)), media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{slug(row.name)}.csv"'},
    )


@router.get("/scenarios/{sid}/report.html")
def download_report(request: Request, sid: Id) -> Response:
    """The offline HTML report of the scenario (``parley report``), as a file to keep."""
    from parley.forecast import forecast, resolve
    from parley.report.brief import build_brief
    from parley.report.html import report_html

    row = _row(request, sid)
    loaded = resolve(_scenario(row))
    fc = forecast(loaded, interval=0.8, seed=0).to_dict()
    text = report_html(build_brief(loaded, seed=0, forecast_data=fc), loaded, fc)
    return Response(
        text, media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{slug(row.name)}-report.html"'},
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (answered so that browsers do not log a 404)."""
    return Response(status_code=204)


@router.get("/static/{name}")
def static(name: str) -> Response:
    """One of the app's fixed static files (the name picks from a fixed table)."""
    entry = STATIC.get(name)
    if entry is None:
        raise HTTPException(404, "no such file")
    package, inside, media = entry
    data = (resources.files(package) / inside).read_bytes()
    return Response(data, media_type=media, headers={"cache-control": "max-age=3600"})
