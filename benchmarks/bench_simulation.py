"""Benchmarks of ``parley simulate``: time and peak memory against actors, issues, rounds, draws.

Three ways to run it:

* ``python benchmarks/bench_simulation.py [CASE ...]`` prints one JSON line per case: wall and
  CPU time, peak memory (max RSS of a fresh subprocess, so it includes the interpreter and
  numpy, ~60 MB) and the load average;
* ``python benchmarks/bench_simulation.py parts [DRAWS]`` prints the CPU seconds of each part
  of a simulation of the built-in scenario (every model, the zone of agreement, the outcome
  odds), block by block as ``simulate`` runs them (default 2,000 draws);
* ``pytest benchmarks/bench_simulation.py --benchmark-only`` times the same cases with
  pytest-benchmark (not collected by the normal test run).

Synthetic scenarios have continuous random positions, saliences and capabilities from fixed
seeds, every number with a range of +-10% of the scale (so every cell is an input).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

CASES: list[dict[str, Any]] = [
    # the built-in scenario, the models that run on all draws at once, outcomes and zone share
    {"scenario": "ukraine-2025", "draws": 100, "models": ["compromise", "median", "ensemble"]},
    {"scenario": "ukraine-2025", "draws": 10_000, "models": ["compromise", "median"]},
    {"scenario": "ukraine-2025", "draws": 10_000, "models": None, "space_draws": None},
    # size: actors x issues x draws
    {"actors": 20, "issues": 5, "draws": 10_000, "models": ["compromise", "median"]},
    {"actors": 100, "issues": 20, "draws": 1_000, "models": ["compromise", "median"]},
    {"actors": 100, "issues": 20, "draws": 10_000, "models": ["compromise", "median"]},
    # rounds: the dynamic models (batched over draws inside each round)
    {"scenario": "ukraine-2025", "draws": 100, "models": ["compromise", "median"]},
    {"scenario": "ukraine-2025", "draws": 100, "models": ["expected-utility"], "rounds": 5},
    {"scenario": "ukraine-2025", "draws": 100, "models": ["expected-utility"], "rounds": 20},
    {"scenario": "ukraine-2025", "draws": 100, "models": ["exchange"]},
    # every model at 100 draws, against case 2 (every model at 10,000): does batching pay?
    {"scenario": "ukraine-2025", "draws": 100, "models": None, "space_draws": None},
]


def synthetic(n: int, m: int, seed: int = 0) -> Any:
    """Arrays of a random scenario with ``n`` actors and ``m`` issues, every number ranged."""
    import numpy as np

    from parley.scenario.arrays import FIELDS, ScenarioArrays, normalise_capability

    rng = np.random.default_rng(seed)
    mask = np.ones((n, m), dtype=bool)
    vals = {
        "position": rng.uniform(10, 90, (n, m)),
        "salience": rng.uniform(0.2, 0.8, (n, m)),
        "capability": rng.uniform(1, 10, (n, m)),
        "red_line": np.full((n, m), np.nan),
        "no_deal": np.full((n, m), np.nan),
    }
    span = {"position": 10.0, "salience": 0.1, "capability": 0.5}
    low = {f: vals[f] - span.get(f, 0.0) for f in FIELDS}
    high = {f: vals[f] + span.get(f, 0.0) for f in FIELDS}
    return ScenarioArrays(
        actors=tuple(f"a{k}" for k in range(n)), issues=tuple(f"i{k}" for k in range(m)),
        position=vals["position"], salience=vals["salience"],
        capability=normalise_capability(vals["capability"], mask), mask=mask,
        red_line=vals["red_line"], no_deal=vals["no_deal"],
        lower=np.zeros(m), upper=np.full(m, 100.0), low=low, high=high,
        raw_capability=vals["capability"], actor_capability=vals["capability"][:, 0],
        specific=np.ones((n, m), dtype=bool),
    )


def run_case(case: dict[str, Any]) -> tuple[float, float]:
    """Run one case in this process; returns the wall and CPU (user + system) seconds of the
    simulation (not of the imports). On a shared machine the CPU time is the steadier
    figure: the wall time also counts the time other processes held the cores."""
    from parley.scenario.arrays import to_arrays
    from parley.scenario.loader import load_scenario
    from parley.simulation.monte_carlo import simulate

    if "scenario" in case:
        arrays = to_arrays(load_scenario(case["scenario"]).scenario)
    else:
        arrays = synthetic(case["actors"], case["issues"])
    start, cpu = time.perf_counter(), time.process_time()
    simulate(arrays, case["draws"], 0, models=case["models"], rounds=case.get("rounds"),
             space_draws=case.get("space_draws", 0))
    return time.perf_counter() - start, time.process_time() - cpu


def measure(case: dict[str, Any]) -> dict[str, Any]:
    """Wall and CPU time, peak memory and the load average of one case, in a fresh
    subprocess."""
    code = (
        "import json, os, resource, sys\n"
        "sys.path.insert(0, 'benchmarks')\n"
        "from bench_simulation import run_case\n"
        f"t, cpu = run_case({case!r})\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': t, 'cpu_seconds': cpu, 'peak_mb': rss,\n"
        "                  'load_1min': os.getloadavg()[0]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["per_draw_ms"] = 1000 * res["seconds"] / case["draws"]
    res["per_draw_cpu_ms"] = 1000 * res["cpu_seconds"] / case["draws"]
    return {**case, **res}


@pytest.mark.parametrize("case", CASES[:6], ids=lambda c: json.dumps(c, sort_keys=True))
def test_simulate(benchmark, case: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    benchmark.pedantic(run_case, args=(case,), rounds=1, iterations=1)


def parts(draws: int) -> dict[str, float]:
    """CPU seconds of each part of ``simulate`` on the built-in scenario, over ``draws``."""
    from parley.analysis.outcomes import outcome_probabilities
    from parley.analysis.utility import batna_utility, crosses_red_line, package_utility
    from parley.models.registry import MODEL_NAMES, ModelOptions, get_model, run_batch
    from parley.scenario.arrays import to_arrays
    from parley.scenario.loader import load_scenario
    from parley.simulation import monte_carlo as mc

    arrays = to_arrays(load_scenario("ukraine-2025").scenario)
    cpu = time.process_time()
    plan, _, _ = mc.make_plan(arrays, draws, 0)
    out = {"plan": time.process_time() - cpu}

    def clock(name: str, fn: Any, *args: Any) -> None:
        start = time.process_time()
        fn(*args)
        out[name] = out.get(name, 0.0) + time.process_time() - start

    for b in range(len(plan.blocks)):
        arr = mc.from_unit(plan.arrays, list(plan.inputs), mc._unit(plan, b, 1), plan.table)
        for name in MODEL_NAMES:
            if name != "ensemble":  # the ensemble reuses its members' forecasts
                clock(name, run_batch, get_model(name), arr, ModelOptions())
        clock("zone", mc.zone_draws, arr, list(plan.veto), plan.screen, plan.loss)

        def odds(arr: Any = arr) -> None:
            P = plan.packages
            S = package_utility(P, arr, plan.loss) - batna_utility(arr, plan.loss)[..., None, :]
            outcome_probabilities(S, crosses_red_line(P, arr), plan.parties, plan.setter,
                                  plan.precision)

        clock("outcomes", odds)
    return {k: round(v, 3) for k, v in out.items()}


if __name__ == "__main__":
    if sys.argv[1:2] == ["parts"]:
        print(json.dumps(parts(int(sys.argv[2]) if len(sys.argv) > 2 else 2000)))
        sys.exit()
    wanted = [int(a) for a in sys.argv[1:]] or range(len(CASES))
    for k in wanted:
        print(json.dumps(measure(CASES[k])), flush=True)
