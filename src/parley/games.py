"""A scenario's game: the front door of ``parley game`` for Python users.

:mod:`parley.analysis.game_report` works on the scenario's arrays, its game tree and its levers
(the array contract of :mod:`parley.scenario.arrays`); these functions take a validated
:class:`~parley.scenario.schema.Scenario` (or a loaded one, a file or a built-in name, see
:func:`parley.forecast.resolve`) and hand those over.
"""

from __future__ import annotations

from typing import Any

__all__ = ["game_efg", "game_report"]


def _parts(scenario: Any) -> tuple[Any, Any, list[Any]]:
    from parley.forecast import resolve
    from parley.scenario.arrays import to_arrays
    from parley.scenario.schema import Scenario

    s = scenario if isinstance(scenario, Scenario) else resolve(scenario).scenario
    return to_arrays(s), s.game, list(s.levers)


def game_report(scenario: Any, name: str, **options: Any) -> dict[str, Any]:
    """Everything ``parley game`` reports (:func:`parley.analysis.game_report.game_report`;
    ``options`` are that function's)."""
    from parley.analysis.game_report import game_report as run

    arrays, game, levers = _parts(scenario)
    return run(arrays, game, name, levers=levers, **options)


def game_efg(scenario: Any, name: str, **options: Any) -> str:
    """The scenario's game in Gambit's ``.efg`` format
    (:func:`parley.analysis.game_report.game_efg`)."""
    from parley.analysis.game_report import game_efg as run

    arrays, game, levers = _parts(scenario)
    return run(arrays, game, name, levers=levers, **options)
