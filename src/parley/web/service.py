"""What the web app does with a request, apart from HTTP: read scenarios, run analyses.

Scenario text is parsed by the same readers the CLI uses (:func:`parley.scenario.loader.parse_text`)
and a run calls the same core functions as the CLI command of the same name, so a run's result
is the JSON the CLI prints with ``--format json``. Runs execute on a small thread pool
(:class:`Runner`) and report their progress to the store as they go.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parley.errors import ParleyError, ScenarioError
from parley.scenario.loader import LoadedScenario, parse_text
from parley.scenario.schema import Scenario
from parley.web.storage import RunRow, Store

__all__ = [
    "MAX_DRAWS",
    "MAX_ROUNDS",
    "RUN_KINDS",
    "RunRequest",
    "Runner",
    "available_kinds",
    "blank_scenario",
    "check_request",
    "execute",
    "from_content",
    "parse_scenario_text",
    "scenario_from_data",
    "slug",
    "to_content",
]

MAX_ROUNDS = 10_000
"""Most rounds a web request may ask of a dynamic model."""
MAX_DRAWS = 200_000
"""Most Monte Carlo draws a web request may ask for."""

RUN_KINDS = ("forecast", "outcomes", "simulate", "compare")


def slug(text: str, default: str = "scenario") -> str:
    """A short name made of letters, digits, '-' and '_' (for stored names and downloads)."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60].lower()
    return s or default


def parse_scenario_text(text: str, label: str, kind: str | None = None) -> Scenario:
    """Parse YAML or Decide CSV text (``kind`` None: guessed from the content, as the CLI does).

    ``label`` names the input in messages; it is never opened. Raises :class:`ScenarioError`.
    """
    if not text.strip():
        raise ScenarioError("the file is empty", file=label)
    try:
        return parse_text(text, label, kind)
    except ParleyError:
        raise
    except (RecursionError, ValueError, TypeError, OverflowError, MemoryError) as exc:
        # the readers should turn every bad input into a ScenarioError; this is the net
        raise ScenarioError(f"cannot read the scenario: {type(exc).__name__}", file=label) from None


def to_content(scenario: Scenario) -> str:
    """How a scenario is stored: its plain data as JSON text (fast to read back)."""
    import json

    from parley.scenario.yaml_io import scenario_to_dict

    return json.dumps(scenario_to_dict(scenario), ensure_ascii=False, allow_nan=False)


@lru_cache(maxsize=128)
def from_content(content: str) -> Scenario:
    """The scenario stored as ``content`` (validated again; cached, scenarios are frozen)."""
    import json

    return scenario_from_data(json.loads(content), "<stored scenario>")


def scenario_from_data(data: Any, label: str = "<request body>") -> Scenario:
    """Validate a scenario given as JSON data, with the YAML reader's messages."""
    from parley.scenario.yaml_io import validation_error

    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a JSON object (title, actors, issues, ...), got {type(data).__name__}",
            file=label,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise validation_error(err, label, None) from None
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ScenarioError(f"invalid scenario: {type(exc).__name__}", file=label) from None


