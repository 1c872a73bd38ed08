"""ETag, Last-Modified and 304s for pollers."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from service import db
from service.repositories import figures
from tests.support import figure_tag


def test_collections_send_validators(client):
    response = client.get("/v1/civilians-killed")
    assert response.headers["ETag"].startswith('W/"')
    assert parsedate_to_datetime(response.headers["Last-Modified"]).tzinfo is not None
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Vary"] == "Accept, Authorization"


@pytest.mark.parametrize(
    "path", ["/v1/figures?limit=3", "/v1/sources", "/v1/locations/SY02", "/v1/metrics", "/v1/changes"]
)
def test_if_none_match_gets_a_304_without_a_body(client, path):
    etag = client.get(path).headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b"" and again.headers["ETag"] == etag


def test_a_304_does_not_build_the_page(client, monkeypatch):
    etag = client.get("/v1/figures").headers["ETag"]

    def must_not_run(*args, **kwargs):
        raise AssertionError("the page was built for a 304")

    monkeypatch.setattr(figures, "list_figures", must_not_run)
    assert client.get("/v1/figures", headers={"If-None-Match": etag}).status_code == 304


def test_each_query_has_its_own_etag(client):
    assert client.get("/v1/figures?limit=2").headers["ETag"] != client.get("/v1/figures?limit=3").headers["ETag"]


def test_a_write_changes_every_collection_etag(write_client, keys):
    etag = write_client.get("/v1/sources").headers["ETag"]
    write_client.patch("/v1/locations/anjara", json={"name_ar": "عنجارة"}, headers=keys["write"])
    response = write_client.get("/v1/sources", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_if_modified_since(write_client, keys):
    last_modified = write_client.get("/v1/figures").headers["Last-Modified"]
    assert write_client.get("/v1/figures", headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(last_modified) - dt.timedelta(seconds=1), usegmt=True)
    assert write_client.get("/v1/figures", headers={"If-Modified-Since": earlier}).status_code == 200
    assert write_client.get("/v1/figures", headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client):
    last_modified = client.get("/v1/figures").headers["Last-Modified"]
    response = client.get("/v1/figures", headers={"If-None-Match": 'W/"0-stale"', "If-Modified-Since": last_modified})
    assert response.status_code == 200


def _patch_figure_4(write_client, keys, if_match: str = '"v1"'):
    return write_client.patch(
        "/v1/figures/4", json={"value": 260, "reason": "x"}, headers=keys["write"] | {"If-Match": if_match}
    )


def test_a_figure_is_validated_by_its_version_and_body(write_client, keys):
    first = write_client.get("/v1/figures/4")
    assert first.headers["ETag"] == figure_tag(1, first.get_data())
    assert write_client.get("/v1/figures/4", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # If-Match compares the version: the whole tag and the version alone both name version 1.
    assert _patch_figure_4(write_client, keys, if_match=first.headers["ETag"]).status_code == 200
    changed = write_client.get("/v1/figures/4", headers={"If-None-Match": first.headers["ETag"]})
    assert (changed.status_code, changed.headers["ETag"]) == (200, figure_tag(2, changed.get_data()))


def test_a_rename_of_what_a_figure_shows_moves_its_validators(write_client, keys):
    """A rename rebuilds the figure's body without a new version: a poller's copy must not be told it is current."""
    first = write_client.get("/v1/figures/4")
    validators = {"If-None-Match": first.headers["ETag"]}
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    renamed = write_client.patch("/v1/sources/sohr", json={"name": "SOHR (renamed)"}, headers=keys["write"])
    assert renamed.status_code == 200, renamed.get_json()
    for conditions in (validators, since):
        fresh = write_client.get("/v1/figures/4", headers=conditions)
        assert (fresh.status_code, fresh.get_json()["source"]["name"]) == (200, "SOHR (renamed)"), conditions
    assert fresh.headers["ETag"] == figure_tag(1, fresh.get_data()) != first.headers["ETag"]
    assert parsedate_to_datetime(fresh.headers["Last-Modified"]) > parsedate_to_datetime(first.headers["Last-Modified"])
    # The figure itself did not change: the tag a client read before the rename still names its version.
    assert _patch_figure_4(write_client, keys, if_match=first.headers["ETag"]).status_code == 200


@pytest.mark.parametrize(
    ("figure", "rename"),
    [
        (9, "/v1/sources/afad"),  # the source of one of its disputes
        (4, "/v1/documents/1"),  # its document (the title only)
    ],
)
def test_a_rename_of_anything_a_figure_shows_moves_its_last_modified(write_client, keys, figure, rename):
    first = write_client.get(f"/v1/figures/{figure}")
    change = {"name": "Renamed"} if "sources" in rename else {"title": "Retitled"}
    assert write_client.patch(rename, json=change, headers=keys["write"]).status_code == 200
    for conditions in ({"If-Modified-Since": first.headers["Last-Modified"]}, {"If-None-Match": first.headers["ETag"]}):
        assert write_client.get(f"/v1/figures/{figure}", headers=conditions).status_code == 200, conditions


def test_a_figure_sends_every_validator_and_answers_if_modified_since(write_client, keys, fresh_url):
    first = write_client.get("/v1/figures/4")
    with db.connect(fresh_url) as conn:
        changed_at = conn.execute("SELECT changed_at FROM data_version").fetchone()["changed_at"]
    last_modified = format_datetime(changed_at.astimezone(dt.UTC), usegmt=True)
    tag = figure_tag(1, first.get_data())
    assert (first.headers["ETag"], first.headers["Last-Modified"]) == (tag, last_modified)
    assert (first.headers["Cache-Control"], first.headers["Vary"]) == ("no-cache", "Accept, Authorization")
    unchanged = write_client.get("/v1/figures/4", headers={"If-Modified-Since": last_modified})
    assert (unchanged.status_code, unchanged.get_data()) == (304, b"")
    assert (unchanged.headers["ETag"], unchanged.headers["Cache-Control"]) == (tag, "no-cache")
    _patch_figure_4(write_client, keys)
    changed = write_client.get("/v1/figures/4", headers={"If-Modified-Since": last_modified})
    assert changed.status_code == 200
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) >= parsedate_to_datetime(last_modified)
    # If-None-Match decides when both are sent: a stale tag gets the figure, however recent the date.
    stale = write_client.get("/v1/figures/4", headers={"If-None-Match": tag, "If-Modified-Since": last_modified})
    assert stale.status_code == 200


def test_a_figure_as_it_stood_is_dated_by_that_version(write_client, keys, fresh_url):
    with db.connect(fresh_url) as conn:
        first_written = conn.execute("SELECT updated_at FROM figure WHERE id = 4").fetchone()["updated_at"]
    before = write_client.get("/v1/figures/4")
    _patch_figure_4(write_client, keys)
    earlier = write_client.get("/v1/figures/4", query_string={"as_of": first_written.isoformat()})
    assert (earlier.status_code, earlier.headers["ETag"], earlier.get_json()["value"]) == (
        200,
        figure_tag(1, earlier.get_data()),
        250,
    )
    assert earlier.get_json() == before.get_json()
    assert earlier.headers["Last-Modified"] == format_datetime(first_written.astimezone(dt.UTC), usegmt=True)
    now = write_client.get("/v1/figures/4")
    assert now.headers["ETag"] == figure_tag(2, now.get_data())


def test_the_change_feed_sends_its_next_page_in_link_too(client):
    response = client.get("/v1/changes?limit=2")
    assert response.headers["Link"] == f'<{response.get_json()["next"]}>; rel="next"'
