"""The FastAPI application of ``parley serve``: :func:`create_app`.

The app keeps its data in a :class:`~parley.web.storage.Store` (one SQLite file) and runs
analyses on a :class:`~parley.web.service.Runner`. Its JSON API lives under ``/api``
(:mod:`parley.web.api`), its pages at the root (:mod:`parley.web.pages`), and
:class:`~parley.web.security.SecurityMiddleware` wraps both.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

__all__ = ["create_app"]


def create_app(
    db_path: str | Path | None = None,
    token: str | None = None,
    *,
    workers: int = 2,
    max_body: int | None = None,
) -> Any:
    """A FastAPI app serving the scenarios and runs stored in ``db_path``.

    ``db_path`` None means ``parley.db`` in the user's data directory. The database is created
    if missing, migrated if older, and runs that a previous server left unfinished are marked
    failed. With ``token`` set, every request must carry it. ``max_body`` caps request bodies
    (bytes; default :data:`parley.web.security.MAX_BODY`).
    """
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    from parley import __version__
    from parley.errors import ParleyError
    from parley.web import api, pages
    from parley.web.security import MAX_BODY, SecurityMiddleware
    from parley.web.service import Runner
    from parley.web.storage import Store, default_db_path

    store = Store(db_path if db_path is not None else default_db_path())
    recovered = store.recover()
    runner = Runner(store, workers=workers)

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        yield
        runner.shutdown()
        store.close()

    app = FastAPI(
        title="parley",
        version=__version__,
        description="Scenarios, forecasts and outcome odds of multi-party negotiations.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.store = store
    app.state.runner = runner
    app.state.recovered = recovered

    @app.exception_handler(ParleyError)
    async def parley_error(_request: Request, exc: ParleyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=422)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(
        SecurityMiddleware, token=token, max_body=MAX_BODY if max_body is None else max_body
    )
    return app


def _validation_detail(exc: Any) -> list[dict[str, Any]]:
    """FastAPI's validation errors, as JSON-safe data (inputs can hold bytes)."""
    out = []
    for e in exc.errors():
        out.append({
            "loc": [str(x) for x in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        })
    return out
