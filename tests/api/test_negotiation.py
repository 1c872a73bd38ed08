"""Accept chooses the format where ?format= is absent; an Accept no format of the operation satisfies is a 406
problem listing what it answers in; errors stay problem+json whatever Accept asks for."""

from __future__ import annotations

import pytest

from service import formats
from service.errors import PROBLEM_JSON
from tests.support import NEW_FIGURE, database_fingerprint

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FIGURE_TYPES = [formats.JSON, formats.CSV, formats.NDJSON, formats.GEOJSON]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, formats.JSON),
        ("", formats.JSON),
        ("*/*", formats.JSON),
        ("application/*", formats.JSON),
        ("application/json", formats.JSON),
        (BROWSER, formats.JSON),
        ("text/csv", formats.CSV),
        ("text/*", formats.CSV),
        ("application/x-ndjson", formats.NDJSON),
        ("application/geo+json", formats.GEOJSON),
        ("text/csv;q=0.5, application/x-ndjson", formats.NDJSON),
        ("application/geo+json, application/json", formats.JSON),  # equal quality: the list's own order
        ("application/json;q=0, application/*", formats.NDJSON),  # JSON refused: the next one Accept allows
    ],
)
def test_accept_chooses_the_format_of_a_figure_list(client, accept, media_type):
    with client.get("/v1/civilians-killed", headers={} if accept is None else {"Accept": accept}) as response:
        assert (response.status_code, response.mimetype) == (200, media_type), response.get_data(as_text=True)
        assert response.headers["Vary"] == "Accept, Authorization"


def test_the_same_list_in_another_format_has_another_etag_and_is_never_taken_for_it(client):
    json_page = client.get("/v1/figures")
    with client.get("/v1/figures", headers={"Accept": formats.NDJSON}) as ndjson:
        assert json_page.headers["ETag"] != ndjson.headers["ETag"]
    stale = {"Accept": formats.NDJSON, "If-None-Match": json_page.headers["ETag"]}
    with client.get("/v1/figures", headers=stale) as again:
        assert (again.status_code, again.mimetype) == (200, formats.NDJSON)
    current = {"Accept": formats.NDJSON, "If-None-Match": ndjson.headers["ETag"]}
    assert client.get("/v1/figures", headers=current).status_code == 304


def test_an_unsatisfiable_accept_is_the_documented_406(client):
    response = client.get("/v1/figures", headers={"Accept": "text/html"})
    assert (response.status_code, response.mimetype, response.headers["Vary"]) == (406, PROBLEM_JSON, "Accept")
    documented = client.get("/openapi.json").get_json()["components"]["responses"]["NOT_ACCEPTABLE"]
    assert response.get_json() == documented["content"][PROBLEM_JSON]["example"]
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Not acceptable",
        "status": 406,
        "detail": "This operation answers in application/json, text/csv, application/x-ndjson, application/geo+json; "
        "the Accept header (text/html) allows none of them. Or choose one with ?format= "
        "(json, csv, hxl, ndjson, geojson).",
        "instance": "/v1/figures",
        "offered": FIGURE_TYPES,
    }


@pytest.mark.parametrize(
    ("url", "accept", "offered"),
    [
        ("/v1/locations", formats.CSV, [formats.JSON, formats.GEOJSON]),
        ("/v1/locations", formats.NDJSON, [formats.JSON, formats.GEOJSON]),
        ("/v1/figures/3", formats.CSV, [formats.JSON]),
        ("/v1/figures/3/revisions", formats.GEOJSON, [formats.JSON]),
        ("/v1/claims", formats.NDJSON, [formats.JSON]),
        ("/v1/civilians-killed/totals", formats.CSV, [formats.JSON]),
        ("/v1/sources", "text/*", [formats.JSON]),
        ("/v1/imports/1/problems", formats.JSON, [formats.CSV]),
        ("/v1/imports/1/problems", "application/*", [formats.CSV]),
    ],
)
def test_operations_answer_406_to_what_they_do_not_serve(client, url, accept, offered):
    response = client.get(url, headers={"Accept": accept})
    assert (response.status_code, response.mimetype) == (406, PROBLEM_JSON)
    body = response.get_json()
    assert (body["offered"], body["instance"]) == (offered, url)
    choose = " Or choose one with ?format= (json, geojson)." if url == "/v1/locations" else ""
    assert body["detail"] == (
        f"This operation answers in {', '.join(offered)}; the Accept header ({accept}) allows none of them.{choose}"
    )


@pytest.mark.parametrize(
    ("url", "accept", "status", "media_type"),
    [
        ("/v1/figures/3", formats.JSON, 200, formats.JSON),
        ("/v1/locations", formats.GEOJSON, 200, formats.GEOJSON),
        ("/v1/imports/999/problems", formats.CSV, 404, PROBLEM_JSON),  # an error is problem+json all the same
        ("/v1/figures?limit=0", formats.NDJSON, 422, PROBLEM_JSON),
        ("/v1/figures?format=xlsx", formats.CSV, 422, PROBLEM_JSON),
        ("/v1/figures/999", formats.JSON, 404, PROBLEM_JSON),
        ("/v1/nowhere", formats.CSV, 404, PROBLEM_JSON),
        ("/v1/figures?locaton=SY02", formats.GEOJSON, 400, PROBLEM_JSON),
    ],
)
def test_what_an_operation_serves_and_its_errors_are_answered_whatever_accept_says(
    client, url, accept, status, media_type
):
    with client.get(url, headers={"Accept": accept}) as response:
        assert (response.status_code, response.mimetype) == (status, media_type), response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "accept", "media_type"),
    [
        ("/v1/figures?format=ndjson", formats.CSV, formats.NDJSON),
        ("/v1/figures?format=json", "text/html", formats.JSON),
        ("/v1/figures?format=csv", formats.GEOJSON, formats.CSV),
        ("/v1/locations?format=geojson", formats.JSON, formats.GEOJSON),
    ],
)
def test_format_wins_over_accept(client, url, accept, media_type):
    with client.get(url, headers={"Accept": accept}) as response:
        assert (response.status_code, response.mimetype) == (200, media_type)


def test_head_is_negotiated_as_get_and_options_is_not_negotiated(client):
    with client.head("/v1/figures", headers={"Accept": formats.CSV}) as head:
        assert (head.status_code, head.mimetype, head.get_data()) == (200, formats.CSV, b"")
    assert client.head("/v1/figures/3", headers={"Accept": formats.CSV}).status_code == 406
    assert client.options("/v1/figures", headers={"Accept": "text/html"}).status_code == 200


def test_a_write_asking_for_what_it_cannot_answer_in_is_refused_before_anything_changes(write_client, keys, fresh_url):
    before = database_fingerprint(fresh_url)
    response = write_client.post(
        "/v1/figures", json=NEW_FIGURE, headers=keys["write"] | {"Accept": formats.CSV, "Idempotency-Key": "k1"}
    )
    assert (response.status_code, response.get_json()["offered"]) == (406, [formats.JSON])
    assert database_fingerprint(fresh_url) == before
    created = write_client.post("/v1/figures", json=NEW_FIGURE, headers=keys["write"] | {"Accept": "application/*"})
    assert (created.status_code, created.mimetype) == (201, formats.JSON)
