"""Benchmarks of the exchange model: actors x issues x rounds, time and peak memory.

Run with ``pytest benchmarks/bench_exchange.py --benchmark-only`` (not collected by the normal
test run). Inputs are continuous random numbers from fixed seeds (positions 0-100, saliences
0.1-1, one capability per actor). ``extra_info`` records the candidate exchanges of round 1
and the exchanges realised over all rounds, which drive the cost. Peak memory is measured in a
fresh subprocess as the high-water mark of its resident memory (``VmHWM``, Linux), so it
includes the interpreter, numpy and parley, reported separately as ``baseline_rss_mb``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from parley.models.exchange import (
    ExchangeRun,
    ExchangeSettings,
    run_exchange,
    run_exchange_batch,
)

try:
    import numba  # noqa: F401

    ENGINES = ["numpy", "numba"]
except ImportError:  # the compiled engine needs the [fast] extra
    ENGINES = ["numpy"]


def _inputs(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, m))
    s = rng.uniform(0.1, 1, (n, m))
    c = np.repeat(rng.uniform(1, 10, (n, 1)), m, axis=1)
    return x, s, c


def _run(n: int, m: int, rounds: int, engine: str = "auto") -> ExchangeRun:
    x, s, c = _inputs(n, m)
    return run_exchange(x, s, c, settings=ExchangeSettings(rounds=rounds, engine=engine))


def _warm(engine: str) -> None:
    """Compile (or load from numba's cache) before timing: the compile cost is paid once per
    installation, not per run."""
    if engine == "numba":
        _run(8, 3, 1, engine)


def _record(benchmark, run: ExchangeRun) -> None:
    benchmark.extra_info["candidates_round_1"] = run.rounds[0].n_candidates
    benchmark.extra_info["exchanges"] = sum(r.n_exchanges for r in run.rounds)
    benchmark.extra_info["rounds_run"] = len(run.rounds)


_PROBE = """
import json, sys
import numpy as np
import parley.models.exchange as ex

def hwm_kb():
    # VmHWM belongs to this process image (reset by exec), unlike ru_maxrss, which a child
    # inherits from the (large) pytest process that forked it
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

n, m, rounds = map(int, sys.argv[1:4])
engine = sys.argv[4]
rng = np.random.default_rng(0)
x = rng.uniform(0, 100, (n, m))
s = rng.uniform(0.1, 1, (n, m))
c = np.repeat(rng.uniform(1, 10, (n, 1)), m, axis=1)
base = hwm_kb()
ex.run_exchange(x, s, c, settings=ex.ExchangeSettings(rounds=rounds, engine=engine))
print(json.dumps({"baseline_kb": base, "peak_kb": hwm_kb()}))
"""


def _peak_memory(benchmark, n: int, m: int, rounds: int, engine: str = "auto") -> None:
    if not os.path.exists("/proc/self/status"):  # VmHWM is Linux-only
        return
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(n), str(m), str(rounds), engine],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(out.stdout)
    benchmark.extra_info["peak_rss_mb"] = round(mem["peak_kb"] / 1024, 1)
    benchmark.extra_info["baseline_rss_mb"] = round(mem["baseline_kb"] / 1024, 1)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("n", [10, 100])
def test_actors_x10_issues_x10_rounds(benchmark, n: int, engine: str) -> None:
    _warm(engine)
    run = benchmark(_run, n, 10, 10, engine)
    _record(benchmark, run)
    _peak_memory(benchmark, n, 10, 10, engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rounds", [1, 10])
def test_1000_actors_x10_issues(benchmark, rounds: int, engine: str) -> None:
    """Target (10 rounds): 10 s. Default settings (no candidate cap). Each case is measured
    once; peak memory in a fresh process must stay well under 1 GB."""
    _warm(engine)
    run = benchmark.pedantic(_run, args=(1000, 10, rounds, engine), rounds=1, iterations=1)
    _record(benchmark, run)
    _peak_memory(benchmark, 1000, 10, rounds, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_15_actors_x13_issues_x10_rounds(benchmark, engine: str) -> None:
    """Target: 50 ms in process."""
    _warm(engine)
    run = benchmark(_run, 15, 13, 10, engine)
    _record(benchmark, run)
    _peak_memory(benchmark, 15, 13, 10, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_batch_100_draws_15_actors_x13_issues_x10_rounds(benchmark, engine: str) -> None:
    """The draws axis: 100 draws of the 15 x 13 case solved together (run_exchange_batch);
    compare with 100 x the single run above."""
    _warm(engine)
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, (100, 15, 13))
    s = rng.uniform(0.1, 1, (100, 15, 13))
    c = np.repeat(rng.uniform(1, 10, (100, 15, 1)), 13, axis=2)
    st = ExchangeSettings(rounds=10, engine=engine)
    out = benchmark.pedantic(run_exchange_batch, args=(x, s, c, None, st), rounds=3,
                             iterations=1)
    assert out.shape == (100, 13)


@pytest.mark.parametrize("m", [5, 10, 20])
def test_growth_with_issues_30_actors_x5_rounds(benchmark, m: int) -> None:
    run = benchmark(_run, 30, m, 5)
    _record(benchmark, run)


@pytest.mark.parametrize("rounds", [1, 5, 20])
def test_growth_with_rounds_30_actors_x10_issues(benchmark, rounds: int) -> None:
    run = benchmark(_run, 30, 10, rounds)
    _record(benchmark, run)


@pytest.mark.parametrize("n", [30, 300])
def test_growth_with_actors_x10_issues_x1_round(benchmark, n: int) -> None:
    run = benchmark(_run, n, 10, 1)
    _record(benchmark, run)
