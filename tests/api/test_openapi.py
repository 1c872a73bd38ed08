"""The OpenAPI document: generated from the code, committed, and true to real responses."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from service.cli import OPENAPI_FILE, render_openapi

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(render_openapi())


def operations(spec: dict):
    """(path, method, operation) for every operation in the document."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_committed_document_matches_the_code():
    assert OPENAPI_FILE.read_text("utf-8") == render_openapi(), "run `tally openapi` and commit openapi/openapi.json"


def test_served_document_is_the_committed_one(client):
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == json.loads(OPENAPI_FILE.read_text("utf-8"))


def test_document_is_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"


def test_every_operation_has_a_summary_and_documents_its_errors(spec):
    for path, method, operation in operations(spec):
        assert operation.get("summary"), f"{method} {path} has no summary"
        errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
        assert errors, f"{method} {path} documents no error response"


def test_every_parameter_is_described(spec):
    for path, method, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                assert parameter.get("description"), f"{method} {path}: {parameter['name']} has no description"


def test_error_responses_are_problem_json(spec):
    content = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(content) == ["application/problem+json"]


def _validator(spec: dict, path: str, status: str = "200") -> Draft202012Validator:
    schema = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": spec["components"]})


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/v1/figures", "/v1/figures?limit=500"),
        ("/v1/figures", "/v1/figures?status=retracted,disputed,reported,verified&limit=500"),
        ("/v1/claims", "/v1/claims?limit=500"),
        ("/v1/coverage", "/v1/coverage"),
        ("/v1/civilians-killed/totals", "/v1/civilians-killed/totals?group_by=month,location_level"),
        ("/v1/figures/totals", "/v1/figures/totals?metric=displaced&include_disputed=true"),
        ("/v1/changes", "/v1/changes?limit=5"),
        ("/v1/figures/{figure_id}/revisions", "/v1/figures/9/revisions"),
        ("/v1/datasets", "/v1/datasets"),
        ("/v1/displaced", "/v1/displaced"),
        ("/v1/figures/{figure_id}", "/v1/figures/9"),
        ("/v1/sources", "/v1/sources"),
        ("/v1/sources/{source_id}", "/v1/sources/sohr"),
        ("/v1/documents", "/v1/documents"),
        ("/v1/documents/{document_id}", "/v1/documents/1"),
        ("/v1/locations", "/v1/locations"),
        ("/v1/locations/{code}", "/v1/locations/SY02"),
        ("/v1/metrics", "/v1/metrics"),
    ],
)
def test_real_responses_match_their_documented_schema(spec, client, path, url):
    response = client.get(url)
    assert response.status_code == 200
    errors = list(_validator(spec, path).iter_errors(response.get_json()))
    assert errors == []


def test_documented_schemas_are_strict_enough_to_fail(spec):
    """The check above must be able to fail: a wrong type is caught."""
    validator = _validator(spec, "/v1/figures/{figure_id}")
    assert list(validator.iter_errors({"id": "nine", "value": -1.5}))


def _nested_keys(body, prefix=()):
    """Every (path, key) of the objects in a JSON body."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield prefix, key
            yield from _nested_keys(value, (*prefix, key))
    elif isinstance(body, list) and body:
        yield from _nested_keys(body[0], (*prefix, 0))


def _without(body, path, key):
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path:
        target = target[step]
    del target[key]
    return copy


@pytest.mark.parametrize(
    ("path", "url"),
    [("/v1/figures/{figure_id}", "/v1/figures/9"), ("/v1/claims", "/v1/claims?metric=children_under_siege")],
)
def test_a_field_dropped_from_a_response_or_one_added_to_it_breaks_the_documented_schema(spec, client, path, url):
    """Every documented field is required and no other is allowed: a body built without one of its
    fields (as if dropped from the SQL), or with one more, fails the check."""
    body = client.get(url).get_json()
    validator = _validator(spec, path)
    assert list(validator.iter_errors(body)) == []
    keys = [(p, k) for p, k in _nested_keys(body) if not (p and p[-1] in ("attributes", "state"))]
    assert len(keys) > 30
    for where, key in keys:
        assert list(validator.iter_errors(_without(body, where, key))), f"dropping {where}/{key} went unnoticed"
    extra = json.loads(json.dumps(body))
    (extra["data"][0] if "data" in extra else extra)["undocumented"] = 1
    assert list(validator.iter_errors(extra))


def test_swagger_ui_is_served_from_the_installed_package(client):
    page = client.get("/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '"url": "/openapi.json"' in html
    assert "https://" not in html and "cdn" not in html.lower()
    with client.get("/docs/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200 and len(bundle.get_data()) > 100_000
