"""Every error is one problem+json shape that names what was wrong; none is a 500."""

from __future__ import annotations

import pytest


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    return body


def test_unknown_query_parameters_are_a_400_naming_them(client):
    body = problem(client.get("/v1/figures?locaton=SY02&limt=5"), 400)
    assert body["detail"] == "Unknown query parameter(s): limt, locaton."
    assert sorted(e["field"] for e in body["errors"]) == ["limt", "locaton"]


_UNKNOWN_PLACE = "is not a known location id, p-code, alias or ISO code (see /v1/locations)."


@pytest.mark.parametrize(
    "path", ["/v1/civilians-killed", "/v1/sources", "/v1/documents", "/v1/locations", "/v1/metrics"]
)
def test_every_collection_rejects_unknown_parameters(client, path):
    assert problem(client.get(f"{path}?bogus=1"), 400)["detail"] == "Unknown query parameter(s): bogus."


def test_metric_is_not_a_filter_of_a_metric_collection(client):
    assert (
        problem(client.get("/v1/civilians-killed?metric=displaced"), 400)["detail"]
        == "Unknown query parameter(s): metric."
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "Must be between 1 and 500."),
        ("limit=501", "limit", "Must be between 1 and 500."),
        ("limit=ten", "limit", "Not a valid integer."),
        ("status=deleted", "status", "Must be one of: reported, verified, disputed, retracted."),
        (
            "qualifier=about",
            "qualifier",
            "Must be one of: exact, approximately, at_least, more_than, at_most, fewer_than.",
        ),
        (
            "metric=deaths",
            "metric",
            "Must be one of: people_trapped, children_under_siege, civilians_killed, "
            "civilians_injured, people_killed, people_injured, displaced, refugees, idps.",
        ),
        ("from=2016-13", "from", "Not a date: use YYYY, YYYY-MM or YYYY-MM-DD."),
        ("from=2016-02-30", "from", "Not a date: use YYYY, YYYY-MM or YYYY-MM-DD."),
        ("to=yesterday", "to", "Not a date: use YYYY, YYYY-MM or YYYY-MM-DD."),
        ("from=2017&to=2016", "from", "from must not be later than to."),
        ("stated_from=2017&stated_to=2016-12", "stated_from", "stated_from must not be later than stated_to."),
        (
            "location=XX99",
            "location",
            "'XX99' is not a known location id, p-code, alias or ISO code (see /v1/locations).",
        ),
        (
            "origin=atlantis",
            "origin",
            "'atlantis' is not a known location id, p-code, alias or ISO code (see /v1/locations).",
        ),
    ],
)
def test_invalid_values_are_422_naming_the_parameter_and_what_is_accepted(client, query, field, message):
    body = problem(client.get(f"/v1/figures?{query}"), 422)
    assert body["errors"] == [{"in": "query", "field": field, "messages": [message]}]
    assert body["detail"] == f"{field}: {message}"


@pytest.mark.parametrize("cursor", ["abc", "eyJhZnRlciI6ImEifQ", "eyJ4IjoxfQ", "%%%", "eyJhZnRlciI6dHJ1ZX0"])
def test_forged_cursors_are_a_400(client, cursor):
    assert problem(client.get(f"/v1/figures?cursor={cursor}"), 400)["title"] == "Invalid cursor"


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/v1/figures/999999", "No figure with id 999999."),
        ("/v1/sources/nobody", "No source with id 'nobody'."),
        ("/v1/documents/424242", "No document with id 424242."),
        ("/v1/locations/SY99", "No location with id, p-code, alias or ISO code 'SY99'."),
    ],
)
def test_unknown_ids_are_a_404(client, url, detail):
    assert problem(client.get(url), 404)["detail"] == detail


def test_unknown_paths_are_a_404_problem(client):
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.get("/v1/figures/not-a-number"), 404)


def test_wrong_method_is_a_405_with_allow(client):
    response = client.put("/v1/metrics")
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS"}


def test_a_huge_figure_id_is_a_404_not_a_500(client):
    problem(client.get("/v1/figures/99999999999999999999999"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/sources/sohr?fields=name",
        "/v1/figures/1/revisions?limit=5",
        "/v1/metrics?x=1",
        "/v1/locations/SY02?as_of=2016",
    ],
)
def test_an_operation_that_reads_no_query_refuses_one_it_is_given(client, path):
    response = client.get(path)
    assert response.status_code == 400
    body = response.get_json()
    name = path.split("?")[1].split("=")[0]
    assert (body["title"], body["detail"]) == ("Unknown query parameter", f"Unknown query parameter(s): {name}.")
    assert body["errors"] == [{"in": "query", "field": name, "messages": ["Unknown field."]}]
    assert client.get(path.split("?")[0]).status_code == 200


def test_a_write_with_a_query_it_does_not_read_changes_nothing(write_client, keys, fresh_url):
    from tests.support import database_fingerprint

    before = database_fingerprint(fresh_url)
    body = {"id": "new-monitor", "name": "New monitor", "kind": "monitor"}
    response = write_client.post("/v1/sources?dry_run=true", json=body, headers=keys["write"])
    assert (response.status_code, response.get_json()["detail"]) == (400, "Unknown query parameter(s): dry_run.")
    assert database_fingerprint(fresh_url) == before
