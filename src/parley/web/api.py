"""The JSON API under ``/api`` (its OpenAPI spec is served at ``/openapi.json``).

``POST /api/scenarios`` and ``PUT /api/scenarios/{id}`` take the scenario as YAML text
(``application/x-yaml``), as JSON (the scenario object, or ``{"yaml": TEXT}``), or as a
multipart upload in the field ``file`` (YAML or Decide CSV, told apart by the file name's
suffix or, failing that, by the content, as the CLI does). Nothing from a request names a
file on the server: an upload's file name is only a label in messages.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from parley.errors import ScenarioError
from parley.scenario.schema import Scenario
from parley.web.service import (
    RunRequest,
    available_kinds,
    check_request,
    parse_scenario_text,
    scenario_from_data,
    slug,
    to_content,
)
from parley.web.storage import ScenarioRow, Store

__all__ = ["read_scenario_body", "router", "scenario_from_upload", "store_scenario"]

router = APIRouter(prefix="/api", tags=["api"])

Id = Annotated[int, Path(ge=1, le=2**62)]

_SCENARIO_BODY = {
    "requestBody": {
        "required": True,
        "description": "The scenario: YAML text, JSON, or a multipart upload in field 'file'.",
        "content": {
            "application/x-yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid input: 'detail' says what is wrong, as the CLI would."},
    404: {"description": "No such scenario or run."},
    413: {"description": "The request body is too large."},
    415: {"description": "Unsupported content type."},
}

YAML_TYPES = {"application/x-yaml", "application/yaml", "text/yaml", "text/x-yaml", "text/plain"}
CSV_TYPES = {"text/csv", "text/tab-separated-values"}


def _decode(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            file=label,
            line=line,
        ) from None


def _kind_of(filename: str) -> str | None:
    low = filename.lower()
    if low.endswith((".yaml", ".yml")):
        return "yaml"
    if low.endswith((".csv", ".tsv", ".txt")):
        return "decide"
    return None


async def read_scenario_body(request: Request) -> tuple[Scenario, str]:
    """The scenario in a request body and a name for it (see the module docstring)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        try:
            form = await request.form()
        except Exception as exc:  # malformed multipart bodies
            raise ScenarioError(f"cannot read the multipart body: {exc}") from None
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ScenarioError("the multipart body needs a file in the field 'file'")
            return await scenario_from_upload(upload)
        finally:
            await form.close()
    raw = await request.body()
    if ctype == "application/json":
        try:
            data = json.loads(_decode(raw, "<request body>"))
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                f"invalid JSON: {exc.msg}", file="<request body>", line=exc.lineno
            ) from None
        if isinstance(data, dict) and set(data) <= {"yaml", "name"} and "yaml" in data:
            if not isinstance(data["yaml"], str):
                raise ScenarioError("'yaml' must be a string", file="<request body>")
            sc = parse_scenario_text(data["yaml"], "<request body>", None)
            return sc, slug(str(data.get("name") or sc.title))
        sc = scenario_from_data(data)
        return sc, slug(sc.title)
    if ctype in YAML_TYPES or ctype in CSV_TYPES or ctype == "":
        kind = "decide" if ctype in CSV_TYPES else None if ctype in ("text/plain", "") else "yaml"
        sc = parse_scenario_text(_decode(raw, "<request body>"), "<request body>", kind)
        return sc, slug(sc.title)
    raise HTTPException(
        415,
        f"unsupported content type {ctype!r}: send application/x-yaml, application/json or "
        "multipart/form-data with a field 'file'",
    )


async def scenario_from_upload(upload: Any) -> tuple[Scenario, str]:
    """The scenario in an uploaded file (YAML or Decide CSV, by suffix or content)."""
    filename = str(upload.filename or "upload")
    # the file name is only a label in messages and a default name; never a path on disk
    label = re.sub(r"[^A-Za-z0-9_. -]+", "_", filename.rsplit("/", 1)[-1])[:80] or "upload"
    raw = await upload.read()
    scenario = parse_scenario_text(_decode(raw, label), label, _kind_of(label))
    return scenario, slug(label.rsplit(".", 1)[0], slug(scenario.title))


