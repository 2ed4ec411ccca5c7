"""Fixtures for the backtest tests: a small case directory with hand-worked answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TOY = """\
title: Toy
actors:
  - {id: a, capability: 1}
  - {id: b, capability: 3}
issues:
  - {id: x, scale: {min: 0, max: 10}}
  - {id: y, scale: {min: 0, max: 200}}
  - {id: z}
stances:
  a:
    x: {position: 0, salience: 1}
    y: {position: 0, salience: 1}
    z: {position: 0, salience: 1}
  b:
    x: {position: 10, salience: 1}
    y: {position: 200, salience: 1}
    z: {position: 100, salience: 1}
packages:
  - {id: lo, name: Low, positions: {x: 2, y: 40, z: 20}}
  - {id: hi, name: High, positions: {x: 8, y: 160, z: 80}}
"""

# Hand-worked: capabilities 1 and 3 normalise to 0.25 and 0.75, saliences are 1, so the
# compromise is 0.25*lo + 0.75*hi: x = 7.5, y = 150, z = 75. The lower weighted median is b's
# position (a's weight 0.25 < 0.5): x = 10, y = 200, z = 100.
# Against outcomes x = 5 (scale 0-10) and y = 100 (scale 0-200):
#   compromise: x |7.5-5|/10*100 = 25, y |150-100|/200*100 = 25 -> MAE 25, raw 2.5 and 50
#   median:     x |10-5|/10*100 = 50,  y |200-100|/200*100 = 50 -> MAE 50, ratio 2
# z has no recorded outcome: skipped.
TOY_OUTCOME = {
    "source": "hand-made",
    "issues": {"x": {"outcome": 5, "why": "midpoint"}, "y": {"outcome": 100, "extra": 1}},
    "agreed": "hi",
}


def write_case(d: Path, name: str, scenario: str, outcome: object) -> None:
    """Write NAME.yaml and NAME.outcome.json into ``d``."""
    (d / f"{name}.yaml").write_text(scenario, encoding="utf-8")
    text = outcome if isinstance(outcome, str) else json.dumps(outcome)
    (d / f"{name}.outcome.json").write_text(text, encoding="utf-8")


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A case directory holding only the hand-worked toy case."""
    write_case(tmp_path, "toy", TOY, TOY_OUTCOME)
    return tmp_path
