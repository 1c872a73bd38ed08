"""Reads on a real streaming replica: where they go, reading one's own writes, lag, a replica lost under load.

The replica is a pg_basebackup of a primary these tests own (conftest.py); its replay is paused to hold it
behind, and it is stopped outright to lose it.
"""

from __future__ import annotations

import http.client
import json
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest

from service import replicas
from service.auth import new_token
from service.replicas import parse_position
from tests.live_server import live_server
from tests.replicas.cluster import Cluster, replay_paused, replayed_up_to_now
from tests.support import NEW_FIGURE, app_over, key_headers, make_key

pytestmark = pytest.mark.replicas

# Long enough that the paused replica still counts as fit (it is the token that must keep a read off it).
PATIENT_MS = 600_000


@pytest.fixture
def replicated_app(primary_url: str, replica_url: str):
    """An app reading from the replica, its view of the servers refreshed now."""
    with app_over(primary_url, database_replica_urls=(replica_url,)) as app:
        yield app


def _refreshed(app):
    app.extensions["tally.router"].refresh()
    return app.test_client()


def _figure(primary_url: str, value: int) -> dict:
    """A new figure's body, of a value no other test uses (the tests share one database)."""
    return NEW_FIGURE | {"value": value, "quote": f"{value} civilians were killed."}


def test_a_read_goes_to_a_caught_up_replica_and_a_write_to_the_primary(replicated_app, primary_url):
    client = _refreshed(replicated_app)
    read = client.get("/v1/figures/4")
    assert (read.status_code, read.headers["Tally-Server"]) == (200, "replica-1")
    assert (read.get_json()["value"], read.get_json()["stated_words"]) == (250, "More than 250")
    assert "Tally-Consistency" not in read.headers
    keys = key_headers(primary_url)
    written = client.post("/v1/figures", json=_figure(primary_url, 101), headers=keys["write"])
    assert (written.status_code, written.headers["Tally-Server"]) == (201, "primary")
    assert parse_position(written.headers["Tally-Consistency"]) is not None


def test_a_read_with_the_token_of_a_write_sees_it_while_the_replica_holds_back(primary_url, replica_url):
    with app_over(primary_url, database_replica_urls=(replica_url,), max_replica_lag_ms=PATIENT_MS) as app:
        client = _refreshed(app)
        keys = key_headers(primary_url)
        replayed_up_to_now(primary_url, replica_url)
        with replay_paused(replica_url):
            written = client.post("/v1/figures", json=_figure(primary_url, 102), headers=keys["write"])
            assert written.status_code == 201
            path, token = written.headers["Location"], written.headers["Tally-Consistency"]
            client = _refreshed(app)
            stale = client.get(path)  # no token: the replica, fit by lag, has not replayed the write
            assert (stale.status_code, stale.headers["Tally-Server"]) == (404, "replica-1")
            mine = client.get(path, headers={"Tally-Consistency": token})
            assert (mine.status_code, mine.headers["Tally-Server"]) == (200, "primary")
            assert mine.get_json()["value"] == 102
        replayed_up_to_now(primary_url, replica_url)
        caught_up = _refreshed(app).get(path, headers={"Tally-Consistency": token})
        assert (caught_up.status_code, caught_up.headers["Tally-Server"]) == (200, "replica-1")
        assert caught_up.get_json()["value"] == 102


def test_a_key_made_moments_ago_reads_from_a_replica_that_has_not_replayed_it(primary_url, replica_url):
    settings = {"database_replica_urls": (replica_url,), "max_replica_lag_ms": PATIENT_MS}
    with app_over(primary_url, **settings) as app, replay_paused(replica_url):
        token = make_key(primary_url, "new-dashboard", "read")
        client = _refreshed(app)
        read = client.get("/v1/figures/4", headers={"Authorization": f"Bearer {token}"})
        assert (read.status_code, read.headers["Tally-Server"]) == (200, "replica-1")
        unknown = client.get("/v1/figures/4", headers={"Authorization": f"Bearer {new_token()}"})
        assert (unknown.status_code, unknown.headers["Tally-Server"]) == (401, "replica-1")


def test_a_lagging_replica_is_skipped_and_readyz_says_how_far_behind(primary_url, replica_url):
    with app_over(primary_url, database_replica_urls=(replica_url,), max_replica_lag_ms=200) as app:
        with replay_paused(replica_url):
            with psycopg.connect(primary_url) as conn:  # a write the replica receives but does not replay
                conn.execute("UPDATE data_version SET changed_at = now()")
            _refreshed(app)  # the router sees the primary past the replica now...
            time.sleep(0.3)
            client = _refreshed(app)  # ...and the replica still there 0.3 s later
            read = client.get("/v1/figures/4")
            assert (read.status_code, read.headers["Tally-Server"]) == (200, "primary")
            replica = client.get("/readyz").get_json()["servers"][1]
            assert (replica["name"], replica["role"], replica["reachable"]) == ("replica-1", "replica", True)
            assert replica["lag_ms"] >= 300
        replayed_up_to_now(primary_url, replica_url)
        client = _refreshed(app)
        assert client.get("/v1/figures/4").headers["Tally-Server"] == "replica-1"
        assert client.get("/readyz").get_json()["servers"][1]["lag_ms"] == 0


