"""Start-up budget: what ``import parley`` and each command import (issue 13, part 1).

Times are measured by ``benchmarks/startup.py``; here we pin *what* is imported, which is
what start-up time follows from and, unlike a time, does not depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "pandas", "plotly", "dask", "SALib", "fastapi", "sqlalchemy")

_PROBE = """
import json, runpy, sys
sys.argv = ["parley", *json.loads(sys.argv[1])]
if sys.argv[1:] == ["<import>"]:
    import parley
else:
    try:
        runpy.run_module("parley", run_name="__main__")
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(*args: str) -> set[str]:
    """Every module (full dotted name) imported by ``parley ARGS`` in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True, text=True, timeout=60, check=False,
    )
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def _imported(*args: str) -> set[str]:
    """The top-level packages imported by ``parley ARGS``."""
    return {m.split(".")[0] for m in _modules(*args)}


def test_import_parley_is_light() -> None:
    mods = _imported("<import>")
    assert not mods & {*HEAVY, "numpy", "pydantic", "yaml", "typer", "rich"}


def test_help_imports_no_model_or_scientific_code() -> None:
    mods = _imported("--help")
    assert not mods & {*HEAVY, "numpy", "pydantic", "yaml"}


@pytest.mark.slow
def test_forecast_with_the_compromise_model_does_not_import_scipy() -> None:
    mods = _imported("forecast", "--model", "compromise", "--format", "json")
    assert "numpy" in mods  # the probe does see what the command imports
    assert not mods & set(HEAVY)


@pytest.mark.slow
def test_forecast_reads_the_calibration_without_the_backtest_runner() -> None:
    mods = _modules("forecast", "--model", "compromise", "--format", "json")
    assert "parley.backtest.conformal" in mods  # the 80% intervals are computed
    assert not mods & {"parley.backtest.runner", "parley.backtest.cases", "parley.analysis.space"}


@pytest.mark.slow
def test_forecast_imports_scipy_optimize_only_where_a_polish_runs() -> None:
    """Every model on the built-in scenario: the nash model finds no package that gives every
    bargainer a gain on any issue there (it says so in its fallback), so its Powell polish never
    runs and scipy.optimize (0.4 s of start-up) is not imported."""
    mods = _modules("forecast", "--format", "json")
    assert "parley.analysis.solutions" in mods  # the nash model did search
    assert "scipy.optimize" not in mods
    # and small runs never import numba (0.2 s), installed or not: each engine="auto" decides
    # by size before it looks for numba
    assert "numba" not in {m.split(".")[0] for m in mods}
