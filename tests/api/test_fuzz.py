"""Property-based tests over every operation of the OpenAPI document (schemathesis): no input gets a 5xx, and
every response has a documented status, content type and body, anonymously and with a write key."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.support import app_over, database, make_key

# A few examples per operation: enough to meet every parameter's edge values, few enough for a fast suite.
EXAMPLES = 10
# Fixed examples in the suite (a run that passes passes again); TALLY_FUZZ_RANDOM=1 explores new ones.
DERANDOMIZE = not os.environ.get("TALLY_FUZZ_RANDOM")
# Rules OpenAPI cannot express, so a request the document allows may still be refused (422), rightly:
# a date of the right shape that does not exist (2016-13-45); from later than to, min_value above
# max_value, low above value; ids and codes that name nothing (source=xyz, location=nowhere, document 7);
# cursors Tally did not issue. schemathesis's check that documented-valid input is accepted cannot hold.
NOT_EXPRESSIBLE = [checks.positive_data_acceptance]
# Every other check runs. That of statuses means something because no operation documents a catch-all `default`
# response (tests/api/test_openapi.py checks): each status the API answers must be one its operation lists.
# `fields=` trims each figure to the fields asked for: the document says so in words, but a schema cannot make a
# figure's fields required only when `fields` is absent, so the fuzzer sends lists without it.
UNSENT = ("fields",)


@pytest.fixture(scope="module")
def fuzzed(server_url, template_db):
    """The schema of one app over a database of the module's own (writes may land there), and a write key."""
    with database(server_url, template=template_db) as url, app_over(url) as app:
        yield schemathesis.openapi.from_wsgi("/openapi.json", app), make_key(url, "fuzzer", "write")


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("authorised", [False, True], ids=["anonymous", "write-key"])
def test_no_input_gets_a_5xx_and_every_response_is_documented(fuzzed, authorised):
    schema, key = fuzzed
    headers = {"Authorization": f"Bearer {key}"} if authorised else {}
    operations = _operations(schema)
    assert len(operations) >= 45  # every operation of the document, not a few
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=DERANDOMIZE,
        )
        def check(case):
            for name in UNSENT:
                (case.query or {}).pop(name, None)
            case.call_and_validate(headers=headers, excluded_checks=NOT_EXPRESSIBLE)

        try:
            check()
        except Exception as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:400]}")
    assert failures == []
