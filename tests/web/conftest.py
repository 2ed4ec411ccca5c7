"""Fixtures of the web tests: an app on a fresh database, a client, a live server process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from parley.scenario.loader import builtin_path
from parley.web import create_app

UKRAINE = builtin_path("ukraine-2025")
DECIDE = Path(__file__).parents[1] / "fixtures" / "decide"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "parley.db"


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def wait_run(client: Any, rid: int, timeout: float = 60.0) -> dict[str, Any]:
    """Poll ``/api/runs/{rid}`` until the run is done or failed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        run = client.get(f"/api/runs/{rid}").json()
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {rid} did not finish in {timeout} s")


def post_yaml(client: Any, text: str) -> Any:
    return client.post(
        "/api/scenarios", content=text.encode(), headers={"content-type": "application/x-yaml"}
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A ``parley serve`` subprocess on a free loopback port."""

    def __init__(self, db: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "parley", "serve", "--db", str(db), "--port", str(self.port),
             *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self._wait()

    def _wait(self, timeout: float = 30.0) -> None:
        import httpx

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.proc.stderr.read().decode()}")
            try:
                httpx.get(self.url + "/api/kinds", timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def server_factory() -> Iterator[Any]:
    started: list[Server] = []

    def start(db: Path, *extra: str, **kw: Any) -> Server:
        s = Server(db, *extra, **kw)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
