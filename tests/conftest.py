"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = FIXTURES / "reference"  # copies of ../shared/models/fixtures (inputs + reference runs)


@pytest.fixture
def reference_dir() -> Path:
    """Directory of the reference inputs and outputs of the EU and exchange models."""
    return REFERENCE


# One hypothesis profile for the whole suite (CI loads it too, through this file): no
# per-example deadline, since a loaded CI machine would make timings flaky (speed is checked
# by benchmarks, hangs by the fuzz tests' bounded inputs and the subprocess tests' timeouts),
# and the same example budget everywhere. HYPOTHESIS_PROFILE=thorough runs ten times more.
settings.register_profile(
    "parley",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", parent=settings.get_profile("parley"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "parley"))
