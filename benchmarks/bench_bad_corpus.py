"""Time parley's readers on the bad-input corpus (tests/data/bad): every file through
``python -m parley validate`` (whole process) and through ``load_scenario`` (in process).

Run: ``python benchmarks/bench_bad_corpus.py``. Prints the exit codes, the count of one-line
messages and tracebacks, and the median and slowest times: wall clock and, for the whole
process, CPU time (user + sys of the child, which a loaded machine inflates far less than the
wall clock), with every file above 2 s of CPU time named.
"""

from __future__ import annotations

import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BAD = Path(__file__).parents[1] / "tests" / "data" / "bad"


def main() -> None:
    from parley.errors import ScenarioError
    from parley.scenario.loader import load_scenario

    names = sorted(json.loads((BAD / "manifest.json").read_text("utf-8")))
    whole: dict[str, float] = {}
    cpu: dict[str, float] = {}
    checks = {"exit 2": 0, "one line": 0, "traceback": 0}
    for name in names:
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-m", "parley", "validate", str(BAD / name)],
            capture_output=True, text=True, timeout=120, check=False,
        )
        whole[name] = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[name] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        checks["exit 2"] += proc.returncode == 2
        checks["one line"] += len(proc.stderr.strip().splitlines()) == 1
        checks["traceback"] += "Traceback" in proc.stderr
    inproc: dict[str, float] = {}
    load_scenario("ukraine-2025")
    for name in names:
        t = time.perf_counter()
        with contextlib.suppress(ScenarioError):
            load_scenario(str(BAD / name))
        inproc[name] = time.perf_counter() - t
    print(f"files {len(names)}  " + "  ".join(f"{k}: {v}" for k, v in checks.items()))
    for label, times in (
        ("whole process, wall", whole), ("whole process, CPU", cpu), ("in process", inproc)
    ):
        slowest = max(times, key=lambda n: times[n])
        print(
            f"{label}: median {statistics.median(times.values()):.4f} s, "
            f"max {times[slowest]:.3f} s ({slowest}), total {sum(times.values()):.2f} s"
        )
    over = {n: t for n, t in cpu.items() if t > 2.0}
    print("above 2 s of CPU time: " + (", ".join(f"{n} {t:.2f} s" for n, t in over.items())
                                       or "none"))


if __name__ == "__main__":
    main()
