"""Writing figures: keys, creation, edits with If-Match, retries, retraction, disputes and history."""

from __future__ import annotations

import json
import threading
from typing import ClassVar

import pytest

from service import db
from tests.support import NEW_FIGURE, database_fingerprint, figure_tag


def create(client, headers, **changes):
    response = client.post("/v1/figures", json=NEW_FIGURE | changes, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response


def revisions(url: str, figure_id: int) -> list[dict]:
    with db.connect(url) as conn:
        return conn.execute(
            "SELECT version, kind, changed_by, reason, state FROM figure_revision "
            "WHERE figure_id = %s ORDER BY version",
            (figure_id,),
        ).fetchall()


def test_create_returns_201_with_location_etag_and_the_figure(write_client, keys, fresh_url):
    response = create(write_client, keys["write"])
    figure = response.get_json()
    assert response.headers["Location"] == f"/v1/figures/{figure['id']}"
    assert response.headers["ETag"] == figure_tag(1, response.get_data())
    assert (figure["value"], figure["location"]["id"], figure["source"]["id"], figure["version"]) == (
        7,
        "SY0200",
        "sohr",
        1,
    )
    read = write_client.get(response.headers["Location"])
    assert read.get_json() == figure and read.headers["ETag"] == response.headers["ETag"]
    [revision] = revisions(fresh_url, figure["id"])
    assert (revision["version"], revision["kind"], revision["changed_by"], revision["reason"]) == (
        1,
        "create",
        "write-key",
        "From the SOHR bulletin",
    )
    assert revision["state"]["value"] == 7


def test_create_through_a_metric_collection_implies_the_metric(write_client, keys):
    body = {k: v for k, v in NEW_FIGURE.items() if k != "metric"} | {
        "origin": "eastern-aleppo",
        "destination": "SY0200",
        "value": 300,
    }
    response = write_client.post("/v1/displaced", json=body, headers=keys["write"])
    assert response.status_code == 201, response.get_json()
    figure = response.get_json()
    assert (figure["metric"], figure["origin"]["id"], figure["destination"]["id"]) == (
        "displaced",
        "eastern-aleppo",
        "SY0200",
    )
    rejected = write_client.post("/v1/displaced", json=NEW_FIGURE, headers=keys["write"])
    assert rejected.status_code == 422
    assert rejected.get_json()["errors"] == [{"in": "json", "field": "metric", "messages": ["Unknown field."]}]


def test_entering_the_same_statement_twice_is_a_409_linking_the_first(write_client, keys, fresh_url):
    first = create(write_client, keys["write"]).get_json()
    before = database_fingerprint(fresh_url)
    again = write_client.post("/v1/figures", json=NEW_FIGURE | {"quote": "other words"}, headers=keys["write"])
    assert again.status_code == 409
    assert again.get_json()["existing"] == f"/v1/figures/{first['id']}"
    assert again.get_json()["existing_id"] == first["id"]
    assert database_fingerprint(fresh_url) == before


def test_a_seed_statement_entered_again_is_a_duplicate(write_client, keys):
    body = NEW_FIGURE | {
        "metric": "children_under_siege",
        "count_kind": "stock",
        "value": 500000,
        "location": "SY",
        "source": "unicef",
        "period_start": "2016-11-27",
        "period_end": "2016-11-27",
        "population_group": "children",
    }
    response = write_client.post("/v1/figures", json=body, headers=keys["write"])
    assert response.status_code == 409 and response.get_json()["existing_id"] == 5


class TestIdempotency:
    def test_a_retry_returns_the_first_response_and_creates_nothing(self, write_client, keys, fresh_url):
        headers = keys["write"] | {"Idempotency-Key": "entry-42"}
        first = write_client.post("/v1/figures", json=NEW_FIGURE, headers=headers)
        after_first = database_fingerprint(fresh_url)
        retry = write_client.post(
            "/v1/figures", data=json.dumps(NEW_FIGURE, indent=2), headers=headers | {"Content-Type": "application/json"}
        )
        assert (first.status_code, retry.status_code) == (201, 201)
        assert retry.get_data() == first.get_data()
        assert retry.headers["Location"] == first.headers["Location"] and retry.headers["ETag"] == first.headers["ETag"]
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert database_fingerprint(fresh_url) == after_first

    def test_the_same_key_with_another_body_is_a_422(self, write_client, keys, fresh_url):
        headers = keys["write"] | {"Idempotency-Key": "entry-43"}
        create(write_client, headers)
        before = database_fingerprint(fresh_url)
        other = write_client.post("/v1/figures", json=NEW_FIGURE | {"value": 8}, headers=headers)
        assert other.status_code == 422
        assert other.get_json()["detail"].startswith("This Idempotency-Key was used with a different request")
        assert database_fingerprint(fresh_url) == before

    def test_keys_belong_to_one_api_key(self, write_client, keys):
        create(write_client, keys["write"] | {"Idempotency-Key": "shared"})
        other = write_client.post(
            "/v1/figures", json=NEW_FIGURE | {"value": 9}, headers=keys["admin"] | {"Idempotency-Key": "shared"}
        )
        assert other.status_code == 201

    def test_a_failed_request_is_not_remembered(self, write_client, keys):
        headers = keys["write"] | {"Idempotency-Key": "retry-after-fix"}
        assert (
            write_client.post("/v1/figures", json=NEW_FIGURE | {"source": "nobody"}, headers=headers).status_code == 422
        )
        assert (
            write_client.post("/v1/figures", json=NEW_FIGURE | {"source": "nobody"}, headers=headers).status_code == 422
        )
        assert write_client.post("/v1/figures", json=NEW_FIGURE, headers=headers).status_code == 201

    def test_an_unusable_key_is_a_400(self, write_client, keys):
        response = write_client.post(
            "/v1/figures", json=NEW_FIGURE, headers=keys["write"] | {"Idempotency-Key": "x" * 256}
        )
        assert response.status_code == 400
        assert response.get_json()["detail"] == "Idempotency-Key must be 1 to 255 visible ASCII characters."


class TestPatch:
    def test_needs_if_match(self, write_client, keys):
        response = write_client.patch("/v1/figures/4", json={"value": 260, "reason": "x"}, headers=keys["write"])
        assert response.status_code == 428

    def test_applies_the_change_as_a_new_version_with_its_reason(self, write_client, keys, fresh_url):
        response = write_client.patch(
            "/v1/figures/4",
            json={"value": 260, "stated_words": "More than 260", "reason": "SOHR updated its count"},
            headers=keys["write"] | {"If-Match": '"v1"'},
        )
        assert response.status_code == 200, response.get_json()
        assert response.headers["ETag"] == figure_tag(2, response.get_data())
        figure = response.get_json()
        assert (figure["value"], figure["stated_words"], figure["version"]) == (260, "More than 260", 2)
        history = revisions(fresh_url, 4)
        assert [(r["version"], r["kind"], r["changed_by"], r["reason"], r["state"]["value"]) for r in history] == [
            (1, "create", "seed", "seed aleppo-2016-11-27.json", 250),
            (2, "update", "write-key", "SOHR updated its count", 260),
        ]

    def test_a_stale_etag_is_a_412_and_changes_nothing(self, write_client, keys, fresh_url):
        write_client.patch(
            "/v1/figures/4", json={"value": 260, "reason": "a"}, headers=keys["write"] | {"If-Match": '"v1"'}
        )
        before = database_fingerprint(fresh_url)
        stale = write_client.patch(
            "/v1/figures/4", json={"value": 270, "reason": "b"}, headers=keys["write"] | {"If-Match": '"v1"'}
        )
        assert stale.status_code == 412
        assert stale.get_json()["current_etag"] == write_client.get("/v1/figures/4").headers["ETag"]
        assert stale.get_json()["current_etag"].startswith('"v2-')
        assert database_fingerprint(fresh_url) == before

    def test_needs_a_reason_and_a_change(self, write_client, keys):
        headers = keys["write"] | {"If-Match": '"v1"'}
        no_reason = write_client.patch("/v1/figures/4", json={"value": 260}, headers=headers)
        assert no_reason.get_json()["errors"] == [
            {"in": "json", "field": "reason", "messages": ["Missing data for required field."]}
        ]
        nothing = write_client.patch("/v1/figures/4", json={"reason": "nothing"}, headers=headers)
        assert nothing.status_code == 422
        assert nothing.get_json()["errors"][0]["messages"] == ["Give at least one field to change."]

    def test_bounds_are_checked_against_the_stored_figure(self, write_client, keys, fresh_url):
        before = database_fingerprint(fresh_url)
        response = write_client.patch(
            "/v1/figures/8",
            json={"value": 150, "reason": "x"},  # stored high is 99
            headers=keys["write"] | {"If-Match": '"v1"'},
        )
        assert response.status_code == 422
        assert response.get_json()["errors"] == [
            {"in": "json", "field": "high", "messages": ["high must not be less than value."]}
        ]
        assert database_fingerprint(fresh_url) == before

    def test_unknown_figure_is_a_404(self, write_client, keys):
        response = write_client.patch(
            "/v1/figures/999", json={"value": 1, "reason": "x"}, headers=keys["write"] | {"If-Match": '"v1"'}
        )
        assert response.status_code == 404

    def test_of_concurrent_patches_with_one_etag_exactly_one_succeeds(self, fresh_url, keys):
        from service.app import create_app
        from service.config import Settings

        app = create_app(Settings(database_url=fresh_url, threads=8), database_url=fresh_url)
        barrier = threading.Barrier(8)
        statuses = []

        def patch(n: int) -> None:
            client = app.test_client()
            barrier.wait()
            response = client.patch(
                "/v1/figures/4",
                json={"value": 300 + n, "reason": f"editor {n}"},
                headers=keys["write"] | {"If-Match": '"v1"'},
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=patch, args=(n,)) for n in range(8)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            app.extensions["tally.pool"].close()
        assert sorted(statuses) == [200] + [412] * 7
        assert [r["version"] for r in revisions(fresh_url, 4)] == [1, 2]


class TestRetraction:
    def test_retraction_is_a_status_not_a_delete(self, write_client, keys, fresh_url):
        response = write_client.delete("/v1/figures/10", json={"reason": "Misattributed"}, headers=keys["write"])
        assert response.status_code == 200
        assert (response.get_json()["status"], response.get_json()["status_note"]) == ("retracted", "Misattributed")
        assert 10 not in [f["id"] for f in write_client.get("/v1/figures").get_json()["data"]]
        assert [f["id"] for f in write_client.get("/v1/figures?status=retracted").get_json()["data"]] == [10]
        assert write_client.get("/v1/figures/10").get_json()["status"] == "retracted"
        assert [(r["kind"], r["reason"]) for r in revisions(fresh_url, 10)] == [
            ("create", "seed aleppo-2016-11-27.json"),
            ("retract", "Misattributed"),
        ]

    def test_needs_a_reason(self, write_client, keys):
        response = write_client.delete("/v1/figures/10", headers=keys["write"])
        assert response.status_code == 422
        assert response.get_json()["errors"] == [
            {"in": "json", "field": "reason", "messages": ["Missing data for required field."]}
        ]

    def test_twice_is_a_409_and_a_stale_if_match_a_412(self, write_client, keys):
        stale = write_client.delete(
            "/v1/figures/10", json={"reason": "x"}, headers=keys["write"] | {"If-Match": '"v7"'}
        )
        assert stale.status_code == 412
        assert write_client.delete("/v1/figures/10", json={"reason": "x"}, headers=keys["write"]).status_code == 200
        assert write_client.delete("/v1/figures/10", json={"reason": "x"}, headers=keys["write"]).status_code == 409


class TestDisputes:
    DISPUTE: ClassVar[dict[str, object]] = {
        "source": "un",
        "document": 1,
        "stated_on": "2016-11-28",
        "note": "UN monitors counted fewer.",
        "quote": "We could confirm 150 deaths.",
    }

    def test_disputing_marks_the_figure_and_lists_the_dispute_inline(self, write_client, keys, fresh_url):
        response = write_client.post("/v1/figures/4/disputes", json=self.DISPUTE, headers=keys["write"])
        assert response.status_code == 201, response.get_json()
        figure = response.get_json()
        assert figure["status"] == "disputed" and response.headers["ETag"] == figure_tag(2, response.get_data())
        assert [(d["source"]["id"], d["stated_on"], d["note"]) for d in figure["disputes"]] == [
            ("un", "2016-11-28", "UN monitors counted fewer.")
        ]
        assert [r["kind"] for r in revisions(fresh_url, 4)] == ["create", "dispute"]
        assert write_client.get("/v1/figures?status=disputed").get_json()["data"][0]["id"] == 4

    def test_unknown_source_is_a_422_and_changes_nothing(self, write_client, keys, fresh_url):
        before = database_fingerprint(fresh_url)
        response = write_client.post(
            "/v1/figures/4/disputes", json=self.DISPUTE | {"source": "nobody"}, headers=keys["write"]
        )
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "source"
        assert database_fingerprint(fresh_url) == before

    def test_a_retracted_figure_cannot_be_disputed(self, write_client, keys):
        write_client.delete("/v1/figures/4", json={"reason": "gone"}, headers=keys["write"])
        assert write_client.post("/v1/figures/4/disputes", json=self.DISPUTE, headers=keys["write"]).status_code == 409

    def test_unknown_figure_is_a_404(self, write_client, keys):
        assert (
            write_client.post("/v1/figures/999/disputes", json=self.DISPUTE, headers=keys["write"]).status_code == 404
        )


class TestHistory:
    def test_revisions_list_every_version(self, write_client, keys):
        write_client.patch(
            "/v1/figures/4", json={"value": 260, "reason": "corrected"}, headers=keys["write"] | {"If-Match": '"v1"'}
        )
        data = write_client.get("/v1/figures/4/revisions").get_json()["data"]
        assert [(r["version"], r["kind"], r["changed_by"], r["state"]["value"]) for r in data] == [
            (1, "create", "seed", 250),
            (2, "update", "write-key", 260),
        ]
        assert write_client.get("/v1/figures/999/revisions").status_code == 404

    def test_as_of_returns_the_figure_as_it_stood(self, write_client, keys, fresh_url):
        with db.connect(fresh_url) as conn:
            moment = conn.execute("SELECT now() AS t").fetchone()["t"].isoformat()
        write_client.patch(
            "/v1/figures/4", json={"value": 260, "reason": "corrected"}, headers=keys["write"] | {"If-Match": '"v1"'}
        )
        then = write_client.get("/v1/figures/4", query_string={"as_of": moment})
        assert (then.get_json()["value"], then.headers["ETag"]) == (250, figure_tag(1, then.get_data()))
        assert write_client.get("/v1/figures/4").get_json()["value"] == 260
        listed = write_client.get("/v1/civilians-killed", query_string={"as_of": moment}).get_json()["data"]
        assert [(f["id"], f["value"]) for f in listed] == [(4, 250), (7, 15)]
        before_seed = write_client.get("/v1/figures/4", query_string={"as_of": "2000-01-01T00:00:00Z"})
        assert before_seed.status_code == 404

    def test_as_of_needs_a_time_zone(self, write_client):
        response = write_client.get("/v1/figures/4?as_of=2020-01-01T00:00:00")
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "as_of"


@pytest.mark.parametrize("path", ["/v1/figures/4", "/v1/figures/4/revisions", "/v1/changes"])
def test_reads_stay_public(write_client, path):
    assert write_client.get(path).status_code == 200
