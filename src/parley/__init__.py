"""parley: model and forecast multi-party negotiations.

Load a scenario (a YAML file, a Decide CSV file or a built-in name), run models on it, and get
result objects that convert to plain dicts::

    import parley
    s = parley.load_scenario("ukraine-2025")
    fc = parley.forecast(s, models=["compromise", "median"])
    fc.to_dict()
"""

from parley.errors import ModelError, ParleyError, ScenarioError
from parley.forecast import Forecast, forecast
from parley.models import MODEL_NAMES, IssueForecast, ModelResult, get_model
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
    "get_model",
    "load_scenario",
    "save_scenario",
    "to_arrays",
]
