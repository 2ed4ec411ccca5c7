"""The web app's store: scenarios and runs in SQLite through SQLAlchemy 2.

One file holds everything. It is created on first use with a ``schema_version`` table so that
later releases can migrate it (:data:`SCHEMA_VERSION`, :func:`Store._migrate`). The database
runs in WAL mode with ``synchronous=FULL``: every save is one transaction, committed to disk
before the request that made it is answered, so a server killed with SIGKILL loses nothing it
has answered for. Runs left ``queued`` or ``running`` by a server that died are marked
``failed`` when the next server opens the store (:meth:`Store.recover`).

Writes are serialised by a lock inside the process (SQLite allows one writer at a time; the
lock saves threads from spinning on ``database is locked``); reads run concurrently.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

__all__ = [
    "INTERRUPTED",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "RunRow",
    "ScenarioRow",
    "Store",
    "default_db_path",
]

SCHEMA_VERSION = 1
"""Version of the database layout this code writes; older files are migrated on open."""

RUN_STATUSES = ("queued", "running", "done", "failed")

INTERRUPTED = "interrupted: the server stopped before this run finished"
"""The error recorded for a run that a dead server left queued or running."""

BUSY_TIMEOUT_MS = 10_000
"""How long a connection waits for another process's write lock before giving up."""

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id"), nullable=False, index=True),
    Column("scenario_revision", Integer, nullable=False),
    Column("scenario_content", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("options", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("progress", Float, nullable=False, default=0.0),
    Column("message", Text, nullable=True),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
)


def default_db_path() -> Path:
    """``parley.db`` in the user's data directory (created if missing)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("parley", appauthor=False, ensure_exists=True)) / (
        "parley.db"
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class ScenarioRow:
    """A stored scenario (``content`` is its validated data as JSON text)."""

    id: int
    name: str
    title: str
    content: str
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def summary(self) -> dict[str, Any]:
        """The scenario's entry in ``GET /api/scenarios``."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "revision": self.revision,
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
        }


@dataclass(frozen=True)
class RunRow:
    """A stored run: what was asked (``kind``, ``options``), its state and its result."""

    id: int
    scenario_id: int
    scenario_revision: int
    scenario_content: str
    kind: str
    options: dict[str, Any]
    status: str
    progress: float
    message: str | None
    result: Any
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        """The JSON of ``GET /api/runs/{id}``: ``result`` only once the run is done."""
        out: dict[str, Any] = {
            "id": self.id,
            "scenario_id": self.scenario_id,
            "scenario_revision": self.scenario_revision,
            "kind": self.kind,
            "options": self.options,
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
            "created_at": self.created_at.isoformat() + "Z",
            "started_at": None if self.started_at is None else self.started_at.isoformat() + "Z",
            "finished_at": (
                None if self.finished_at is None else self.finished_at.isoformat() + "Z"
            ),
        }
        if self.status == "failed":
            out["error"] = self.error
        if self.status == "done" and with_result:
            out["result"] = self.result
        return out


def _run_row(r: Any) -> RunRow:
    return RunRow(
        id=r.id,
        scenario_id=r.scenario_id,
        scenario_revision=r.scenario_revision,
        scenario_content=r.scenario_content,
        kind=r.kind,
        options=json.loads(r.options),
        status=r.status,
        progress=r.progress,
        message=r.message,
        result=None if r.result is None else json.loads(r.result),
        error=r.error,
        created_at=r.created_at,
        started_at=r.started_at,
        finished_at=r.finished_at,
    )


def _scenario_row(r: Any) -> ScenarioRow:
    return ScenarioRow(
        id=r.id, name=r.name, title=r.title, content=r.content, revision=r.revision,
        created_at=r.created_at, updated_at=r.updated_at,
    )


