"""parley's web app (``parley serve``): FastAPI pages and JSON API over a SQLite store.

Needs the ``web`` extra: ``pip install 'parley[web]'``. Import :func:`create_app` from here;
nothing heavy is imported until it is called.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(db_path: Any = None, token: str | None = None, **kwargs: Any) -> Any:
    """Build the app (see :func:`parley.web.app.create_app`)."""
    from parley.web.app import create_app as _create

    return _create(db_path, token, **kwargs)