def test_readyz_lists_every_server(replicated_app):
    response = _refreshed(replicated_app).get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "servers": [
            {"name": "primary", "role": "primary", "reachable": True, "lag_ms": 0},
            {"name": "replica-1", "role": "replica", "reachable": True, "lag_ms": 0},
        ],
    }


def test_a_replica_url_that_names_no_standby_serves_no_reads(primary_url):
    """A promoted replica, or the primary's URL by mistake: its data may have gone its own way, or the lag and the
    tokens mean nothing there."""
    with app_over(primary_url, database_replica_urls=(primary_url,)) as app:
        client = _refreshed(app)
        assert client.get("/v1/figures/4").headers["Tally-Server"] == "primary"
        replica = client.get("/readyz").get_json()["servers"][1]
        assert replica == {"name": "replica-1", "role": "replica", "reachable": True, "lag_ms": None}


def test_etags_and_304s_mean_the_same_on_every_server(primary_url, replica_url, replicated_app):
    replicated = _refreshed(replicated_app)
    with app_over(primary_url) as primary_app:
        on_primary = primary_app.test_client().get("/v1/figures?limit=3")
        on_replica = replicated.get("/v1/figures?limit=3")
        assert (on_primary.headers["Tally-Server"], on_replica.headers["Tally-Server"]) == ("primary", "replica-1")
        assert on_replica.headers["ETag"] == on_primary.headers["ETag"]
        assert on_replica.get_json() == on_primary.get_json()
        revalidated = replicated.get("/v1/figures?limit=3", headers={"If-None-Match": on_primary.headers["ETag"]})
        assert (revalidated.status_code, revalidated.headers["Tally-Server"]) == (304, "replica-1")


def test_paging_the_change_feed_across_servers_neither_skips_nor_repeats(primary_url, replica_url, replicated_app):
    """A poller whose pages come from the primary and the replica in turn gets the feed the primary gives whole."""
    replicated = _refreshed(replicated_app)
    with app_over(primary_url) as primary_app:
        primary = primary_app.test_client()
        whole = primary.get("/v1/changes?limit=500").get_json()["data"]
        assert len(whole) >= 13
        paged, page, servers = [], "/v1/changes?limit=2", Counter()
        for client in [primary, replicated] * len(whole):
            response = client.get(page)
            servers[response.headers["Tally-Server"]] += 1
            body = response.get_json()
            paged += body["data"]
            page = body.get("next")
            if not body["data"]:
                break
        assert paged == whole
        assert servers["primary"] > 0 and servers["replica-1"] > 0


def test_a_poller_that_meets_a_lagging_replica_neither_skips_nor_repeats_a_change(primary_url, replica_url):
    """The replica, behind, answers an empty page with the cursor it was given: the poller asks again later."""
    with (
        app_over(primary_url, database_replica_urls=(replica_url,), max_replica_lag_ms=PATIENT_MS) as replicated_app,
        app_over(primary_url) as primary_app,
    ):
        primary, keys = primary_app.test_client(), key_headers(primary_url)
        since = _end_of_feed(primary)
        with replay_paused(replica_url):
            for value in (104, 105, 106):
                created = primary.post("/v1/figures", json=_figure(primary_url, value), headers=keys["write"])
                assert created.status_code == 201
            replicated = _refreshed(replicated_app)
            first = primary.get(f"/v1/changes?since={since}&limit=2").get_json()
            behind = replicated.get(first["next"])
            assert behind.headers["Tally-Server"] == "replica-1"
            assert (behind.get_json()["data"], behind.get_json()["cursor"]) == ([], first["cursor"])
        replayed_up_to_now(primary_url, replica_url)
        rest = _refreshed(replicated_app).get(f"/v1/changes?since={first['cursor']}&limit=500")
        assert rest.headers["Tally-Server"] == "replica-1"
        whole = primary.get(f"/v1/changes?since={since}&limit=500").get_json()["data"]
        assert first["data"] + rest.get_json()["data"] == whole
        assert [change["kind"] for change in whole] == ["create", "create", "create"]


def _end_of_feed(client) -> str:
    """The cursor after the last change so far."""
    body = client.get("/v1/changes?limit=500").get_json()
    while body["data"]:
        body = client.get(body["next"]).get_json()
    return body["cursor"]


