"""Claims are paged by claim: a documented default and maximum, and a cursor that walks every claim once."""

from __future__ import annotations

import json

import pytest

from service.cli import render_openapi
from tests.support import add


def page(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def walk(client, url: str) -> list[list[int]]:
    """The figure ids of every claim, following next links to the end."""
    claims = []
    while url:
        body = page(client, url)
        claims += [[f["id"] for f in claim["figures"]] for claim in body["data"]]
        url = body["next"]
    return claims


@pytest.fixture(scope="module")
def many_claims(shared_url):
    """25 claims besides the seed's 12, one figure each, days apart (written once into this module's database)."""
    return [
        add(shared_url, 100 + n, metric="civilians_killed", location="anjara", source="un", start=f"2017-{m:02}-{d:02}")
        for n, (m, d) in enumerate((m, d) for m in range(1, 6) for d in (1, 6, 11, 16, 21))
    ]


def test_the_default_page_holds_20_claims_and_links_the_next(shared_client, many_claims):
    body = page(shared_client, "/v1/claims")
    assert len(body["data"]) == 20
    assert [c["id"] for c in body["data"]] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, *many_claims[:8]]
    assert body["next"].startswith("http://localhost/v1/claims?cursor=")


def test_the_default_and_maximum_are_documented():
    spec = json.loads(render_openapi())
    [limit] = [p for p in spec["paths"]["/v1/claims"]["get"]["parameters"] if p["name"] == "limit"]
    assert (limit["schema"]["default"], limit["schema"]["maximum"], limit["schema"]["minimum"]) == (20, 500, 1)
    assert "default 20, at most 500" in limit["description"]


def test_the_maximum_is_500_claims(shared_client, many_claims):
    assert len(page(shared_client, "/v1/claims?limit=500")["data"]) == 12 + len(many_claims)
    response = shared_client.get("/v1/claims?limit=501")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    [error] = response.get_json()["errors"]
    assert (error["field"], error["messages"]) == ("limit", ["Must be between 1 and 500."])


@pytest.mark.parametrize("limit", [1, 3, 7, 20])
def test_walking_the_cursor_returns_every_claim_exactly_once(shared_client, many_claims, limit):
    everything = walk(shared_client, "/v1/claims?limit=500")
    walked = walk(shared_client, f"/v1/claims?limit={limit}")
    assert walked == everything
    assert sorted(i for claim in walked for i in claim) == sorted([*range(1, 14), *many_claims])


def test_walking_keeps_the_filters_and_the_period(shared_client, many_claims):
    walked = walk(shared_client, "/v1/claims?limit=2&location=SY02&from=2017-02&to=2017-03&metric=civilians_killed")
    assert walked == [[i] for i in many_claims[5:15]]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJhZnRlciI6ICJ4In0", "eyJub3QiOiAxfQ"])
def test_an_invalid_cursor_is_a_problem(shared_client, cursor):
    response = shared_client.get(f"/v1/claims?cursor={cursor}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Invalid cursor"


def test_a_claim_is_not_served_before_an_earlier_one_of_another_quantity(write_client, fresh_url):
    # After the cursor come eight more figures of a claim already served (same place, overlapping 2017), then a
    # claim elsewhere, then later claims of the first place: the page after that first claim is the one elsewhere.
    first = add(fresh_url, 1, metric="civilians_killed", location="anjara", start="2017-01-01", end="2017-12-31")
    rest = [
        add(fresh_url, 2 + n, metric="civilians_killed", location="anjara", start=f"2017-{n + 2:02}-01")
        for n in range(8)
    ]
    elsewhere = add(fresh_url, 20, metric="civilians_killed", location="aleppo-city", start="2017-06-01")
    later = [
        add(fresh_url, 30 + y, metric="civilians_killed", location="anjara", start=f"{y}-01-01") for y in (2019, 2020)
    ]
    walked = walk(write_client, "/v1/claims?limit=1&metric=civilians_killed&location=SY02&from=2017")
    assert walked == [[first, *rest], [elsewhere], [later[0]], [later[1]]]