class Store:
    """Scenarios and runs in one SQLite file at ``path`` (created, and migrated, on open)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(self.engine, "connect", _pragmas)
        self._migrate()

    # -- schema ---------------------------------------------------------------------
    def _migrate(self) -> None:
        """Create the tables of a new file; bring an older file up to :data:`SCHEMA_VERSION`."""
        with self._write_lock, self.engine.begin() as conn:
            metadata.create_all(conn)
            found = conn.execute(select(schema_version.c.version)).scalar()
            if found is None:
                conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
            elif found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: the database was written by a newer parley (schema "
                    f"version {found}, this one knows {SCHEMA_VERSION}); upgrade parley"
                )
            # no older versions exist yet: migrations from version N go here, in order

    def version(self) -> int:
        """The schema version recorded in the file."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(schema_version.c.version)).scalar_one())

    def recover(self) -> int:
        """Mark runs that a dead server left ``queued`` or ``running`` as failed; how many."""
        with self._write_lock, self.engine.begin() as conn:
            res = conn.execute(
                update(runs)
                .where(runs.c.status.in_(("queued", "running")))
                .values(status="failed", error=INTERRUPTED, finished_at=_now())
            )
            return int(res.rowcount or 0)

    # -- scenarios ------------------------------------------------------------------
    def add_scenario(self, name: str, title: str, content: str) -> int:
        """Save a new scenario; its id."""
        now = _now()
        with self._write_lock, self.engine.begin() as conn:
            res = conn.execute(
                insert(scenarios).values(
                    name=name, title=title, content=content, revision=1,
                    created_at=now, updated_at=now,
                )
            )
            return int(res.inserted_primary_key[0])

    def update_scenario(self, sid: int, title: str, content: str) -> int | None:
        """Replace a scenario's content; its new revision, or None if there is no such id."""
        with self._write_lock, self.engine.begin() as conn:
            res = conn.execute(
                update(scenarios)
                .where(scenarios.c.id == sid)
                .values(
                    title=title, content=content, revision=scenarios.c.revision + 1,
                    updated_at=_now(),
                )
            )
            if not res.rowcount:
                return None
            return int(
                conn.execute(select(scenarios.c.revision).where(scenarios.c.id == sid)).scalar_one()
            )

    def get_scenario(self, sid: int) -> ScenarioRow | None:
        """The scenario ``sid``, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        return None if r is None else _scenario_row(r)

    def list_scenarios(self) -> list[ScenarioRow]:
        """Every scenario, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(scenarios).order_by(scenarios.c.id.desc())).all()
        return [_scenario_row(r) for r in rows]

    # -- runs -----------------------------------------------------------------------
    def add_run(self, scenario: ScenarioRow, kind: str, options: dict[str, Any]) -> int:
        """Queue a run of ``kind`` on the scenario as it is now; its id."""
        with self._write_lock, self.engine.begin() as conn:
            res = conn.execute(
                insert(runs).values(
                    scenario_id=scenario.id, scenario_revision=scenario.revision,
                    scenario_content=scenario.content, kind=kind,
                    options=json.dumps(options, sort_keys=True), status="queued",
                    progress=0.0, created_at=_now(),
                )
            )
            return int(res.inserted_primary_key[0])

    def start_run(self, rid: int) -> None:
        """Mark the run as running."""
        self._set(rid, status="running", started_at=_now(), message="started")

    def progress(self, rid: int, fraction: float, message: str) -> None:
        """Record how far the run has got (0-1) and what it is doing."""
        self._set(rid, progress=max(0.0, min(1.0, fraction)), message=message)

    def finish_run(self, rid: int, result: Any) -> None:
        """Store the result of a run and mark it done."""
        text = json.dumps(result, ensure_ascii=False, allow_nan=False)
        self._set(
            rid, status="done", progress=1.0, message="done", result=text, finished_at=_now()
        )

    def fail_run(self, rid: int, error: str) -> None:
        """Mark the run as failed, with the reason."""
        self._set(rid, status="failed", error=error, message="failed", finished_at=_now())

    def _set(self, rid: int, **values: Any) -> None:
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == rid).values(**values))

    def get_run(self, rid: int) -> RunRow | None:
        """The run ``rid``, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(select(runs).where(runs.c.id == rid)).first()
        return None if r is None else _run_row(r)

    def list_runs(self, scenario_id: int | None = None, limit: int = 200) -> list[RunRow]:
        """Runs, newest first (of one scenario if ``scenario_id`` is given)."""
        q = select(runs).order_by(runs.c.id.desc()).limit(limit)
        if scenario_id is not None:
            q = q.where(runs.c.scenario_id == scenario_id)
        with self.engine.connect() as conn:
            return [_run_row(r) for r in conn.execute(q).all()]

    def count(self) -> dict[str, int]:
        """Rows per table (used by the load and kill tests)."""
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for name, t in (("scenarios", scenarios), ("runs", runs))
            }

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()
