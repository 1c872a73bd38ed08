"""Input a hostile or unlucky client sends: a 4xx problem naming what is wrong, never a 500, and nothing written."""
from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import database_fingerprint


def cursor(content: dict) -> str:
    """A cursor as a client could forge one: base64 of any JSON."""
    return base64.urlsafe_b64encode(json.dumps(content).encode()).decode().rstrip("=")


NUL_ID = cursor({"after": "SY\x00"})
HUGE_ID = cursor({"after": 2**63})


@pytest.mark.parametrize("url", [
    f"/v1/figures?sort=value&cursor={cursor({'after': 1, 'key': 'abc', 'sort': 'value'})}",
    f"/v1/figures?sort=-updated_at&cursor={cursor({'after': 1, 'key': '2016-13-01', 'sort': '-updated_at'})}",
    f"/v1/figures?sort=stated_on&cursor={cursor({'after': 1, 'key': [1], 'sort': 'stated_on'})}",
    f"/v1/figures?cursor={HUGE_ID}",
    f"/v1/figures?cursor={cursor({'after': -1})}",
    f"/v1/figures?format=csv&limit=5&cursor={HUGE_ID}",
    f"/v1/documents?cursor={HUGE_ID}",
    f"/v1/claims?cursor={HUGE_ID}",
    f"/v1/locations?cursor={NUL_ID}",
    f"/v1/sources?cursor={NUL_ID}",
    f"/v1/coverage?cursor={NUL_ID}",
])
def test_a_tampered_cursor_is_a_400(client, url):
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert response.get_json()["title"] == "Invalid cursor"


@pytest.mark.parametrize(("url", "field"), [
    ("/v1/figures?q=a%00b", "q"),
    ("/v1/figures?location=SY%00", "location"),
    ("/v1/claims?source=sohr%00", "source"),
    ("/v1/sources/a%00b", "source_id"),
    ("/v1/locations/SY%00", "code"),
    ("/v1/datasets/ucdp%00", "dataset_id"),
])
def test_a_nul_character_in_a_query_or_path_is_a_422_naming_it(client, url, field):
    response = client.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"] == [
        {"in": "path" if "?" not in url else "query", "field": field, "messages": ["Must not contain a NUL character."]}]


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "detail"), [
    ("patch", "/v1/locations/a%00b", {"name": "x"}, {}, 422, "code: Must not contain a NUL character."),
    ("patch", "/v1/figures/4", {"value": 1, "reason": "x"}, {"If-Match": '"v99999999999"'}, 412, None),
    ("post", "/v1/figures/4/disputes", {"source": "un", "stated_on": "2016-11-28", "note": "x", "document": 2**63},
     {}, 422, None),
    ("post", "/v1/figures", "[" * 5000 + "]" * 5000, {}, 400, "Invalid JSON body: it nests too deeply."),
    ("post", "/v1/figures", '{"value": ' + "1" * 5000 + "}", {}, 400, "Invalid JSON body: a number has too many digits."),
    ("post", "/v1/figures", '{"value": 1, "value": 2}', {}, 400, "Invalid JSON body: the key 'value' is given twice."),
])
def test_hostile_bodies_and_headers_are_problems_and_change_nothing(write_client, fresh_url, keys, method, path,
                                                                      body, headers, status, detail):
    before = database_fingerprint(fresh_url)
    send = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    response = getattr(write_client, method)(path, headers=keys["write"] | headers, **send)
    assert (response.status_code, response.mimetype) == (status, "application/problem+json"), response.get_json()
    if detail:
        assert response.get_json()["detail"] == detail
    assert database_fingerprint(fresh_url) == before
