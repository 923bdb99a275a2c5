"""Schemathesis against the running server's own OpenAPI schema: requests generated from the
schema (valid ones, and invalid ones) must never produce a server error. The routes that run
the language model (/ask, /solve-hybrid) are left out: each generated case would plan with
it; test_api.py checks their validation and test_browser.py their answers."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

LANGUAGE_MODEL_ROUTES = ("/ask", "/solve-hybrid")
EXAMPLES = 25                # per operation and mode


@pytest.fixture(scope="module")
def operations(server):
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    schema = schema.exclude(path=list(LANGUAGE_MODEL_ROUTES))
    found = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in found} == {"/health", "/metrics", "/solve-symbolic",
                                         "/solve-numerical", "/feedback"}
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_cause_no_server_error(server, operations, mode):
    statuses = []
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue                           # no parameters: nothing to make invalid
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            response = case.call(base_url=server.url, timeout=120)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])
        fuzz()
    assert server.alive()
    assert statuses and all(s < 500 for s in statuses)
    if mode == GenerationMode.NEGATIVE:
        assert 422 in statuses                 # invalid requests were refused as such
