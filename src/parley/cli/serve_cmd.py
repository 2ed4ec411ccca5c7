"""``parley serve``: the web app on this machine (needs the ``web`` extra)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from parley.cli._common import fail, stderr


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; any but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="SQLite database file (default: parley.db in the user's "
                     "data directory; created on first start)."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Access token every request must carry (default: "
                     "$PARLEY_TOKEN); required when not bound to loopback."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Runs computed at the same time.")
    ] = 2,
) -> None:
    """Serve the web app: import, edit and run scenarios in the browser, with history."""
    try:
        import uvicorn

        from parley.web import create_app
        from parley.web.security import is_loopback
    except ImportError as exc:
        fail(f"'parley serve' needs the web extra ({exc.name} is missing): "
             "pip install 'parley[web]'")
    token = token or os.environ.get("PARLEY_TOKEN") or None
    if not is_loopback(host) and not token:
        fail(f"refusing to listen on {host} without a token: set PARLEY_TOKEN or pass --token "
             "(or listen on 127.0.0.1)")
    if token is not None and len(token) < 16:
        fail("the token is too short: use at least 16 characters")
    if db is not None and db.exists() and not db.is_file():
        fail(f"{db}: not a regular file")
    if db is not None and not db.parent.exists():
        fail(f"{db}: the directory does not exist")
    try:
        app = create_app(db, token, workers=workers)
    except Exception as exc:  # a database that cannot be opened
        fail(f"cannot open the database: {exc}")
    shown = "localhost" if is_loopback(host) else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    stderr.print(f"parley serving on {url}  (database {app.state.store.path})", highlight=False,
                 markup=False)
    if app.state.recovered:
        stderr.print(f"{app.state.recovered} run(s) left unfinished by the last server were "
                     "marked failed", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
