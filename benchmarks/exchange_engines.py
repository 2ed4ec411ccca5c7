"""Exchange model: the numpy and numba engines side by side, wall and CPU time.

Usage: ``python benchmarks/exchange_engines.py small|mid|batch`` (needs ``.[fast]``). Prints
the minimum over repeated runs of wall time (``perf_counter``) and CPU time (``process_time``);
CPU time is the steadier figure when other jobs share the machine. Same inputs as
``bench_exchange.py`` (seed 0; the batch case seed 1).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from parley.models.exchange import ExchangeSettings, run_exchange, run_exchange_batch


def _inputs(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, m))
    s = rng.uniform(0.1, 1, (n, m))
    c = np.repeat(rng.uniform(1, 10, (n, 1)), m, axis=1)
    return x, s, c


def _best(f: Callable[[], Any], reps: int) -> tuple[float, float, Any]:
    best_w = best_c = float("inf")
    out = None
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        out = f()
        w1, c1 = time.perf_counter(), time.process_time()
        best_w, best_c = min(best_w, w1 - w0), min(best_c, c1 - c0)
    return best_w, best_c, out


def _single(n: int, m: int, rounds: int, reps: int) -> None:
    for eng in ("numpy", "numba"):
        st = ExchangeSettings(rounds=rounds, engine=eng)
        w, c, r = _best(lambda st=st: run_exchange(*_inputs(n, m), settings=st), reps)
        k = sum(q.n_exchanges for q in r.rounds)
        print(f"{n}x{m}x{rounds} {eng}: wall {w:.4f} s  cpu {c:.4f} s  exchanges {k}")


def _batch(draws: int = 100) -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, (draws, 15, 13))
    s = rng.uniform(0.1, 1, (draws, 15, 13))
    c = np.repeat(rng.uniform(1, 10, (draws, 15, 1)), 13, axis=2)
    for eng in ("numpy", "numba"):
        st = ExchangeSettings(rounds=10, engine=eng)
        w, cc, _ = _best(lambda st=st: run_exchange_batch(x, s, c, None, st), 2)
        w2, c2, _ = _best(
            lambda st=st: [run_exchange(x[d], s[d], c[d], None, st) for d in range(draws)], 1
        )
        print(f"{draws} draws of 15x13x10 {eng}: batch wall {w:.3f} s cpu {cc:.3f} s; "
              f"one run per draw wall {w2:.3f} s cpu {c2:.3f} s")


if __name__ == "__main__":
    run_exchange(*_inputs(8, 3), settings=ExchangeSettings(rounds=1, engine="numba"))  # warm
    case = sys.argv[1] if len(sys.argv) > 1 else "small"
    if case == "small":
        _single(15, 13, 10, 7)
    elif case == "mid":
        _single(100, 10, 10, 2)
    else:
        _batch()
