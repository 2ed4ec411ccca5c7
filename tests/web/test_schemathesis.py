"""schemathesis against the app's own OpenAPI spec (issue 11.6): no request gets a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from parley.scenario.loader import load_scenario  # noqa: E402
from parley.web import create_app  # noqa: E402
from parley.web.api import store_scenario  # noqa: E402

_DB = Path(tempfile.mkdtemp(prefix="parley-schemathesis-")) / "api.db"
app = create_app(_DB)
# one stored scenario, so that generated ids 1 reach the handlers behind the 404s
store_scenario(app.state.store, load_scenario("paris-2015").scenario, "paris")
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
