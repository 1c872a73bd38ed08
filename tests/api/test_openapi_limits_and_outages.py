"""429, 503 and 504 as the OpenAPI document says, from every operation for real: a tiny rate limit, a saturated
pool and an unreachable database, a statement timeout behind locked tables. Each response is checked against what
the document says for its operation and status: content type, body, and every header present or required."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from service import db
from service.app import create_app
from service.cli import render_openapi
from service.config import Settings
from tests.support import app_over, make_key

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The headers this checks on every response: documented where sent, sent where required, values as documented.
OPERATIONAL_HEADERS = ("RateLimit-Policy", "RateLimit", "Retry-After")
# Path parameters: things the seed has (or, for imports, datasets and extractions, ids that name nothing: a 404 is
# documented).
PATH_VALUES = {
    "figure_id": "4",
    "source_id": "sohr",
    "document_id": "1",
    "code": "SY02",
    "dataset_id": "1",
    "import_id": "1",
    "extraction_id": "1",
    "n": "1",
}
# Well-formed, so its check asks the database; known to no database.
MADE_UP = {"Authorization": f"Bearer tally_{'x' * 40}"}
# The response components of the statuses any operation can answer.
COMPONENTS = {"429": "TOO_MANY_REQUESTS", "503": "SERVICE_UNAVAILABLE", "504": "GATEWAY_TIMEOUT"}
# Limits no test here reaches, where a test wants their headers but no 429.
ROOMY = {"rate_limits_enabled": True, "rate_limit_reads": "1000/minute", "rate_limit_writes": "1000/minute"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(render_openapi())


def operations(spec: dict) -> list[tuple[str, str]]:
    return [(path, method) for path, item in spec["paths"].items() for method in HTTP_METHODS if method in item]


def _resolved(spec: dict, item: dict) -> dict:
    while "$ref" in item:
        *_, kind, name = item["$ref"].split("/")
        item = spec["components"][kind][name]
    return item


def _send(client, path: str, method: str, headers: dict[str, str] | None = None):
    """One request to an operation: its path filled in, a body where it takes one."""
    url = re.sub(r"{(\w+)}", lambda m: PATH_VALUES[m.group(1)], path)
    if method == "get":
        return client.get(url, headers=headers)
    if path == "/v1/imports":
        return client.post(url, data=b"a,b\r\n1,2\r\n", content_type="text/csv", headers=headers)
    return client.open(url, method=method.upper(), json={}, headers=headers)


def _header_value(schema: dict, value: str):
    return int(value) if schema.get("type") == "integer" and value.isdigit() else value


def undocumented(spec: dict, path: str, method: str, response) -> list[str]:
    """How the response departs from what the document says for this operation and status ([] if it does not)."""
    where = f"{method.upper()} {path} {response.status_code}"
    documented = spec["paths"][path][method]["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{where}: status not documented"]
    documented = _resolved(spec, documented)
    problems = []
    content = documented.get("content", {})
    if response.mimetype not in content:
        problems.append(f"{where}: {response.mimetype} not documented")
    elif response.mimetype.endswith("json"):
        schema = content[response.mimetype]["schema"]
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        problems += [f"{where}: body: {e.message}" for e in validator.iter_errors(response.get_json())]
    headers = {name.lower(): _resolved(spec, header) for name, header in documented.get("headers", {}).items()}
    for name, header in headers.items():
        value = response.headers.get(name)
        if value is None:
            if header.get("required"):
                problems.append(f"{where}: required header {name} missing")
            continue
        for error in Draft202012Validator(header["schema"]).iter_errors(_header_value(header["schema"], value)):
            problems.append(f"{where}: header {name}: {error.message}")
    problems += [
        f"{where}: header {name} sent but not documented"
        for name in OPERATIONAL_HEADERS
        if name in response.headers and name.lower() not in headers
    ]
    return problems


def _like_the_example(spec: dict, response) -> list[str]:
    """The body is the documented example's, but for the numbers in its detail and the path it names."""
    component = spec["components"]["responses"][COMPONENTS[str(response.status_code)]]
    example = dict(component["content"]["application/problem+json"]["example"])
    if response.status_code == 504 and response.request.method not in ("GET", "HEAD"):
        # A write's 504 says that nothing changed: its detail is the one the description quotes.
        example["detail"] = re.search(r'"(The write ran past[^"]*)"', component["description"])[1]
    body = response.get_json()
    problems = []
    for key in sorted(set(example) | set(body)):
        expected, real = example.get(key), body.get(key)
        if key == "detail":
            expected, real = re.sub(r"\d+", "N", expected or ""), re.sub(r"\d+", "N", real or "")
        if key == "instance":
            expected, real = True, isinstance(real, str) and real.startswith("/v1/")
        if expected != real:
            problems.append(f"{response.status_code} {key}: example {expected!r}, real {real!r}")
    return problems


