"""parley: model and forecast multi-party negotiations.

Load a scenario (a YAML file, a Decide CSV file or a built-in name), run models on it, and get
result objects that convert to plain dicts::

    import parley
    s = parley.load_scenario("ukraine-2025")
    fc = parley.forecast(s, models=["compromise", "median"])
    fc.to_dict()
    odds = parley.outcomes(s, draws=200)   # outcome probabilities of the packages

Models and analyses work on the scenario's arrays (``parley.to_arrays``); these functions
convert at the door.
"""

from typing import TYPE_CHECKING

from parley._lazy import lazy_names
from parley.errors import ModelError, ParleyError, ScenarioError
from parley.forecast import Forecast, forecast  # light: its heavy imports are inside functions

if TYPE_CHECKING:
    from parley.games import game_report
    from parley.models import MODEL_NAMES, IssueForecast, ModelResult, get_model
    from parley.odds import outcome_report, outcomes
    from parley.scenario import (
        DEFAULT_SCENARIO,
        LoadedScenario,
        Scenario,
        ScenarioArrays,
        builtin_names,
        load_scenario,
        save_scenario,
        to_arrays,
    )

# public name -> module; imported on first use, so `import parley` (and every command) pays
# start-up only for what it uses
_LAZY = {
    "MODEL_NAMES": "parley.models.registry",
    "IssueForecast": "parley.models.result",
    "ModelResult": "parley.models.result",
    "get_model": "parley.models.registry",
    "DEFAULT_SCENARIO": "parley.scenario.loader",
    "LoadedScenario": "parley.scenario.loader",
    "builtin_names": "parley.scenario.loader",
    "load_scenario": "parley.scenario.loader",
    "save_scenario": "parley.scenario.loader",
    "Scenario": "parley.scenario.schema",
    "ScenarioArrays": "parley.scenario.arrays",
    "to_arrays": "parley.scenario.arrays",
    "outcomes": "parley.odds",
    "outcome_report": "parley.odds",
    "game_report": "parley.games",
}


__getattr__, __dir__ = lazy_names('parley', _LAZY, globals())


__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SCENARIO",
    "MODEL_NAMES",
    "Forecast",
    "IssueForecast",
    "LoadedScenario",
    "ModelError",
    "ModelResult",
    "ParleyError",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "__version__",
    "builtin_names",
    "forecast",
    "game_report",
    "get_model",
    "load_scenario",
    "outcome_report",
    "outcomes",
    "save_scenario",
    "to_arrays",
]
