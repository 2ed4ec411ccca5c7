"""The SQLite store: schema version, WAL, transactions, recovery of interrupted runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parley.web.storage import INTERRUPTED, SCHEMA_VERSION, Store


def test_created_on_first_use_with_schema_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert not path.exists()
    store = Store(path)
    assert path.exists()
    assert store.version() == SCHEMA_VERSION
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
    con.close()
    store.close()
    # opening again keeps one version row
    again = Store(path)
    assert again.version() == SCHEMA_VERSION
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM schema_version").scalar() == 1
    again.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="newer parley"):
        Store(path)


def test_scenario_revisions_and_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    sid = store.add_scenario("s", "S", "title: S\n")
    assert store.update_scenario(sid, "S2", "title: S2\n") == 2
    assert store.update_scenario(sid + 100, "x", "y") is None
    row = store.get_scenario(sid)
    assert row is not None and (row.revision, row.title) == (2, "S2")
    rid = store.add_run(row, "forecast", {"rounds": 3})
    run = store.get_run(rid)
    assert run is not None and run.status == "queued" and run.options == {"rounds": 3}
    assert run.scenario_revision == 2 and run.scenario_content == "title: S2\n"
    store.start_run(rid)
    store.progress(rid, 1.7, "half")
    assert store.get_run(rid).progress == 1.0  # clipped
    store.finish_run(rid, {"a": [1, 2]})
    done = store.get_run(rid)
    assert done.status == "done" and done.result == {"a": [1, 2]}
    assert "result" in done.to_dict() and "result" not in done.to_dict(with_result=False)
    assert store.count() == {"scenarios": 1, "runs": 1}


def test_recover_marks_unfinished_runs_failed(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    sid = store.add_scenario("s", "S", "title: S\n")
    row = store.get_scenario(sid)
    queued, running, done = (store.add_run(row, "forecast", {}) for _ in range(3))
    store.start_run(running)
    store.start_run(done)
    store.finish_run(done, {"ok": True})
    store.close()
    reopened = Store(tmp_path / "db")
    assert reopened.recover() == 2
    for rid in (queued, running):
        run = reopened.get_run(rid)
        assert run.status == "failed" and run.error == INTERRUPTED
        assert run.to_dict()["error"] == INTERRUPTED
    assert reopened.get_run(done).status == "done"
    assert reopened.recover() == 0


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    sid = store.add_scenario("s", "S", "title: S\n")
    row = store.get_scenario(sid)
    with pytest.raises(ValueError):
        store.finish_run(store.add_run(row, "forecast", {}), {"x": float("nan")})
    assert store.get_run(1).status == "queued"  # the NaN result was never written