def _every_operation(spec: dict, client, status: int, headers: dict[str, str] | None = None) -> list[str]:
    """Send every operation once; what is not `status` as the document has it, and not like its example."""
    problems = []
    for path, method in operations(spec):
        response = _send(client, path, method, headers)
        if response.status_code != status:
            problems.append(f"{method.upper()} {path}: {response.status_code}, not {status}")
            continue
        problems += undocumented(spec, path, method, response)
        problems += _like_the_example(spec, response)
        assert "RateLimit" in response.headers and "RateLimit-Policy" in response.headers  # limits are on
    return problems


def test_the_check_can_fail(spec, seeded_url):
    """A 429 without Retry-After, a header the document does not give a 504, a value of the wrong shape: caught."""
    with app_over(seeded_url, rate_limits_enabled=True, rate_limit_reads="1/minute") as app:
        client = app.test_client()
        client.get("/v1/metrics")
        refused = client.get("/v1/metrics")
    assert refused.status_code == 429 and undocumented(spec, "/v1/metrics", "get", refused) == []
    refused.headers.pop("Retry-After")
    assert undocumented(spec, "/v1/metrics", "get", refused) == [
        "GET /v1/metrics 429: required header retry-after missing"
    ]
    refused.headers["Retry-After"] = "soon"
    refused.headers["RateLimit"] = '"reads";q=1;w=60'
    assert len(undocumented(spec, "/v1/metrics", "get", refused)) == 2
    refused.status_code = 504
    assert "GET /v1/metrics 504: header Retry-After sent but not documented" in undocumented(
        spec, "/v1/metrics", "get", refused
    )


def test_every_operation_over_its_limit_is_the_documented_429(spec, seeded_url):
    with app_over(
        seeded_url,
        rate_limits_enabled=True,
        rate_limit_reads="1/minute",
        rate_limit_writes="1/minute",
        rate_limit_failed_auth="1000/minute",
    ) as app:
        client = app.test_client()
        assert client.get("/v1/metrics").status_code == 200  # the read of the minute
        assert client.post("/v1/sources", json={}, headers=MADE_UP).status_code == 401  # the write of the minute
        assert _every_operation(spec, client, 429, MADE_UP) == []


def test_every_operation_with_every_connection_busy_is_the_documented_503(spec, seeded_url):
    with app_over(seeded_url, threads=1, pool_timeout_ms=50, **ROOMY) as app:
        with app.extensions["tally.pool"].connection():  # the worker's only connection is busy
            problems = _every_operation(spec, app.test_client(), 503, MADE_UP)
        assert app.test_client().get("/v1/metrics").status_code == 200
    assert problems == []


def test_a_request_with_the_database_unreachable_is_the_documented_503(spec):
    unreachable = "postgresql://tally@127.0.0.1:9/tally"  # the discard port: nothing answers there
    app = create_app(
        Settings(database_url=unreachable, pool_timeout_ms=200, **ROOMY), database_url=unreachable, open_pool=False
    )
    app.extensions["tally.pool"].open(wait=False)
    try:
        response = app.test_client().get("/v1/figures?location=SY02")
    finally:
        app.extensions["tally.pool"].close()
    assert response.status_code == 503
    assert undocumented(spec, "/v1/figures", "get", response) == []
    assert _like_the_example(spec, response) == []


def test_every_operation_behind_locked_tables_is_the_documented_504(spec, fresh_url):
    """Every operation's first statement waits for a lock past the statement timeout: reads at their data version
    or query, writes at their key."""
    with app_over(fresh_url, statement_timeout_ms=50, **ROOMY) as app, db.connect(fresh_url) as blocker:
        tables = [
            row["tablename"] for row in blocker.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        blocker.execute("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE".format(", ".join(f'"{t}"' for t in tables)))
        problems = _every_operation(spec, app.test_client(), 504, MADE_UP)
    assert problems == []


def test_real_answers_of_every_operation_carry_the_rate_limit_headers_as_documented(spec, fresh_url):
    """Successes and refusals alike, anonymous and with a write key."""
    with app_over(fresh_url, **ROOMY) as app:
        client = app.test_client()
        write = {"Authorization": f"Bearer {make_key(fresh_url, 'writer', 'write')}"}
        problems, statuses = [], set()
        for headers in ({}, write):
            for path, method in operations(spec):
                response = _send(client, path, method, headers)
                statuses.add(response.status_code)
                problems += undocumented(spec, path, method, response)
                if "RateLimit" not in response.headers:
                    problems.append(f"{method.upper()} {path} {response.status_code}: no RateLimit header")
        created = client.post("/v1/sources", json={"id": "new", "name": "New", "kind": "ngo"}, headers=write)
        assert created.status_code == 201
        problems += undocumented(spec, "/v1/sources", "post", created)
        assert created.headers["RateLimit-Policy"] == '"writes";q=1000;w=60'
    assert problems == []
    assert {200, 401, 422} <= statuses


def test_without_rate_limits_no_response_carries_their_headers(client):
    answers = [client.get("/v1/figures"), client.get("/v1/figures/999999"), client.post("/v1/sources", json={})]
    assert [a.status_code for a in answers] == [200, 404, 401]
    assert [name for a in answers for name in OPERATIONAL_HEADERS if name in a.headers] == []
