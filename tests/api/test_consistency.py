"""Without replicas: every request names the primary, a write's answer carries its consistency token, and a
read takes one back (a malformed one is a 400 that names the header). tests/replicas has the replica's side."""

from __future__ import annotations

from service.replicas import parse_position
from tests.support import NEW_FIGURE, database_fingerprint


def test_a_write_carries_the_token_of_what_it_committed_and_a_read_with_it_is_served(write_client, keys, fresh_url):
    written = write_client.post("/v1/figures", json=NEW_FIGURE, headers=keys["write"])
    assert (written.status_code, written.headers["Tally-Server"]) == (201, "primary")
    token = written.headers["Tally-Consistency"]
    assert parse_position(token) is not None
    read = write_client.get(written.headers["Location"], headers={"Tally-Consistency": token})
    assert (read.status_code, read.headers["Tally-Server"], read.get_json()["value"]) == (200, "primary", 7)
    assert "Tally-Consistency" not in read.headers


def test_a_refused_write_carries_no_token(write_client, keys):
    refused = write_client.post("/v1/figures", json=NEW_FIGURE | {"value": -1}, headers=keys["write"])
    assert refused.status_code == 422
    assert "Tally-Consistency" not in refused.headers


def test_a_malformed_token_is_a_400_that_names_the_header_and_changes_nothing(client, seeded_url):
    before = database_fingerprint(seeded_url)
    for method in ("GET", "HEAD"):
        response = client.open("/v1/figures?limit=1", method=method, headers={"Tally-Consistency": "yesterday"})
        assert response.status_code == 400
    response = client.get("/v1/figures?limit=1", headers={"Tally-Consistency": "1/2/3"})
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Malformed consistency token",
        "status": 400,
        "detail": "Tally-Consistency: Must be the Tally-Consistency header of a write's response, such as 0/1A2B3C4D.",
        "instance": "/v1/figures",
        "errors": [
            {
                "in": "header",
                "field": "Tally-Consistency",
                "messages": ["Must be the Tally-Consistency header of a write's response, such as 0/1A2B3C4D."],
            }
        ],
    }
    assert database_fingerprint(seeded_url) == before


def test_requests_that_use_no_database_name_no_server(client):
    assert "Tally-Server" not in client.get("/healthz").headers


def test_every_kind_of_write_carries_a_token_that_moves_on(write_client, keys):
    """Each write's token lies past the one before: WAL positions only grow."""
    writes = [
        ("PATCH", "/v1/figures/4", {"value": 260, "reason": "SOHR revised"}, {"If-Match": '"v1"'}),
        ("POST", "/v1/figures/4/disputes", {"source": "un", "document": 1, "stated_on": "2016-11-28", "note": "n"}, {}),
        ("DELETE", "/v1/figures/10", {"reason": "Misattributed"}, {}),
        ("POST", "/v1/sources", {"id": "new-monitor", "name": "A new monitor", "kind": "monitor"}, {}),
    ]
    tokens = []
    for method, path, body, headers in writes:
        response = write_client.open(path, method=method, json=body, headers=keys["write"] | headers)
        assert (response.status_code < 300, response.headers["Tally-Server"]) == (True, "primary"), path
        tokens.append(parse_position(response.headers["Tally-Consistency"]))
    assert None not in tokens
    assert tokens == sorted(tokens) and len(set(tokens)) == len(tokens)