def store_scenario(store: Store, scenario: Scenario, name: str, sid: int | None = None) -> int:
    """Save a new scenario (``sid`` None) or replace scenario ``sid``; its id."""
    text = to_content(scenario)
    if sid is None:
        return store.add_scenario(name, scenario.title, text)
    if store.update_scenario(sid, scenario.title, text) is None:
        raise HTTPException(404, f"no scenario {sid}")
    return sid


def _store(request: Request) -> Store:
    return request.app.state.store


def _scenario(request: Request, sid: int) -> ScenarioRow:
    row = _store(request).get_scenario(sid)
    if row is None:
        raise HTTPException(404, f"no scenario {sid}")
    return row


@router.post("/scenarios", status_code=201, openapi_extra=_SCENARIO_BODY, responses=_ERRORS)
async def create_scenario(
    request: Request,
    name: Annotated[str | None, Query(max_length=100, description="Name to store it under")] = None,
) -> dict[str, int]:
    """Import a scenario (YAML, JSON or an uploaded YAML or Decide CSV file): ``{"id": ...}``."""
    scenario, guessed = await read_scenario_body(request)
    return {"id": store_scenario(_store(request), scenario, slug(name) if name else guessed)}


@router.get("/scenarios", responses=_ERRORS)
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    """Every stored scenario: id, name, title, revision and times, newest first."""
    return [row.summary() for row in _store(request).list_scenarios()]


@router.get("/scenarios/{sid}", responses=_ERRORS)
def get_scenario(request: Request, sid: Id) -> dict[str, Any]:
    """One scenario: its summary and its content (``scenario``, the YAML file's data as JSON;
    it can be sent back as the body of ``PUT``)."""
    import json

    row = _scenario(request, sid)
    return {**row.summary(), "scenario": json.loads(row.content)}


@router.put("/scenarios/{sid}", openapi_extra=_SCENARIO_BODY, responses=_ERRORS)
async def put_scenario(request: Request, sid: Id) -> dict[str, Any]:
    """Replace a scenario's content (same bodies as POST): ``{"id", "revision"}``."""
    _scenario(request, sid)
    scenario, _ = await read_scenario_body(request)
    store_scenario(_store(request), scenario, "", sid)
    return {"id": sid, "revision": _scenario(request, sid).revision}


@router.get("/scenarios/{sid}/runs", responses=_ERRORS)
def list_runs(request: Request, sid: Id) -> list[dict[str, Any]]:
    """The scenario's runs, newest first (without their results)."""
    _scenario(request, sid)
    return [r.to_dict(with_result=False) for r in _store(request).list_runs(sid)]


@router.post("/scenarios/{sid}/runs", status_code=202, responses=_ERRORS)
def create_run(request: Request, sid: Id, body: RunRequest) -> dict[str, Any]:
    """Queue a run on the scenario as it is now: ``{"id", "status"}``; poll ``/api/runs/{id}``."""
    row = _scenario(request, sid)
    options = check_request(body)
    rid = _store(request).add_run(row, body.kind, options)
    request.app.state.runner.submit(rid, row.name)
    return {"id": rid, "status": "queued"}


@router.get("/runs/{rid}", responses=_ERRORS)
def get_run(request: Request, rid: Id) -> dict[str, Any]:
    """A run: ``status`` (queued, running, done, failed), ``progress`` (0-1), ``message``;
    ``result`` when done (the CLI's ``--format json``), ``error`` when failed."""
    run = _store(request).get_run(rid)
    if run is None:
        raise HTTPException(404, f"no run {rid}")
    return run.to_dict()


@router.get("/kinds")
def kinds() -> dict[str, list[str]]:
    """The kinds of run this server can do."""
    return {"kinds": available_kinds()}
