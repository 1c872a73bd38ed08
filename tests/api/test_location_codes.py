"""Places by the codes people use: id, p-code, any listed alias, and a country's ISO 3166 alpha-2 or alpha-3."""

from __future__ import annotations

import pytest

from tests.support import add


def _ids(client, query: str) -> list[int]:
    response = client.get(f"/v1/figures?limit=500&{query}")
    assert response.status_code == 200, response.get_json()
    return [figure["id"] for figure in response.get_json()["data"]]


@pytest.mark.parametrize(
    ("code", "location_id", "param"),
    [
        ("SY", "SY", "location"),  # the id, which is also Syria's ISO alpha-2
        ("SYR", "SY", "location"),  # ISO alpha-3, listed as an alias
        ("syr", "SY", "location"),  # aliases match in any case
        ("Syrian Arab Republic", "SY", "location"),
        ("Aleppo governorate", "SY02", "location"),
        ("mount simeon", "SY0200", "location"),
        ("ash-Sheikh Maqsoud", "sheikh-maqsoud", "destination"),
        ("east Aleppo", "eastern-aleppo", "origin"),
    ],
)
def test_a_place_answers_to_every_alias_it_lists(client, code, location_id, param):
    response = client.get(f"/v1/locations/{code}")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id"] == location_id
    assert _ids(client, f"{param}={code}") == _ids(client, f"{param}={location_id}") != []


def test_an_alias_two_places_share_is_a_422_naming_both(client):
    response = client.get("/v1/figures?location=Halab")
    assert response.status_code == 422
    message = "'Halab' names 2 places (SY02, aleppo-city): give one's id or p-code."
    assert response.get_json()["errors"] == [{"in": "query", "field": "location", "messages": [message]}]
    by_path = client.get("/v1/locations/Halab")
    assert (by_path.status_code, by_path.get_json()["errors"][0]["field"]) == (422, "code")


def test_a_country_answers_to_iso2_and_iso3_whichever_its_id_is(write_client, keys, fresh_url):
    sudan = {"id": "SDN", "name": "Sudan", "kind": "country"}
    assert write_client.post("/v1/locations", json=sudan, headers=keys["write"]).status_code == 201
    figure_id = add(fresh_url, 12, location="SDN")
    for code in ("SDN", "SD", "sd"):
        assert write_client.get(f"/v1/locations/{code}").get_json()["id"] == "SDN"
        assert _ids(write_client, f"location={code}") == [figure_id]
    # A figure written with a code is stored with the place's id.
    body = {"location": "SD", "reason": "Sudan by its ISO alpha-2 code"}
    etag = write_client.get(f"/v1/figures/{figure_id}").headers["ETag"]
    changed = write_client.patch(f"/v1/figures/{figure_id}", json=body, headers=keys["write"] | {"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["location"]["id"] == "SDN"


def test_an_id_wins_over_an_alias_and_an_unknown_code_says_what_it_tried(client):
    assert client.get("/v1/locations/SY02").get_json()["id"] == "SY02"
    response = client.get("/v1/figures?location=XK")  # Kosovo has no ISO 3166 code, and no place here
    message = "'XK' is not a known location id, p-code, alias or ISO code (see /v1/locations)."
    assert response.get_json()["errors"] == [{"in": "query", "field": "location", "messages": [message]}]