def test_a_malformed_token_is_a_400_naming_the_header(replicated_app):
    response = _refreshed(replicated_app).get("/v1/figures/4", headers={"Tally-Consistency": "16/ZZ"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [
        {
            "in": "header",
            "field": "Tally-Consistency",
            "messages": ["Must be the Tally-Consistency header of a write's response, such as 0/1A2B3C4D."],
        }
    ]


def test_a_read_a_replica_fails_is_served_by_the_primary_counted_once_and_the_replica_rests(
    replication: Cluster, primary_url, replica_url, monkeypatch
):
    monkeypatch.setattr(replicas, "REFRESH_S", 60)  # the router learns nothing by itself meanwhile
    with app_over(primary_url, database_replica_urls=(replica_url,), rate_limits_enabled=True) as app:
        client = _refreshed(app)
        first = client.get("/v1/figures/4")
        assert (first.status_code, first.headers["Tally-Server"]) == (200, "replica-1")
        replication.replica.stop()
        again = client.get("/v1/figures/4")  # sent to the replica, which fails it; then to the primary
        assert (again.status_code, again.headers["Tally-Server"]) == (200, "primary")
        assert again.get_json() == first.get_json()
        remaining = [re.search(r";r=(\d+);", response.headers["RateLimit"])[1] for response in (first, again)]
        assert remaining == ["1199", "1198"]
        replica = app.extensions["tally.router"].replicas[0]
        assert replica.resting_until - time.monotonic() > replicas.BACKOFF_S - 1
        assert client.get("/v1/figures/4").headers["Tally-Server"] == "primary"  # resting: not tried again


def _read_until(client, stop: threading.Event, answers: list[tuple[int, str]]) -> None:
    # A CSV page, not a whole export: a streamed export cut after its first byte is cut for good (see the README).
    paths = ("/v1/figures/4", "/v1/figures?limit=5", "/v1/civilians-killed?format=csv&limit=5", "/v1/changes?limit=3")
    while not stop.is_set():
        for path in paths:
            response = client.get(path)
            response.get_data()
            answers.append((response.status_code, response.headers.get("Tally-Server", "")))


@pytest.fixture
def readers(replicated_app) -> Iterator[tuple[threading.Event, list[tuple[int, str]]]]:
    """Four threads reading through the app until told to stop; what each read answered, and by whom."""
    stop, answers = threading.Event(), []
    clients = [replicated_app.test_client() for _ in range(4)]
    threads = [threading.Thread(target=_read_until, args=(client, stop, answers)) for client in clients]
    replicated_app.extensions["tally.router"].refresh()
    for thread in threads:
        thread.start()
    try:
        yield stop, answers
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def test_stopping_the_replica_under_load_costs_no_client_an_error(replication: Cluster, replicated_app, readers):
    stop, answers = readers
    time.sleep(0.5)
    served_before = Counter(server for _, server in answers)
    replication.replica.stop()
    time.sleep(1.0)
    stop.set()
    assert served_before["replica-1"] > 0
    assert Counter(status for status, _ in answers) == {200: len(answers)}
    assert answers[-1][1] == "primary"
    replica = _refreshed(replicated_app).get("/readyz").get_json()["servers"][1]
    assert replica == {"name": "replica-1", "role": "replica", "reachable": False, "lag_ms": None}


def test_under_gunicorn_the_access_log_names_the_server_of_each_request(primary_url, replica_url):
    """Under gunicorn's gevent worker, as `make run` serves: the lag is refreshed in the background there too."""
    keys = key_headers(primary_url)
    with tempfile.TemporaryFile() as log:
        with live_server(primary_url, access_log=log, DATABASE_REPLICA_URLS=replica_url, LOG_LEVEL="info") as port:
            read = _request(port, "GET", "/v1/figures/4")
            body = json.dumps(_figure(primary_url, 103)).encode()
            headers = keys["write"] | {"Content-Type": "application/json"}
            with replay_paused(replica_url):
                written = _request(port, "POST", "/v1/figures", body, headers)
                time.sleep(1.0)  # five refreshes
                replica = json.loads(_request(port, "GET", "/readyz").body)["servers"][1]
        log.seek(0)
        lines = log.read().decode().splitlines()
    assert (read.status, read.getheader("Tally-Server")) == (200, "replica-1")
    assert (written.status, written.getheader("Tally-Server")) == (201, "primary")
    assert (replica["reachable"], replica["lag_ms"] >= 200) == (True, True)
    assert [line.rsplit(" ", 1)[1] for line in lines if '"GET /v1/figures/4 ' in line] == ["replica-1"]
    assert [line.rsplit(" ", 1)[1] for line in lines if '"POST /v1/figures ' in line] == ["primary"]


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def test_prepared_statements_can_be_turned_off_on_every_server_for_pgbouncer(primary_url, replica_url):
    with app_over(primary_url, database_replica_urls=(replica_url,), prepare_threshold=None) as app:
        router = app.extensions["tally.router"]
        assert [server.name for server in router.servers] == ["primary", "replica-1"]
        for server in router.servers:
            with server.pool.connection() as conn:
                assert conn.prepare_threshold is None
                for _ in range(6):  # past psycopg's default threshold of 5
                    conn.execute("SELECT 1")
                assert conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()["count"] == 0
    with app_over(primary_url) as app, app.extensions["tally.pool"].connection() as conn:
        assert conn.prepare_threshold == 5
