"""The change feed: every figure change once, in commit order, resumable forever."""

from __future__ import annotations

import threading
import time

from service import db
from tests.support import NEW_FIGURE


def poll(client, cursor: str | None = None, limit: int = 100) -> tuple[list[tuple[str, int, int]], str]:
    query = {"limit": limit} | ({"since": cursor} if cursor else {})
    body = client.get("/v1/changes", query_string=query).get_json()
    return [(c["kind"], c["figure_id"], c["version"]) for c in body["data"]], body["cursor"]


def test_the_feed_starts_with_the_seed_and_pages_by_cursor(client):
    first, cursor = poll(client, limit=10)
    rest, cursor2 = poll(client, cursor)
    assert first + rest == [("create", n, 1) for n in range(1, 14)]
    again, cursor3 = poll(client, cursor2)
    assert again == [] and cursor3 == cursor2


def test_every_kind_of_change_appears_once_in_order(write_client, keys):
    _, cursor = poll(write_client)
    created = write_client.post("/v1/figures", json=NEW_FIGURE, headers=keys["write"]).get_json()["id"]
    write_client.patch(
        f"/v1/figures/{created}", json={"value": 8, "reason": "fix"}, headers=keys["write"] | {"If-Match": '"v1"'}
    )
    write_client.post(
        f"/v1/figures/{created}/disputes",
        json={"source": "un", "stated_on": "2016-11-29", "note": "no"},
        headers=keys["write"],
    )
    write_client.delete(f"/v1/figures/{created}", json={"reason": "withdrawn"}, headers=keys["write"])
    changes, cursor = poll(write_client, cursor)
    assert changes == [("create", created, 1), ("update", created, 2), ("dispute", created, 3), ("retract", created, 4)]
    body = write_client.get("/v1/changes", query_string={"since": cursor}).get_json()
    assert body["data"] == [] and body["next"].endswith(f"since={cursor}&limit=100")


def test_the_feed_says_who_and_why(write_client, keys):
    _, cursor = poll(write_client)
    write_client.patch(
        "/v1/figures/4", json={"value": 260, "reason": "SOHR revised"}, headers=keys["write"] | {"If-Match": '"v1"'}
    )
    [change] = write_client.get("/v1/changes", query_string={"since": cursor}).get_json()["data"]
    assert (change["changed_by"], change["reason"], change["figure"]) == ("write-key", "SOHR revised", "/v1/figures/4")


def _insert(conn, value: int) -> None:
    db.acting_as(conn, actor="test", reason=f"value {value}")
    conn.execute(
        """INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end, stated_on,
                               source_id, document_id)
           VALUES ('civilians_killed', 'event', %s, 'anjara', '2016-11-28', '2016-11-28', '2016-11-28', 'lcc', 1)""",
        (value,),
    )


def test_transactions_that_commit_out_of_order_are_neither_skipped_nor_repeated(write_client, fresh_url):
    """A writer that started first but commits last cannot slip in behind a poller's cursor."""
    _, cursor = poll(write_client)
    first = db.connect(fresh_url)
    _insert(first, 101)  # holds its place in the feed, not yet committed
    second_done = threading.Event()

    def second_writer() -> None:
        with db.connect(fresh_url) as conn:
            _insert(conn, 102)
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert not second_done.is_set(), "the second writer must wait for the first to commit"
    seen, cursor = poll(write_client, cursor)
    assert seen == []
    first.commit()
    first.close()
    thread.join(timeout=10)
    seen, cursor = poll(write_client, cursor)
    values = [write_client.get(f"/v1/figures/{figure_id}").get_json()["value"] for _, figure_id, _ in seen]
    assert values == [101, 102]
    assert poll(write_client, cursor)[0] == []


def test_a_forged_cursor_is_a_400(client):
    assert client.get("/v1/changes?since=nonsense").status_code == 400
