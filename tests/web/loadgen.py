"""Load generator for the server load test (issue 11.6): N clients x M requests on loopback.

Each client creates one scenario, then cycles edit (PUT), run (POST a forecast run) and read
(GET the scenario, GET a run). Run it against a live server as a script to print the figures::

    python -m tests.web.loadgen            # starts its own 'parley serve' on a temp database
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from typing import Any

SMALL = """\
title: Load test talks
actors:
  - {id: north, name: North, capability: 3}
  - {id: south, name: South, capability: 1}
issues:
  - id: border
    title: Where the border runs
    points: {0: north's line, 100: south's line}
stances:
  north: {border: {position: 0, salience: 0.9}}
  south: {border: {position: 100, salience: 0.9}}
"""


def _client_work(base: str, k: int, requests: int, out: dict[str, Any], lock: Any) -> None:
    import httpx

    lat: list[tuple[str, float, int]] = []
    puts = runs = 0
    sid = None
    run_ids: list[int] = []
    with httpx.Client(base_url=base, timeout=60.0) as c:
        for n in range(requests):
            t0 = time.perf_counter()
            if sid is None:
                op = "create"
                r = c.post("/api/scenarios", content=SMALL.replace("Load test", f"Load {k}"),
                           headers={"content-type": "application/x-yaml"})
                if r.status_code == 201:
                    sid = r.json()["id"]
            else:
                op = ("edit", "run", "read", "read-run")[n % 4]
                if op == "edit":
                    body = SMALL.replace("salience: 0.9}}\n  south", f"salience: {0.1 + n / 100}"
                                         "}}\n  south")
                    r = c.put(f"/api/scenarios/{sid}", content=body,
                              headers={"content-type": "application/x-yaml"})
                    puts += r.status_code == 200
                elif op == "run":
                    r = c.post(f"/api/scenarios/{sid}/runs",
                               json={"kind": "forecast", "models": ["compromise", "median"]})
                    if r.status_code == 202:
                        runs += 1
                        run_ids.append(r.json()["id"])
                elif op == "read":
                    r = c.get(f"/api/scenarios/{sid}")
                else:
                    r = c.get(f"/api/runs/{run_ids[-1]}" if run_ids else "/api/scenarios")
            lat.append((op, time.perf_counter() - t0, r.status_code))
    with lock:
        out["latencies"].extend(lat)
        out["puts"][sid] = puts
        out["runs"][sid] = runs
        out["run_ids"].extend(run_ids)


def run_load(base: str, clients: int = 50, requests: int = 20) -> dict[str, Any]:
    """Drive the server at ``base`` (a loopback URL); the latencies and the writes made."""
    if not base.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("the load test runs against loopback addresses only")
    out: dict[str, Any] = {"latencies": [], "puts": {}, "runs": {}, "run_ids": []}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client_work, args=(base, k, requests, out, lock))
        for k in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    out["wall"] = time.perf_counter() - t0
    return out


def percentiles(lat: list[float]) -> dict[str, float]:
    """p50, p90, p99 and max, in milliseconds."""
    q = statistics.quantiles(lat, n=100, method="inclusive")
    return {"p50": 1000 * q[49], "p90": 1000 * q[89], "p99": 1000 * q[98],
            "max": 1000 * max(lat)}


def summary(res: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    rows = ["| request | count | p50 ms | p90 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]
    ops = sorted({op for op, _, _ in res["latencies"]})
    for op in [*ops, "all"]:
        lat = [t for o, t, _ in res["latencies"] if op in ("all", o)]
        p = percentiles(lat)
        rows.append(f"| {op} | {len(lat)} | {p['p50']:.0f} | {p['p90']:.0f} | {p['p99']:.0f} "
                    f"| {p['max']:.0f} |")
    codes = Counter(c for _, _, c in res["latencies"])
    rows.append("")
    rows.append(f"status codes: {dict(sorted(codes.items()))}; wall time {res['wall']:.1f} s")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover - a measuring script
    import tempfile
    from pathlib import Path

    from tests.web.conftest import Server

    with tempfile.TemporaryDirectory() as d:
        server = Server(Path(d) / "load.db")
        try:
            print(summary(run_load(server.url)))
        finally:
            server.stop()
