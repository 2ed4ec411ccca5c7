"""Backtesting: score forecasting models against the recorded outcomes of past negotiations.

::

    from parley.backtest import run_backtest
    result = run_backtest("cases/")
    result.models["compromise"]["mae"]
    result.to_dict()

See :mod:`parley.backtest.cases` for the case format and :mod:`parley.backtest.scoring` for the
scores.
"""

from typing import TYPE_CHECKING

from parley._lazy import lazy_names

if TYPE_CHECKING:
    from parley.backtest.cases import Case, IssueOutcome, OutcomeFile, load_cases, load_outcome
    from parley.backtest.runner import (
        BacktestResult,
        Failure,
        IssueScore,
        run_backtest,
        score_cases,
    )
    from parley.backtest.scoring import brier_score, scaled_error, summarise

# public name -> module, imported on first use: `parley forecast` needs only the calibration
# (parley.backtest.conformal), not the case reader and the runner
_LAZY = {
    **dict.fromkeys(("Case", "IssueOutcome", "OutcomeFile", "load_cases", "load_outcome"),
                    "parley.backtest.cases"),
    **dict.fromkeys(("BacktestResult", "Failure", "IssueScore", "run_backtest", "score_cases"),
                    "parley.backtest.runner"),
    **dict.fromkeys(("brier_score", "scaled_error", "summarise"), "parley.backtest.scoring"),
}


__getattr__, __dir__ = lazy_names('parley.backtest', _LAZY, globals())


__all__ = [
    "BacktestResult",
    "Case",
    "Failure",
    "IssueOutcome",
    "IssueScore",
    "OutcomeFile",
    "brier_score",
    "load_cases",
    "load_outcome",
    "run_backtest",
    "scaled_error",
    "score_cases",
    "summarise",
]
