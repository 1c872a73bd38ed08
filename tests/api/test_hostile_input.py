"""Input a hostile or unlucky client sends: a 4xx problem naming what is wrong, never a 500, and nothing written."""

from __future__ import annotations

import base64
import io
import json

import pytest

from tests.support import database_fingerprint, make_key


def cursor(content: dict) -> str:
    """A cursor as a client could forge one: base64 of any JSON."""
    return base64.urlsafe_b64encode(json.dumps(content).encode()).decode().rstrip("=")


NUL_ID = cursor({"after": "SY\x00"})
HUGE_ID = cursor({"after": 2**63})
YEAR_ZERO_IN_UTC = "0001-01-01T00:00:00+10:00"
CONTROL = "Must not contain control characters (such as NUL)."


@pytest.mark.parametrize(
    "url",
    [
        f"/v1/figures?sort=value&cursor={cursor({'after': 1, 'key': 'abc', 'sort': 'value'})}",
        f"/v1/figures?sort=-updated_at&cursor={cursor({'after': 1, 'key': '2016-13-01', 'sort': '-updated_at'})}",
        f"/v1/figures?sort=stated_on&cursor={cursor({'after': 1, 'key': [1], 'sort': 'stated_on'})}",
        # Dates and moments Python reads but PostgreSQL refuses, or that leave the calendar in UTC
        f"/v1/figures?sort=stated_on&cursor={cursor({'after': 1, 'key': '2016-W01-1', 'sort': 'stated_on'})}",
        f"/v1/figures?sort=stated_on&cursor={cursor({'after': 1, 'key': '20161101', 'sort': 'stated_on'})}",
        f"/v1/figures?sort=updated_at&cursor={cursor({'after': 1, 'key': YEAR_ZERO_IN_UTC, 'sort': 'updated_at'})}",
        f"/v1/figures?cursor={HUGE_ID}",
        f"/v1/figures?cursor={cursor({'after': -1})}",
        f"/v1/figures?format=csv&limit=5&cursor={HUGE_ID}",
        f"/v1/documents?cursor={HUGE_ID}",
        f"/v1/claims?cursor={HUGE_ID}",
        f"/v1/locations?cursor={NUL_ID}",
        f"/v1/sources?cursor={NUL_ID}",
        f"/v1/coverage?cursor={NUL_ID}",
    ],
)
def test_a_tampered_cursor_is_a_400(client, url):
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert response.get_json()["title"] == "Invalid cursor"


def test_a_cursor_key_with_an_offset_postgresql_refuses_resumes_at_the_same_moment(client):
    """+16:00 is a valid ISO 8601 offset that PostgreSQL refuses: the key is read in UTC instead of a 500."""
    pages = []
    for key in ("2030-01-02T04:00:00+16:00", "2030-01-01T12:00:00+00:00"):
        response = client.get(
            f"/v1/figures?sort=-updated_at&cursor={cursor({'after': 10**9, 'key': key, 'sort': '-updated_at'})}"
        )
        pages.append((response.status_code, response.get_json()["data"]))
    assert pages[0] == pages[1] and pages[0][0] == 200 and pages[0][1]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/v1/figures?q=a%00b", "q"),
        ("/v1/figures?location=SY%00", "location"),
        ("/v1/claims?source=sohr%00", "source"),
        ("/v1/sources/a%00b", "source_id"),
        ("/v1/locations/SY%00", "code"),
        ("/v1/datasets/ucdp%00", "dataset_id"),
    ],
)
def test_a_nul_character_in_a_query_or_path_is_a_422_naming_it(client, url, field):
    response = client.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"] == [
        {"in": "path" if "?" not in url else "query", "field": field, "messages": ["Must not contain a NUL character."]}
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "detail"),
    [
        ("patch", "/v1/locations/a%00b", {"name": "x"}, {}, 422, "code: Must not contain a NUL character."),
        # Codes in a body that name other rows: refused before any lookup, which PostgreSQL would fail on
        ("patch", "/v1/locations/anjara", {"areas": ["a\x00"]}, {}, 422, f"areas: {CONTROL}"),
        ("patch", "/v1/locations/anjara", {"parent": "SY\x00"}, {}, 422, f"parent: {CONTROL}"),
        ("patch", "/v1/documents/1", {"publisher": "un\x00"}, {}, 422, f"publisher: {CONTROL}"),
        ("patch", "/v1/figures/4", {"value": 1, "reason": "x"}, {"If-Match": '"v99999999999"'}, 412, None),
        (
            "post",
            "/v1/figures/4/disputes",
            {"source": "un", "stated_on": "2016-11-28", "note": "x", "document": 2**63},
            {},
            422,
            None,
        ),
        ("post", "/v1/figures", "[" * 5000 + "]" * 5000, {}, 400, "Invalid JSON body: it nests too deeply."),
        (
            "post",
            "/v1/figures",
            '{"value": ' + "1" * 5000 + "}",
            {},
            400,
            "Invalid JSON body: a number has too many digits.",
        ),
        (
            "post",
            "/v1/figures",
            '{"value": 1, "value": 2}',
            {},
            400,
            "Invalid JSON body: the key 'value' is given twice.",
        ),
    ],
)
def test_hostile_bodies_and_headers_are_problems_and_change_nothing(
    shared_client, shared_url, shared_keys, method, path, body, headers, status, detail
):
    before = database_fingerprint(shared_url)
    send = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    response = getattr(shared_client, method)(path, headers=shared_keys["write"] | headers, **send)
    assert (response.status_code, response.mimetype) == (status, "application/problem+json"), response.get_json()
    if detail:
        assert response.get_json()["detail"] == detail
    assert database_fingerprint(shared_url) == before


