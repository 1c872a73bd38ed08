"""CORS: a dashboard on any site reads; only listed sites write; preflights are answered."""

from __future__ import annotations

import pytest

from service.config import Settings
from tests.support import app_over, database_fingerprint

DASHBOARD = "https://dashboard.example.org"
NEWSROOM = "https://newsroom.example.net"
EXPOSED = "Content-Disposition, ETag, Idempotent-Replayed, Last-Modified, Link, Location, RateLimit, RateLimit-Policy, "
EXPOSED += "Retry-After, Tally-Consistency, Tally-Server"


@pytest.fixture
def cors_client(fresh_url):
    with app_over(fresh_url, cors_write_origins=(DASHBOARD,)) as app:
        yield app.test_client()


def _preflight(client, path: str, method: str, origin: str, headers: str = "authorization, content-type"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_read_from_any_origin_gets_the_headers_a_page_needs(client):
    response = client.get("/v1/figures?limit=1", headers={"Origin": NEWSROOM})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == NEWSROOM
    assert response.headers["Access-Control-Expose-Headers"] == EXPOSED
    assert response.headers.get_all("Vary") == ["Origin, Accept, Authorization"]
    assert "Link" in response.headers and "ETag" in response.headers  # what the exposed names point at


def test_a_read_preflight_is_answered(client):
    response = _preflight(client, "/v1/figures", "GET", NEWSROOM, headers="authorization")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == NEWSROOM
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_errors_carry_the_headers_too_so_a_page_can_read_them(client):
    response = client.get("/v1/figures?limt=1", headers={"Origin": NEWSROOM})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == NEWSROOM


def test_a_listed_origin_may_write(cors_client, fresh_url):
    preflight = _preflight(cors_client, "/v1/sources", "POST", DASHBOARD)
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Origin"] == DASHBOARD


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_a_write_from_an_unlisted_origin_fails_its_preflight_and_changes_nothing(cors_client, fresh_url, keys, method):
    preflight = _preflight(cors_client, "/v1/figures/1", method, NEWSROOM)
    assert preflight.status_code == 403
    before = database_fingerprint(fresh_url)
    response = cors_client.open(
        "/v1/figures/1",
        method=method,
        json={"reason": "from a page elsewhere", "value": 1},
        headers=keys["write"] | {"Origin": NEWSROOM, "If-Match": '"v1"'},
    )
    assert response.status_code == 403
    assert response.get_json()["detail"] == (
        f"Writes from {NEWSROOM} are refused: only the origins in CORS_WRITE_ORIGINS may write ({DASHBOARD})."
    )
    assert database_fingerprint(fresh_url) == before


def test_writes_from_the_same_origin_and_without_an_origin_are_not_cross_origin(write_client, keys):
    body = {"id": "local-ngo", "name": "A local NGO", "kind": "ngo"}
    same_origin = write_client.post("/v1/sources", json=body, headers=keys["write"] | {"Origin": "http://localhost"})
    assert same_origin.status_code == 201, same_origin.get_json()
    elsewhere = write_client.post("/v1/sources", json=body, headers=keys["write"] | {"Origin": NEWSROOM})
    assert elsewhere.get_json()["detail"].endswith("may write, and it lists none.")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://dashboard.example.org/", "'https://dashboard.example.org/' is not an origin"),
        ("dashboard.example.org", "'dashboard.example.org' is not an origin"),
    ],
)
def test_an_origin_setting_that_no_browser_would_send_stops_the_start(value, message):
    with pytest.raises(SystemExit, match=f"CORS_WRITE_ORIGINS: {message}"):
        Settings.from_env({"CORS_WRITE_ORIGINS": value})


def test_reads_can_be_kept_to_listed_origins(fresh_url):
    with app_over(fresh_url, cors_read_origins=(DASHBOARD,)) as app:
        client = app.test_client()
        listed = client.get("/v1/figures", headers={"Origin": DASHBOARD})
        assert listed.headers["Access-Control-Allow-Origin"] == DASHBOARD
        assert "Access-Control-Allow-Origin" not in client.get("/v1/figures", headers={"Origin": NEWSROOM}).headers
