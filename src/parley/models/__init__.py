"""Forecasting models, one per module, each a pure function over (actors x issues) arrays."""

from parley.models.compromise import compromise
from parley.models.median import weighted_median
from parley.models.registry import MODEL_NAMES, ModelOptions, ModelSpec, get_model
from parley.models.result import IssueForecast, ModelResult

__all__ = [
    "MODEL_NAMES",
    "IssueForecast",
    "ModelOptions",
    "ModelResult",
    "ModelSpec",
    "compromise",
    "get_model",
    "weighted_median",
]
