"""A corpus of malformed writes: each gets a 4xx problem, and the database stays byte-for-byte the same."""

from __future__ import annotations

import pytest

from service import db
from tests.support import NEW_FIGURE, database_fingerprint

GOOD = NEW_FIGURE


def without(name: str) -> dict:
    return {k: v for k, v in GOOD.items() if k != name}


# (description, method, path, json body or raw bytes, extra headers, expected status)
CORPUS = [
    ("value as a string", "post", "/v1/figures", GOOD | {"value": "7"}, {}, 422),
    ("value as a float", "post", "/v1/figures", GOOD | {"value": 7.5}, {}, 422),
    ("value as a boolean", "post", "/v1/figures", GOOD | {"value": True}, {}, 422),
    ("negative value", "post", "/v1/figures", GOOD | {"value": -1}, {}, 422),
    ("value beyond bigint", "post", "/v1/figures", GOOD | {"value": 2**63}, {}, 422),
    ("huge value", "post", "/v1/figures", GOOD | {"value": 10**400}, {}, 422),
    ("low above value", "post", "/v1/figures", GOOD | {"low": 8}, {}, 422),
    ("high below value", "post", "/v1/figures", GOOD | {"high": 6}, {}, 422),
    ("missing value", "post", "/v1/figures", without("value"), {}, 422),
    ("missing source", "post", "/v1/figures", without("source"), {}, 422),
    ("missing period", "post", "/v1/figures", without("period_start"), {}, 422),
    ("unknown metric", "post", "/v1/figures", GOOD | {"metric": "deaths"}, {}, 422),
    ("unknown count kind", "post", "/v1/figures", GOOD | {"count_kind": "guess"}, {}, 422),
    ("unknown qualifier", "post", "/v1/figures", GOOD | {"qualifier": "roughly"}, {}, 422),
    ("unknown location", "post", "/v1/figures", GOOD | {"location": "atlantis"}, {}, 422),
    ("unknown origin", "post", "/v1/figures", GOOD | {"origin": "atlantis"}, {}, 422),
    ("unknown source", "post", "/v1/figures", GOOD | {"source": "nobody"}, {}, 422),
    ("unknown document", "post", "/v1/figures", GOOD | {"document": 999}, {}, 422),
    ("zero document", "post", "/v1/figures", GOOD | {"document": 0}, {}, 422),
    ("period ends before it starts", "post", "/v1/figures", GOOD | {"period_start": "2016-12-01"}, {}, 422),
    ("impossible date", "post", "/v1/figures", GOOD | {"stated_on": "2016-02-30"}, {}, 422),
    ("date in another format", "post", "/v1/figures", GOOD | {"stated_on": "28/11/2016"}, {}, 422),
    ("retracted on create", "post", "/v1/figures", GOOD | {"status": "retracted"}, {}, 422),
    ("unknown field", "post", "/v1/figures", GOOD | {"deaths": 7}, {}, 422),
    ("NUL in a quote", "post", "/v1/figures", GOOD | {"quote": "a\x00b"}, {}, 422),
    ("control character in words", "post", "/v1/figures", GOOD | {"stated_words": "seven\x07"}, {}, 422),
    ("blank quote", "post", "/v1/figures", GOOD | {"quote": "   "}, {}, 422),
    ("lone surrogate", "post", "/v1/figures", b'{"quote": "\\udc00"}', {"Content-Type": "application/json"}, 422),
    ("oversized quote", "post", "/v1/figures", GOOD | {"quote": "x" * 10_001}, {}, 422),
    ("body is a list", "post", "/v1/figures", [GOOD], {}, 422),
    ("body is a number", "post", "/v1/figures", 7, {}, 422),
    ("invalid JSON", "post", "/v1/figures", b'{"value": 7,', {"Content-Type": "application/json"}, 400),
    ("invalid UTF-8", "post", "/v1/figures", b'{"quote": "\xff\xfe"}', {"Content-Type": "application/json"}, 400),
    (
        "wrong content type",
        "post",
        "/v1/figures",
        b"value=7",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
    ),
    ("no content type", "post", "/v1/figures", b'{"value": 7}', {"Content-Type": ""}, 415),
    (
        "oversized body",
        "post",
        "/v1/figures",
        b"[" + b"1," * 600_000 + b"1]",
        {"Content-Type": "application/json"},
        413,
    ),
    ("empty body", "post", "/v1/figures", None, {}, 422),
    ("patch with a null value", "patch", "/v1/figures/4", {"value": None, "reason": "x"}, {"If-Match": '"v1"'}, 422),
    ("patch the metric away", "patch", "/v1/figures/4", {"metric": "nope", "reason": "x"}, {"If-Match": '"v1"'}, 422),
    ("patch low above stored value", "patch", "/v1/figures/4", {"low": 300, "reason": "x"}, {"If-Match": '"v1"'}, 422),
    (
        "patch period before start",
        "patch",
        "/v1/figures/4",
        {"period_end": "2016-01-01", "reason": "x"},
        {"If-Match": '"v1"'},
        422,
    ),
    (
        "patch status to disputed",
        "patch",
        "/v1/figures/4",
        {"status": "disputed", "reason": "x"},
        {"If-Match": '"v1"'},
        422,
    ),
    ("patch with a malformed ETag", "patch", "/v1/figures/4", {"value": 1, "reason": "x"}, {"If-Match": "v1"}, 412),
    ("dispute without a note", "post", "/v1/figures/4/disputes", {"source": "un", "stated_on": "2016-11-28"}, {}, 422),
    (
        "dispute by an unknown document",
        "post",
        "/v1/figures/4/disputes",
        {"source": "un", "stated_on": "2016-11-28", "note": "x", "document": 77},
        {},
        422,
    ),
    ("source with a bad id", "post", "/v1/sources", {"id": "Bad Id!", "name": "x", "kind": "ngo"}, {}, 422),
    (
        "source with a bad URL",
        "post",
        "/v1/sources",
        {"id": "x", "name": "x", "kind": "ngo", "url": "ftp://x"},
        {},
        422,
    ),
    ("source that exists", "post", "/v1/sources", {"id": "sohr", "name": "x", "kind": "ngo"}, {}, 409),
    ("document with an unknown publisher", "post", "/v1/documents", {"title": "x", "publisher": "nobody"}, {}, 422),
    (
        "document retrieved before published",
        "post",
        "/v1/documents",
        {"title": "x", "published_on": "2016-11-27", "retrieved_on": "2016-11-26"},
        {},
        422,
    ),
    (
        "location with an unknown parent",
        "post",
        "/v1/locations",
        {"id": "x", "name": "x", "kind": "area", "parent": "nowhere"},
        {},
        422,
    ),
    (
        "location with a taken p-code",
        "post",
        "/v1/locations",
        {"id": "x", "name": "x", "kind": "admin1", "pcode": "SY02"},
        {},
        409,
    ),
    (
        "location latitude out of range",
        "post",
        "/v1/locations",
        {"id": "x", "name": "x", "kind": "area", "latitude": 91, "longitude": 0},
        {},
        422,
    ),
    ("location inside itself", "patch", "/v1/locations/SY02", {"parent": "eastern-aleppo"}, {}, 422),
    ("empty patch", "patch", "/v1/sources/sohr", {}, {}, 422),
]