def _unique_ids(names: list[str], what: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in names:
        base = slug(name, what).lower()
        ident, n = base, 2
        while ident in seen:
            ident, n = f"{base}-{n}", n + 1
        seen.add(ident)
        out.append((ident, name))
    return out


def blank_scenario(title: str, actors: list[str], issues: list[str]) -> Scenario:
    """A new scenario: every actor at the middle of every 0-100 issue, salience 0.5 and
    capability 1, to be filled in with the table editor."""
    actors = [a.strip() for a in actors if a.strip()]
    issues = [i.strip() for i in issues if i.strip()]
    if not title.strip():
        raise ScenarioError("give the scenario a title", field="title")
    if not actors:
        raise ScenarioError("name at least one actor, one a line", field="actors")
    if not issues:
        raise ScenarioError("name at least one issue, one a line", field="issues")
    a_ids, i_ids = _unique_ids(actors, "actor"), _unique_ids(issues, "issue")
    data = {
        "title": title.strip(),
        "actors": [{"id": a, "name": n, "capability": 1} for a, n in a_ids],
        "issues": [
            {"id": i, "title": n, "scale": {"min": 0, "max": 100}} for i, n in i_ids
        ],
        "stances": {a: {i: {"position": 50, "salience": 0.5} for i, _ in i_ids} for a, _ in a_ids},
    }
    return scenario_from_data(data, "new scenario")


class RunRequest(BaseModel):
    """Body of ``POST /api/scenarios/{id}/runs``: the kind of run and its options.

    Options follow the CLI command of the same name; those that do not apply to a kind are
    refused.
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["forecast", "outcomes", "simulate", "compare"] = Field(
        description="forecast, outcomes, simulate (Monte Carlo, when available) or compare "
        "(levers against the baseline, when available)."
    )
    models: list[str] | None = Field(
        None, max_length=20, description="forecast: models to run (default all)."
    )
    rounds: int | None = Field(
        None, ge=0, le=MAX_ROUNDS, description="forecast: cap on dynamic models' rounds."
    )
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="Seed of random draws.")
    params: dict[str, dict[str, Any]] | None = Field(
        None, description="forecast: model settings, {model: {key: value}}."
    )
    draws: int | None = Field(None, ge=0, le=MAX_DRAWS, description="Monte Carlo draws.")
    loss: Literal["linear", "quadratic"] | None = Field(None, description="Distance loss.")
    precision: float | None = Field(
        None, ge=0.0, le=1e6, description="outcomes, compare, simulate: logit precision (lambda)."
    )
    consent_bias: float | None = Field(
        None, ge=-1e6, le=1e6, description="outcomes, compare, simulate: log-odds of a "
        "party's consent at zero surplus (alpha)."
    )
    no_proposal: float | None = Field(
        None, ge=-1e6, le=1e6, description="outcomes, compare, simulate: the agenda "
        "setter's log-weight of making no proposal (beta)."
    )
    solutions: bool | None = Field(None, description="outcomes: compute bargaining solutions.")
    levers: list[str] | None = Field(None, max_length=50, description="compare: levers pulled.")
    sets: list[str] | None = Field(
        None, max_length=50, description="compare: changes ACTOR.ISSUE.FIELD=VALUE."
    )

    def options(self) -> dict[str, Any]:
        """The options given, without ``kind`` (what is stored with the run)."""
        return self.model_dump(exclude={"kind"}, exclude_none=True)


_ALLOWED = {
    "forecast": {"models", "rounds", "seed", "params"},
    "outcomes": {"seed", "draws", "loss", "precision", "consent_bias", "no_proposal",
                 "solutions"},
    "simulate": {"models", "rounds", "seed", "draws", "params", "precision", "consent_bias",
                 "no_proposal"},
    "compare": {"levers", "sets", "models", "seed", "draws", "loss", "precision",
                "consent_bias", "no_proposal"},
}


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def available_kinds() -> list[str]:
    """The run kinds this installation can do (simulate and compare need their modules)."""
    out = ["forecast", "outcomes"]
    if _has("parley.simulation.monte_carlo"):
        out.append("simulate")
    if _has("parley.compare"):
        out.append("compare")
    return out


def check_request(req: RunRequest) -> dict[str, Any]:
    """The options of a run request, after checking they make sense (ParleyError if not)."""
    from parley.models.registry import get_model

    if req.kind not in available_kinds():
        raise ParleyError(f"runs of kind '{req.kind}' are not available in this version of parley")
    opts = req.options()
    extra = sorted(set(opts) - _ALLOWED[req.kind])
    if extra:
        raise ParleyError(f"option(s) {', '.join(extra)} do not apply to a {req.kind} run")
    for name in opts.get("models") or []:
        get_model(name)
    for name in opts.get("params") or {}:
        if name not in (opts.get("models") or _all_models()):
            raise ParleyError(f"params: model {name!r} is not among the models run")
    if req.kind == "compare" and not opts.get("levers") and not opts.get("sets"):
        raise ParleyError("nothing to compare: give at least one lever or set")
    return opts


def _all_models() -> list[str]:
    from parley.models.registry import MODEL_NAMES

    return list(MODEL_NAMES)


Progress = Callable[[float, str], None]


def _forecast(loaded: LoadedScenario, opts: dict[str, Any], progress: Progress) -> Any:
    from parley.forecast import Forecast, forecast
    from parley.scenario.arrays import to_arrays

    names = list(dict.fromkeys(opts.get("models") or _all_models()))
    arrays = to_arrays(loaded.scenario)
    models = {}
    for k, name in enumerate(names):
        progress(k / len(names), f"running {name} ({k + 1} of {len(names)})")
        one = forecast(
            loaded, [name], rounds=opts.get("rounds"), seed=opts.get("seed"),
            params={name: (opts.get("params") or {}).get(name, {})}, arrays=arrays,
        )
        models.update(one.models)
    return Forecast(scenario=loaded.name, models=models, issues=arrays.issues).to_dict()


def _outcomes(loaded: LoadedScenario, opts: dict[str, Any], progress: Progress) -> Any:
    from parley.odds import outcome_report

    progress(0.05, "drawing the uncertain inputs and scoring every package")
    kw: dict[str, Any] = {
        k: opts[k]
        for k in ("loss", "seed", "draws", "precision", "consent_bias", "no_proposal",
                  "solutions")
        if k in opts
    }
    kw.setdefault("seed", 0)  # the CLI's default seed
    return outcome_report(loaded.scenario, loaded.name, **kw)


def _simulate(loaded: LoadedScenario, opts: dict[str, Any], progress: Progress) -> Any:
    """The same computation and JSON as ``parley simulate`` (Monte Carlo over the inputs)."""
    from parley.scenario.arrays import to_arrays
    from parley.simulation.monte_carlo import simulate

    progress(0.02, "simulating")
    opts = dict(opts)
    draws = int(opts.pop("draws", 1000))
    seed = opts.pop("seed", 0)

    def step(done: int, total: int) -> None:
        progress(0.02 + 0.96 * done / max(total, 1), f"simulating: {done} of {total} draws")

    res = simulate(to_arrays(loaded.scenario), draws, seed, scenario=loaded.name,
                   progress=step, **opts)
    return res.to_dict()


def _compare(loaded: LoadedScenario, opts: dict[str, Any], progress: Progress) -> Any:
    from parley.compare import compare  # type: ignore[import-not-found]

    progress(0.05, "computing the baseline and the variant")
    levers = opts.pop("levers", None) or ()
    sets = opts.pop("sets", None) or ()
    opts.setdefault("loss", "linear")
    return compare(loaded, levers, sets, **opts)


_EXECUTORS: dict[str, Callable[[LoadedScenario, dict[str, Any], Progress], Any]] = {
    "forecast": _forecast,
    "outcomes": _outcomes,
    "simulate": _simulate,
    "compare": _compare,
}


def execute(run: RunRow, name: str, progress: Progress) -> Any:
    """Run ``run`` on the scenario text it was queued with; its JSON result."""
    scenario = from_content(run.scenario_content)
    loaded = LoadedScenario(scenario, name, None)
    return _EXECUTORS[run.kind](loaded, dict(run.options), progress)


class Runner:
    """Runs queued runs on a thread pool, recording progress and results in the store."""

    def __init__(self, store: Store, workers: int = 2) -> None:
        self.store = store
        self.workers = workers
        self.pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, run_id: int, scenario_name: str) -> None:
        """Queue the stored run ``run_id`` (the pool starts with the first run)."""
        with self._lock:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="parley-run"
                )
            self.pool.submit(self._work, run_id, scenario_name)

    def _work(self, run_id: int, scenario_name: str) -> None:
        store = self.store
        try:
            run = store.get_run(run_id)
            if run is None or run.status != "queued":
                return
            store.start_run(run_id)
            result = execute(run, scenario_name, lambda f, m: store.progress(run_id, f, m))
            store.finish_run(run_id, result)
        except ParleyError as exc:
            store.fail_run(run_id, str(exc))
        except Exception as exc:  # a bug: keep the server up, say so in the run
            store.fail_run(
                run_id,
                f"internal error: {type(exc).__name__}: {exc} (a bug in parley)\n"
                + traceback.format_exc(limit=5),
            )

    def shutdown(self) -> None:
        """Wait for the runs running; queued ones stay queued (the next start fails them)."""
        with self._lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
