"""Benchmarks of the expected-utility model: actors x issues x rounds, time and peak memory.

Run with ``pytest benchmarks/bench_expected_utility.py --benchmark-only`` (not collected by the
normal test run). Inputs are continuous random numbers from fixed seeds; the tolerance is 0 so
that every run does all its rounds unless positions reach an exact fixed point (the number of
rounds run is recorded in ``extra_info``). Peak memory is measured in a fresh subprocess with
``resource.getrusage`` (max RSS, so it includes the interpreter and numpy, ~40 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from parley.models.expected_utility import PRESETS, simulate


def _inputs(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, (m, n)), rng.uniform(0.05, 1, (m, n)), rng.uniform(0.05, 1, (m, n))


def _run(n: int, m: int, rounds: int, preset: str, engine: str = "auto") -> int:
    x, c, s = _inputs(n, m)
    cfg = replace(PRESETS[preset], tol=0.0, engine=engine)
    sim = simulate(x, c, s, settings=cfg, rounds=rounds)
    return int(sim.n_rounds.sum())


@pytest.mark.parametrize("preset", ["parley", "scholz2016", "masad2014"])
@pytest.mark.parametrize("n", [10, 100])
def test_actors_x10_issues_x10_rounds(benchmark, n: int, preset: str) -> None:
    done = benchmark(_run, n, 10, 10, preset)
    benchmark.extra_info["issue_rounds_run"] = done


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize("preset", ["parley", "scholz2016"])
def test_1000_actors_x10_issues_x10_rounds(benchmark, preset: str, engine: str) -> None:
    if engine == "numba":
        pytest.importorskip("numba")
        _run(20, 1, 1, preset, engine)  # compile (or load the cache) outside the timing
    done = benchmark.pedantic(_run, args=(1000, 10, 10, preset, engine), rounds=1, iterations=1)
    benchmark.extra_info["issue_rounds_run"] = done


@pytest.mark.parametrize("m", [1, 10, 40])
def test_scaling_in_issues_100_actors(benchmark, m: int) -> None:
    benchmark(_run, 100, m, 10, "parley")


@pytest.mark.parametrize("rounds", [1, 10, 40])
def test_scaling_in_rounds_100_actors(benchmark, rounds: int) -> None:
    benchmark(_run, 100, 10, rounds, "parley")


@pytest.mark.parametrize("n", [200, 400, 800])
def test_scaling_in_actors_one_issue_one_round(benchmark, n: int) -> None:
    benchmark(_run, n, 1, 1, "parley")


_CHILD = """
import json, resource, sys
from dataclasses import replace
import numpy as np
from parley.models.expected_utility import PRESETS, simulate
n, m, rounds, preset = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rng = np.random.default_rng(0)
x = rng.uniform(0, 100, (m, n)); c = rng.uniform(0.05, 1, (m, n)); s = rng.uniform(0.05, 1, (m, n))
simulate(x, c, s, settings=replace(PRESETS[preset], tol=0.0), rounds=rounds)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"base_mb": base / 1024, "peak_mb": peak / 1024}))
"""


@pytest.mark.parametrize(("n", "preset"), [(100, "parley"), (1000, "parley"), (1000, "scholz2016")])
def test_peak_memory(benchmark, n: int, preset: str) -> None:
    """Max RSS of a child process running n actors x 10 issues x 2 rounds (memory per round
    does not grow with rounds)."""

    def child() -> dict:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(n), "10", "2", preset],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout)

    mem = benchmark.pedantic(child, rounds=1, iterations=1)
    benchmark.extra_info.update(mem)
    assert mem["peak_mb"] < 2048
