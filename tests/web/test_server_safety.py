"""Data safety (issue 11.5) and load (11.6) against a real ``parley serve`` subprocess."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from parley.web.storage import INTERRUPTED, Store
from tests.web.conftest import UKRAINE
from tests.web.loadgen import SMALL, run_load, summary

pytestmark = pytest.mark.slow


def _yaml(c: httpx.Client, text: str) -> int:
    r = c.post("/api/scenarios", content=text, headers={"content-type": "application/x-yaml"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_sigkill_in_the_middle_of_runs_loses_nothing_saved(tmp_path: Path, server_factory) -> None:
    db = tmp_path / "kill.db"
    server = server_factory(db)
    with httpx.Client(base_url=server.url, timeout=60) as c:
        ids = [_yaml(c, SMALL.replace("Load test", f"Kill {k}")) for k in range(8)]
        big = _yaml(c, UKRAINE.read_text())
        c.put(f"/api/scenarios/{ids[0]}", content=SMALL.replace("Load test", "Edited"),
              headers={"content-type": "application/x-yaml"})
        saved = {sid: c.get(f"/api/scenarios/{sid}").json() for sid in [*ids, big]}
        quick = c.post(f"/api/scenarios/{ids[1]}/runs", json={"kind": "forecast"}).json()["id"]
        while c.get(f"/api/runs/{quick}").json()["status"] != "done":
            time.sleep(0.05)
        done = c.get(f"/api/runs/{quick}").json()
        long_runs = [
            c.post(f"/api/scenarios/{big}/runs",
                   json={"kind": "outcomes", "draws": 200_000}).json()["id"]
            for _ in range(3)
        ]
        end = time.monotonic() + 30
        while c.get(f"/api/runs/{long_runs[0]}").json()["status"] != "running":
            assert time.monotonic() < end
            time.sleep(0.05)
    server.kill()

    server2 = server_factory(db)
    with httpx.Client(base_url=server2.url, timeout=60) as c:
        for sid, before in saved.items():
            assert c.get(f"/api/scenarios/{sid}").json() == before
        assert c.get(f"/api/runs/{quick}").json() == done
        for rid in long_runs:
            run = c.get(f"/api/runs/{rid}").json()
            assert run["status"] == "failed" and run["error"] == INTERRUPTED
    store = Store(db)
    assert store.count() == {"scenarios": 9, "runs": 4}
    store.close()


def test_load_50_clients_x_20_requests(tmp_path: Path, server_factory) -> None:
    db = tmp_path / "load.db"
    server = server_factory(db, "--workers", "2")
    res = run_load(server.url, clients=50, requests=20)
    print("\n" + summary(res))
    codes = [code for _, _, code in res["latencies"]]
    assert len(codes) == 50 * 20
    assert all(code < 500 for code in codes)
    assert all(code in (200, 201, 202) for code in codes), sorted(set(codes))
    # let the queued runs finish, then count every write in the database
    with httpx.Client(base_url=server.url, timeout=60) as c:
        end = time.monotonic() + 180
        for rid in res["run_ids"]:
            while c.get(f"/api/runs/{rid}").json()["status"] in ("queued", "running"):
                assert time.monotonic() < end
                time.sleep(0.1)
    server.stop()
    store = Store(db)
    rows = store.list_scenarios()
    assert len(rows) == 50 == len(res["puts"])
    for row in rows:
        assert row.revision == 1 + res["puts"][row.id]  # each PUT counted once
        assert len(store.list_runs(row.id)) == res["runs"][row.id]
    assert store.count()["runs"] == sum(res["runs"].values()) == len(set(res["run_ids"]))
    assert all(r.status == "done" for r in store.list_runs(limit=10_000))
    store.close()
