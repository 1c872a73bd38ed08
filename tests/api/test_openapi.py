"""The OpenAPI document: generated from the code, committed, and true to real responses."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

# The OpenAPI 3.1 schema (the one that does not check the Schema Objects themselves), as schemathesis ships it.
from schemathesis.specs.openapi.definitions import OPENAPI_31

from service.cli import OPENAPI_FILE, render_openapi
from tests.support import app_over, figure_tag

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


def _parameters(spec: dict):
    """(where, parameter) for every parameter of every operation, those of its path included."""
    for path, method, operation in operations(spec):
        for parameter in spec["paths"][path].get("parameters", []) + operation.get("parameters", []):
            yield f"{method} {path} {parameter['in']}:{parameter['name']}", parameter


def test_every_parameter_is_described_and_has_an_example_it_accepts(spec):
    seen = 0
    for where, parameter in _parameters(spec):
        assert parameter.get("description"), f"{where} has no description"
        example = parameter.get("example", parameter["schema"].get("example"))
        assert example is not None, f"{where} has no example"
        assert list(Draft202012Validator(parameter["schema"]).iter_errors(example)) == [], where
        seen += 1
    assert seen > 350


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


RATE_LIMIT_HEADERS = ("RateLimit-Policy", "RateLimit")
# Status -> the response component every operation references, and the headers it documents.
OPERATIONAL = {
    "429": ("TOO_MANY_REQUESTS", {"Retry-After", *RATE_LIMIT_HEADERS}),
    "503": ("SERVICE_UNAVAILABLE", {"Retry-After", *RATE_LIMIT_HEADERS}),
    "504": ("GATEWAY_TIMEOUT", set(RATE_LIMIT_HEADERS)),
}


def _resolved(spec: dict, item: dict) -> dict:
    """A response or header, its $ref followed."""
    while "$ref" in item:
        *_, kind, name = item["$ref"].split("/")
        item = spec["components"][kind][name]
    return item


def _schema_errors(document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(OPENAPI_31).iter_errors(document)
    ]


def test_document_validates_against_the_openapi_3_1_schema(spec):
    assert _schema_errors(spec) == []


def test_the_validation_can_fail(spec):
    broken = json.loads(json.dumps(spec))
    del broken["paths"]["/v1/figures"]["get"]["responses"]["200"]["description"]
    broken["components"]["headers"]["RateLimit"]["required"] = "sometimes"
    assert len(_schema_errors(broken)) >= 2


def test_every_operation_documents_429_503_and_504_by_reference_to_one_component_each(spec):
    for path, method, operation in operations(spec):
        for status, (component, _) in OPERATIONAL.items():
            assert operation["responses"].get(status) == {"$ref": f"#/components/responses/{component}"}, (
                f"{method} {path} {status}"
            )


def test_429_and_503_document_retry_after_and_504_does_not(spec):
    for status, (component, headers) in OPERATIONAL.items():
        response = spec["components"]["responses"][component]
        assert set(response["headers"]) == headers, status
        for name, header in response["headers"].items():
            assert header == {"$ref": f"#/components/headers/{name}"}, (status, name)
        assert list(response["content"]) == ["application/problem+json"]
    headers = spec["components"]["headers"]
    assert headers["Retry-After"]["required"] is True  # always sent with 429 and 503
    # Absent while rate limits are off: not required, or a client would take a server without limits for a broken one.
    assert not any(headers[name].get("required") for name in RATE_LIMIT_HEADERS)


def test_every_response_of_every_operation_documents_the_rate_limit_headers(spec):
    """Successes carry them inline, errors by their components; all reference the one declaration."""
    for path, method, operation in operations(spec):
        assert any(code.startswith("2") for code in operation["responses"]), f"{method} {path}"
        for code, response in operation["responses"].items():
            headers = _resolved(spec, response).get("headers", {})
            for name in RATE_LIMIT_HEADERS:
                assert headers.get(name) == {"$ref": f"#/components/headers/{name}"}, f"{method} {path} {code} {name}"


def _header_declarations(node, where=()):
    """Every (where, name, header) of a `headers` map in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "headers" and isinstance(value, dict):
                yield from ((where, name, header) for name, header in value.items())
            yield from _header_declarations(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _header_declarations(value, (*where, index))


def test_the_operational_headers_are_declared_once_and_only_referenced_elsewhere(spec):
    names = {"Retry-After", *RATE_LIMIT_HEADERS}
    declared = [
        (where, name) for where, name, header in _header_declarations(spec) if name in names and "$ref" not in header
    ]
    assert declared == [(("components",), name) for name in spec["components"]["headers"] if name in names]
    assert set(spec["components"]["headers"]) >= names


def _header_validator(spec: dict, name: str) -> Draft202012Validator:
    return Draft202012Validator(spec["components"]["headers"][name]["schema"])


def test_the_examples_are_valid_and_the_header_schemas_strict_enough_to_fail(spec):
    problem = Draft202012Validator({"$ref": "#/components/schemas/Problem", "components": spec["components"]})
    for status, (component, _) in OPERATIONAL.items():
        example = spec["components"]["responses"][component]["content"]["application/problem+json"]["example"]
        assert list(problem.iter_errors(example)) == [], status
        assert (example["status"], set(example)) == (int(status), {"type", "title", "status", "detail", "instance"})
    for name, header in spec["components"]["headers"].items():
        assert list(_header_validator(spec, name).iter_errors(header["example"])) == [], name
    assert list(_header_validator(spec, "RateLimit").iter_errors('"reads";q=5;w=60'))  # a policy is not a state
    assert list(_header_validator(spec, "RateLimit-Policy").iter_errors("5"))
    assert list(_header_validator(spec, "Retry-After").iter_errors(0))


def test_the_rate_limit_headers_say_what_their_values_mean_and_when_they_are_absent(spec):
    headers = spec["components"]["headers"]
    for name, members in [
        ("RateLimit-Policy", ("q=", "w=", "reads", "writes", "failed-auth")),
        ("RateLimit", ("r=", "t=")),
    ]:
        description = headers[name]["description"]
        assert all(member in description for member in members), name
        assert "RATE_LIMITS_ENABLED=false" in description, name
    assert "RATE_LIMITS_ENABLED=false" in spec["components"]["responses"]["TOO_MANY_REQUESTS"]["description"]
    assert "No Retry-After" in spec["components"]["responses"]["GATEWAY_TIMEOUT"]["description"]


def test_every_operation_has_a_unique_readable_operation_id_and_a_description(spec):
    ids = [operation.get("operationId") for _, _, operation in operations(spec)]
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", str(name)) for name in ids), ids
    assert len(set(ids)) == len(ids) == 49
    assert {"listFigures", "getFigure", "createFigure", "updateFigure", "listCiviliansKilled"} <= set(ids)
    for path, method, operation in operations(spec):
        assert len(operation.get("description", "")) > 40, f"{method} {path} has no description"


def test_every_success_says_what_it_holds(spec):
    """Not the bare status phrase flask-smorest gives a response documented without a description."""
    for path, method, operation in operations(spec):
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                assert response["description"] != HTTPStatus(int(code)).phrase, f"{method} {path} {code}"


def test_an_import_documents_both_of_its_successes(spec):
    responses = spec["paths"]["/v1/imports"]["post"]["responses"]
    for code in ("200", "201"):
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ImportResult"}


def test_every_component_schema_is_used(spec):
    text = json.dumps(spec["paths"]) + json.dumps({k: v for k, v in spec["components"].items() if k != "schemas"})
    schemas = spec["components"]["schemas"]
    used: set[str] = set()
    while True:  # the schemas the paths and other components use, and those these use, at any depth
        found = {name for name in schemas if f'"#/components/schemas/{name}"' in text} - used
        if not found:
            break
        used |= found
        text = json.dumps([schemas[name] for name in found])
    assert set(schemas) - used == set()
    assert "Problem" in used and "Figure" in used


# A page of each paged collection with a next page on the seed (the seed has one document).
PAGES = {
    "/v1/figures": "/v1/figures?limit=2",
    "/v1/civilians-killed": "/v1/civilians-killed?limit=1",
    "/v1/sources": "/v1/sources?limit=2",
    "/v1/locations": "/v1/locations?limit=2",
    "/v1/claims": "/v1/claims?limit=2",
    "/v1/coverage": "/v1/coverage?limit=2",
}


def _documented_headers(spec: dict, path: str, method: str = "get", status: str = "200") -> dict[str, dict]:
    response = _resolved(spec, spec["paths"][path][method]["responses"][status])
    return {name: _resolved(spec, header) for name, header in response.get("headers", {}).items()}


def test_every_paged_list_documents_link_and_the_validators(spec):
    paged = [
        path
        for path, method, operation in operations(spec)
        if method == "get" and "Link" in _documented_headers(spec, path)
    ]
    assert set(paged) >= set(PAGES) and len(paged) == 11  # six figure lists, four catalogue and analysis pages
    for path, method, _ in operations(spec):
        if method == "get" and path != "/v1/figures/{figure_id}":
            assert {"ETag", "Last-Modified", "Cache-Control"} <= set(_documented_headers(spec, path)), path
            assert spec["paths"][path]["get"]["responses"]["304"] == {"$ref": "#/components/responses/NOT_MODIFIED"}


def _sent_as_documented(spec: dict, path: str, response) -> list[str]:
    """Every documented header sent when required, each value as its schema says."""
    problems = []
    for name, header in _documented_headers(spec, path).items():
        value = response.headers.get(name)
        if value is None:
            problems += [f"{path}: {name} missing"] if header.get("required") else []
            continue
        problems += [f"{path}: {name}: {e.message}" for e in Draft202012Validator(header["schema"]).iter_errors(value)]
    return problems


@pytest.mark.parametrize("path", sorted(PAGES))
def test_a_page_sends_the_headers_its_document_names(spec, client, path):
    response = client.get(PAGES[path])
    assert response.status_code == 200
    assert _sent_as_documented(spec, path, response) == []
    assert response.headers["Link"] == f'<{response.get_json()["next"]}>; rel="next"'
    assert {"Link", "ETag", "Last-Modified", "Cache-Control"} <= set(response.headers.keys())


def test_a_figure_sends_its_version_as_documented(spec, client):
    response = client.get("/v1/figures/4")
    assert _sent_as_documented(spec, "/v1/figures/{figure_id}", response) == []
    assert response.headers["ETag"] == figure_tag(1, response.get_data())


def test_the_header_checks_can_fail(spec, client):
    response = client.get("/v1/figures?limit=2")
    response.headers["Cache-Control"] = "max-age=60"
    del response.headers["ETag"]
    assert _sent_as_documented(spec, "/v1/figures", response) == [
        "/v1/figures: ETag missing",
        "/v1/figures: Cache-Control: 'max-age=60' is not one of ['no-cache', 'private, no-cache']",
    ]


def test_no_operation_has_a_catch_all_response_so_every_status_is_one_it_documents(spec):
    """A `default` response would make any status a documented one, and schemathesis's check of statuses
    (tests/api/test_fuzz.py) pass whatever the API answered."""
    for path, method, operation in operations(spec):
        assert "default" not in operation["responses"], f"{method} {path}"
        codes = set(operation["responses"])
        shared = {"406", "422", "429", "503", "504"} | ({"304", "401"} if method == "get" else {"400", "413", "415"})
        assert shared <= codes, f"{method} {path} lacks {shared - codes}"


def _error_example(spec: dict, status: int) -> dict:
    component = spec["components"]["responses"][HTTPStatus(status).name]
    return component["content"]["application/problem+json"]["example"]


def test_the_error_examples_are_what_the_api_answers(spec, shared_client, shared_keys):
    """Each error component's example is the body of a real request, and its headers are as documented."""
    big = b"[" + b"0," * 600_000 + b"0]"
    client, write = shared_client, shared_keys["write"]
    answers = {
        400: client.get("/v1/figures?locaton=SY02"),
        401: client.post("/v1/figures", json={}),
        403: client.post("/v1/figures", json={}, headers=shared_keys["read"]),
        413: client.post("/v1/figures", data=big, content_type="application/json", headers=write),
        415: client.post("/v1/figures", data="x", content_type="text/plain", headers=write),
        422: client.get("/v1/figures?limit=0"),
    }
    for status, response in answers.items():
        assert (response.status_code, response.get_json()) == (status, _error_example(spec, status))
        documented = _resolved(spec, spec["components"]["responses"][HTTPStatus(status).name])
        for name, header in documented["headers"].items():
            header = _resolved(spec, header)
            if header.get("required"):
                assert list(Draft202012Validator(header["schema"]).iter_errors(response.headers[name])) == []


def test_a_nul_character_is_a_documented_422_even_where_nothing_else_is_checked(spec, client):
    response = client.get("/v1/sources/so%00hr")
    assert (response.status_code, response.get_json()["errors"][0]["field"]) == (422, "source_id")
    assert "422" in spec["paths"]["/v1/sources/{source_id}"]["get"]["responses"]


def test_reads_document_the_key_they_need_when_the_server_asks_for_one(spec, seeded_url):
    with app_over(seeded_url, require_read_key=True) as app:
        response = app.test_client().get("/v1/sources/sohr")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, 'Bearer realm="tally"')
    operation = spec["paths"]["/v1/sources/{source_id}"]["get"]
    assert operation["security"] == [{}, {"bearerAuth": []}]
    assert operation["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHORIZED"}


def test_the_committed_document_passes_openapi_spec_validator():
    """The validator integrators run (`openapi-spec-validator openapi/openapi.json`), and that it can fail."""
    document = json.loads(OPENAPI_FILE.read_text("utf-8"))
    validate(document)
    del document["paths"]["/v1/figures"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError, match=r'^"description" is a required property'):
        validate(document)


def test_a_csv_export_sends_the_headers_its_document_names(spec, client):
    response = client.get("/v1/civilians-killed?format=csv")
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert _sent_as_documented(spec, "/v1/civilians-killed", response) == []
    assert response.headers["Content-Disposition"] == 'attachment; filename="civilians-killed.csv"'


def test_every_read_that_may_answer_304_takes_the_conditional_headers(spec):
    """A generated client can only revalidate with headers the document declares."""
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or "304" not in operation.get("responses", {}):
                continue
            headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
            if not {"If-None-Match", "If-Modified-Since"} <= headers:
                missing.append(f"{method.upper()} {path}")
    assert missing == []
    validated = [op for ops in spec["paths"].values() for m, op in ops.items() if m != "parameters"]
    assert sum("304" in op.get("responses", {}) for op in validated) >= 25