def test_the_bearer_scheme_is_case_insensitive(write_client, keys):
    token = keys["write"]["Authorization"].split(" ", 1)[1]
    for n, scheme in enumerate(("bearer", "BEARER", "Bearer")):
        response = write_client.post(
            "/v1/sources",
            json={"id": f"source-{n}", "name": "x", "kind": "ngo"},
            headers={"Authorization": f"{scheme} {token}"},
        )
        assert response.status_code == 201, (scheme, response.get_json())


def test_a_key_without_the_scope_is_told_insufficient_scope(write_client, keys):
    response = write_client.post("/v1/sources", json={"id": "x", "name": "x", "kind": "ngo"}, headers=keys["read"])
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tally", error="insufficient_scope"'


def test_if_match_compares_strongly(write_client, keys):
    response = write_client.patch(
        "/v1/figures/4", json={"value": 1, "reason": "x"}, headers=keys["write"] | {"If-Match": 'W/"v1"'}
    )
    assert response.status_code == 412
    assert write_client.get("/v1/figures/4").get_json()["value"] == 250


def test_a_chunked_body_of_the_wrong_type_is_a_415(write_client, keys):
    response = write_client.post(
        "/v1/figures",
        input_stream=io.BytesIO(b"value=7"),
        headers=keys["write"] | {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"},
    )
    assert (response.status_code, response.get_json()["detail"]) == (
        415,
        "Send the body as application/json, not text/plain.",
    )


def test_problems_with_extension_members_match_the_documented_problem_schema(write_client, keys):
    from jsonschema import Draft202012Validator

    from service.cli import render_openapi

    spec = json.loads(render_openapi())
    validator = Draft202012Validator({"$ref": "#/components/schemas/Problem", "components": spec["components"]})
    figure = write_client.get("/v1/figures/4").get_json()
    body = {
        name: figure[name]
        for name in ("metric", "count_kind", "value", "qualifier", "period_start", "period_end", "stated_on")
    } | {
        "location": figure["location"]["id"],
        "source": figure["source"]["id"],
        "document": figure["document"]["id"],
        "population_group": figure["population_group"],
    }
    duplicate = write_client.post("/v1/figures", json=body, headers=keys["write"])
    stale = write_client.patch(
        "/v1/figures/4", json={"value": 1, "reason": "x"}, headers=keys["write"] | {"If-Match": '"v7"'}
    )
    assert (duplicate.status_code, duplicate.get_json()["existing_id"], stale.status_code) == (409, 4, 412)
    for problem in (duplicate.get_json(), stale.get_json()):
        assert list(validator.iter_errors(problem)) == []


def test_a_statement_timeout_is_a_504_that_says_how_to_narrow_and_not_to_retry(fresh_url):
    from service import db
    from tests.support import app_over

    with app_over(fresh_url, statement_timeout_ms=300) as app, db.connect(fresh_url) as blocker:
        blocker.execute("LOCK TABLE figure IN ACCESS EXCLUSIVE MODE")  # the list query waits past its timeout
        response = app.test_client().get("/v1/figures")
    assert (response.status_code, response.mimetype) == (504, "application/problem+json")
    assert response.get_json()["detail"].startswith("The query ran past the 300 ms statement timeout. Narrow it")
    assert "Retry-After" not in response.headers


def test_a_write_past_the_statement_timeout_is_a_504_that_says_nothing_changed(fresh_url):
    """Not "narrow it": a write times out waiting behind another transaction's lock, and is rolled back."""
    from service import db
    from tests.support import app_over

    with app_over(fresh_url, statement_timeout_ms=300) as app, db.connect(fresh_url) as blocker:
        key = {"Authorization": f"Bearer {make_key(fresh_url, 'writer', 'write')}"}
        before = database_fingerprint(fresh_url)
        blocker.execute("SELECT id FROM figure WHERE id = 4 FOR UPDATE")  # as an import holds the rows it writes
        response = app.test_client().patch(
            "/v1/figures/4", json={"value": 260, "reason": "x"}, headers=key | {"If-Match": '"v1"'}
        )
        blocker.rollback()
    assert (response.status_code, response.mimetype) == (504, "application/problem+json")
    assert response.get_json()["detail"] == (
        "The write ran past the 300 ms statement timeout and was rolled back: nothing changed. "
        "If it waited behind another transaction's lock (an import), send it again later; a large upload "
        "is better imported with `tally import`, which has no statement timeout."
    )
    assert "Retry-After" not in response.headers
    assert database_fingerprint(fresh_url) == before


def test_with_the_database_unreachable_requests_fail_fast_and_healthz_does_not_wait():
    import time

    from service.app import create_app
    from service.config import Settings

    unreachable = "postgresql://tally@127.0.0.1:9/tally"  # the discard port: nothing answers there
    settings = Settings(database_url=unreachable)
    app = create_app(settings, database_url=unreachable, open_pool=False)
    app.extensions["tally.pool"].open(wait=False)
    client = app.test_client()
    # /healthz first, while a request that asked the pool would wait out its timeout (1.5 s): answering in a
    # fraction of that shows it never asks (after the first failure the pool answers at once, so a later
    # /healthz could not tell).
    waited = settings.pool_timeout_ms / 1000
    try:
        for path, status, within in [
            ("/healthz", 200, waited / 3),
            ("/v1/figures", 503, waited + 0.5),
            ("/readyz", 503, 1.0),
        ]:
            started = time.monotonic()
            response = client.get(path)
            took = time.monotonic() - started
            assert (response.status_code, took < within) == (status, True), (path, response.status_code, took)
        assert client.get("/v1/figures").headers["Retry-After"] == "5"
    finally:
        app.extensions["tally.pool"].close()
