"""The data API against its own contract: schemathesis reads ``/api/v1/openapi.json`` from the
app (in process, no server), generates queries for every operation, valid ones and invalid ones,
and fails on any 5xx and on any answer the document does not describe (status code, content
type, headers, body schema).

The budget is fixed (``MAX_EXAMPLES`` per operation and generation mode) and the generation is
deterministic, so a run takes the same time and finds the same things every time.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import app as dashboard

MAX_EXAMPLES = 25
"""Generated queries per operation (valid and invalid ones together)."""
MAX_COSTLY = 8
"""The same for the operations that compute group estimates or a dashboard view, which take
up to a few seconds each when nothing is cached yet."""
COSTLY = ["/view", "/aggregates", "/observations"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", dashboard.server)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
)
# The coverage phase would ask for every listed id (236 economies …) of every parameter: the
# budget goes to the examples in the document and to generated queries instead.
schema.config.phases.coverage.enabled = False
cheap = schema.exclude(path=COSTLY)
costly = schema.include(path=COSTLY)
FUZZ_SETTINGS = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}


def keeps_the_contract(case) -> None:
    # In process there is no HTTP client to undo the app's compression (Flask-Compress).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)


@cheap.parametrize()
@settings(max_examples=MAX_EXAMPLES, **FUZZ_SETTINGS)
def test_the_api_keeps_its_contract(case):
    keeps_the_contract(case)


@costly.parametrize()
@settings(max_examples=MAX_COSTLY, **FUZZ_SETTINGS)
def test_the_costly_queries_keep_the_contract(case):
    keeps_the_contract(case)
