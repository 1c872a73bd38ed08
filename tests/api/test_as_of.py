"""as_of reads the past as the revisions tell it, whatever changed since (migration 0020).

The reference is the definition as_of had from the start, computed here from
the revision table: each figure's latest revision written by the moment. The
service reads unchanged figures from the table instead, so every kind of
change is made between the moments: a new value, a move to another place, a
retraction, a dispute and a new figure.
"""

from __future__ import annotations

import pytest

from service import db
from service.repositories import locations
from tests.support import NEW_FIGURE


def now(url: str) -> str:
    with db.connect(url) as conn:
        return conn.execute("SELECT now() AS t").fetchone()["t"].isoformat()


def revisions_at(url: str, moment: str) -> dict[int, dict]:
    """Every figure's latest revision written by the moment, as {id: state}."""
    with db.connect(url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (figure_id) figure_id, state FROM figure_revision "
            "WHERE changed_at <= %s ORDER BY figure_id, version DESC",
            (moment,),
        ).fetchall()
    return {row["figure_id"]: row["state"] for row in rows}


def places_within(url: str, code: str) -> set[str]:
    """The ids of the place and of every place inside it, as the location filter reads them."""
    with db.connect(url) as conn:
        return set(locations.subtree_ids(conn, param="location", code=code))


def every_page(client, path: str, **query) -> list[dict]:
    """Follow `next` to the end, one figure a page."""
    figures = []
    response = client.get(path, query_string=query | {"limit": 1})
    while True:
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        figures += body["data"]
        if body["next"] is None:
            return figures
        response = client.get(body["next"])


@pytest.fixture
def history(write_client, keys, fresh_url):
    """Moments between changes of every kind; returns them in order."""
    write = keys["write"]
    moments = [now(fresh_url)]
    response = write_client.patch(
        "/v1/figures/4", json={"value": 260, "reason": "corrected"}, headers=write | {"If-Match": '"v1"'}
    )
    assert response.status_code == 200
    moments.append(now(fresh_url))
    response = write_client.patch(
        "/v1/figures/7", json={"location": "SY0200", "reason": "placed"}, headers=write | {"If-Match": '"v1"'}
    )
    assert response.status_code == 200, response.get_json()
    moments.append(now(fresh_url))
    assert write_client.delete("/v1/figures/4", json={"reason": "withdrawn"}, headers=write).status_code == 200
    moments.append(now(fresh_url))
    dispute = {"source": "un", "stated_on": "2016-11-28", "note": "Counted fewer."}
    assert write_client.post("/v1/figures/5/disputes", json=dispute, headers=write).status_code == 201
    moments.append(now(fresh_url))
    assert write_client.post("/v1/figures", json=NEW_FIGURE, headers=write).status_code == 201
    moments.append(now(fresh_url))
    return moments


def test_every_figure_as_it_stood_at_each_moment(write_client, fresh_url, history):
    for moment in history:
        expected = revisions_at(fresh_url, moment)
        listed = every_page(write_client, "/v1/figures", as_of=moment, status="reported,verified,disputed,retracted")
        assert {f["id"]: (f["version"], f["value"], f["status"]) for f in listed} == {
            figure_id: (state["version"], state["value"], state["status"]) for figure_id, state in expected.items()
        }, moment


def test_filters_apply_to_the_past_state(write_client, fresh_url, history):
    aleppo_city = places_within(fresh_url, "SY0200")
    for moment in history:
        expected = sorted(
            figure_id
            for figure_id, state in revisions_at(fresh_url, moment).items()
            if state["location_id"] in aleppo_city and state["status"] != "retracted"
        )
        listed = every_page(write_client, "/v1/figures", as_of=moment, location="SY0200")
        assert [f["id"] for f in listed] == expected, moment


def test_sorted_pages_of_the_past(write_client, fresh_url, history):
    for moment in history:
        states = revisions_at(fresh_url, moment).values()
        expected = [
            s["id"] for s in sorted(states, key=lambda s: (-s["value"], -s["id"])) if s["status"] != "retracted"
        ]
        listed = every_page(write_client, "/v1/figures", as_of=moment, sort="-value")
        assert [f["id"] for f in listed] == expected, moment


def test_a_figure_moved_since_is_found_where_it_was(write_client, fresh_url, history):
    before_move = history[1]
    then = write_client.get("/v1/figures/7", query_string={"as_of": before_move}).get_json()
    assert then["version"] == 1 and then["location"]["pcode"] != "SY0200"
    assert write_client.get("/v1/figures/7").get_json()["location"]["pcode"] == "SY0200"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_any_offset_python_reads_is_the_same_moment_in_utc(client, fmt):
    """PostgreSQL takes offsets up to ±15:59 only: a moment at +16:00 is read in UTC, not sent on as a 500."""
    answers = []
    for moment in ("2030-01-02T04:00:00%2B16:00", "2030-01-01T12:00:00Z"):
        response = client.get(f"/v1/figures?format={fmt}&as_of={moment}")
        answers.append((response.status_code, response.get_data()))  # read before the next request
    assert answers[0] == answers[1] and answers[0][0] == 200


@pytest.mark.parametrize(
    "query",
    ["as_of=9999-12-31T23:00:00-05:00", "updated_since=0001-01-01T00:00:00%2B10:00"],
)
def test_a_moment_outside_the_calendar_in_utc_is_refused(client, query):
    field = query.split("=")[0]
    response = client.get(f"/v1/figures?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"in": "query", "field": field, "messages": ["Out of range: in UTC this moment falls outside years 1 to 9999."]}
    ]


def test_bodies_built_on_the_fly_match_the_stored_ones_whatever_the_servers_time_zone(server_url, template_db):
    """A figure as it stood is built from its revisions by the request's session; the stored body pins UTC. With a
    server set to Damascus time, the two differed (+03:00 against +00:00)."""
    from tests.support import app_over, database

    with database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            conn.execute(f"ALTER DATABASE \"{conn.info.dbname}\" SET TimeZone = 'Asia/Damascus'")
            conn.commit()
        with app_over(url) as app:
            client = app.test_client()
            now = client.get("/v1/figures/4").get_data()
            then = client.get("/v1/figures/4?as_of=2100-01-01T00:00:00Z").get_data()
            source = client.get("/v1/sources/sohr").get_json()
    assert then == now
    assert source["created_at"].endswith("+00:00")