@pytest.mark.parametrize(
    ("description", "method", "path", "body", "headers", "status"), CORPUS, ids=[case[0] for case in CORPUS]
)
def test_malformed_writes_change_nothing(
    shared_client, shared_keys, shared_url, description, method, path, body, headers, status
):
    before = database_fingerprint(shared_url)
    send = getattr(shared_client, method)
    all_headers = shared_keys["write"] | headers
    if isinstance(body, bytes | None):
        response = send(path, data=body, headers=all_headers)
    else:
        response = send(path, json=body, headers=all_headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["detail"]
    if status == 422:
        assert problem.get("errors"), problem
    assert database_fingerprint(shared_url) == before


def test_a_write_interrupted_by_a_database_failure_leaves_nothing(write_client, keys, fresh_url):
    """The revision insert fails after the figure row was written: the whole request is undone."""
    with db.connect(fresh_url) as conn:
        conn.execute("""
            CREATE FUNCTION fail_on_purpose() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.reason = 'fail here' THEN RAISE EXCEPTION 'disk full (simulated)'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_on_purpose BEFORE INSERT ON figure_revision
                FOR EACH ROW EXECUTE FUNCTION fail_on_purpose();""")
    before = database_fingerprint(fresh_url)
    response = write_client.post(
        "/v1/figures", json=GOOD | {"reason": "fail here"}, headers=keys["write"] | {"Idempotency-Key": "interrupted"}
    )
    assert response.status_code == 500
    assert response.get_json()["detail"] == "The server failed to handle this request; it has been logged."
    assert "disk full" not in response.get_data(as_text=True)
    assert database_fingerprint(fresh_url) == before
    retry = write_client.post(
        "/v1/figures", json=GOOD | {"reason": "fail here"}, headers=keys["write"] | {"Idempotency-Key": "interrupted"}
    )
    assert retry.status_code == 500
