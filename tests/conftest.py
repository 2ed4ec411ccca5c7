"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = FIXTURES / "reference"  # copies of ../shared/models/fixtures (inputs + reference runs)


@pytest.fixture
def reference_dir() -> Path:
    """Directory of the reference inputs and outputs of the EU and exchange models."""
    return REFERENCE
