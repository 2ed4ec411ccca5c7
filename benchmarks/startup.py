"""Whole-process times of parley's commands (issue 13: start-up targets).

Run from the repository root, with parley installed:

    python benchmarks/startup.py            # median of 7 runs per command
    python benchmarks/startup.py --runs 15
    python benchmarks/startup.py --floor    # also the imports alone: what no command can avoid

Runs each command itself and reports the median wall time, user+sys CPU time and peak RSS of
each run from the kernel's accounting (the figures ``/usr/bin/time -v`` prints); on a busy
machine the CPU time is the steadier figure. With ``--hyperfine`` (when hyperfine is installed)
the wall median is hyperfine's instead.

The commands run with bytecode caching on, as an installed package has it: a
``PYTHONDONTWRITEBYTECODE`` in the environment is dropped for the child processes (otherwise
every run recompiles parley's sources, about 0.05-0.1 s of CPU per command), and the warm-up run
writes the caches. Targets: ``parley --help`` <= 0.25 s,
``parley forecast --model compromise`` <= 0.3 s, ``parley forecast`` <= 0.6 s,
``parley outcomes`` <= 0.5 s, ``parley space`` <= 0.4 s (built-in scenario).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# what the commands cannot avoid: the interpreter and the libraries they need, imported alone
FLOOR = {
    "python -c pass": "pass",
    "import numpy": "import numpy",
    "+ typer, rich.table": "import numpy, typer, rich.table",
    "+ the scenario schema (pydantic)": "import numpy, typer, rich.table, parley.scenario.schema",
    "+ scipy.optimize": "import numpy, typer, rich.table, parley.scenario.schema, scipy.optimize",
}

COMMANDS = {
    "parley --help": (["--help"], 0.25),
    "parley forecast --model compromise": (["forecast", "--model", "compromise"], 0.3),
    "parley forecast": (["forecast"], 0.6),
    "parley outcomes": (["outcomes"], 0.5),
    "parley space": (["space"], 0.4),
}


_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _once(exe: list[str]) -> tuple[float, float, float]:
    """(wall s, user+sys CPU s, peak RSS MB) of one run, from the kernel's accounting."""
    t = time.perf_counter()
    proc = subprocess.Popen(exe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)
    _, _, ru = os.wait4(proc.pid, 0)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def _own(args: list[str], runs: int, exe: list[str] | None = None) -> tuple[float, float, float]:
    exe = exe or [sys.executable, "-m", "parley", *args]
    _once(exe)  # warm-up (bytecode, page cache)
    rows = [_once(exe) for _ in range(runs)]
    return tuple(statistics.median(r[k] for r in rows) for k in range(3))  # type: ignore[return-value]


def _hyperfine(args: list[str], runs: int) -> float:
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        cmd = " ".join([sys.executable, "-m", "parley", *args])
        subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(runs),
                        "--export-json", f.name, cmd], capture_output=True, check=True, env=_ENV)
        return float(json.load(open(f.name))["results"][0]["median"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--hyperfine", action="store_true", help="wall median from hyperfine")
    ap.add_argument("--floor", action="store_true", help="also time the library imports alone")
    opts = ap.parse_args()
    use_hf = opts.hyperfine and shutil.which("hyperfine") is not None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at start: {load:.2f}; medians of {opts.runs} runs")
    print(f"{'command':40} {'wall s':>7} {'cpu s':>7} {'target':>7}  {'met (cpu)':>9}"
          f" {'peak MB':>8}")
    for name, (args, target) in COMMANDS.items():
        wall, cpu, peak = _own(args, opts.runs)
        if use_hf:
            wall = _hyperfine(args, opts.runs)
        met = "yes" if cpu <= target else "no"
        print(f"{name:40} {wall:7.3f} {cpu:7.3f} {target:7.2f}  {met:>9} {peak:8.0f}")
    if opts.floor:
        print("\nimports alone (the floor under the commands above)")
        for name, code in FLOOR.items():
            wall, cpu, peak = _own([], opts.runs, [sys.executable, "-c", code])
            print(f"{name:40} {wall:7.3f} {cpu:7.3f} {'':7}  {'':>9} {peak:8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
