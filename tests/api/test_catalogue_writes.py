"""Creating and changing sources, documents and locations."""

from __future__ import annotations


def test_create_and_change_a_source(write_client, keys):
    created = write_client.post(
        "/v1/sources", json={"id": "ocha", "name": "OCHA", "kind": "un_agency"}, headers=keys["write"]
    )
    assert created.status_code == 201 and created.headers["Location"] == "/v1/sources/ocha"
    assert created.get_json()["name"] == "OCHA"
    changed = write_client.patch(
        "/v1/sources/ocha", json={"name": "UN OCHA", "url": "https://www.unocha.org"}, headers=keys["write"]
    )
    assert (changed.get_json()["name"], changed.get_json()["url"], changed.get_json()["kind"]) == (
        "UN OCHA",
        "https://www.unocha.org",
        "un_agency",
    )
    assert write_client.get("/v1/sources/ocha").get_json()["name"] == "UN OCHA"
    assert write_client.patch("/v1/sources/nobody", json={"name": "x"}, headers=keys["write"]).status_code == 404


def test_create_and_change_a_document(write_client, keys):
    body = {
        "title": "Syria: siege watch",
        "publisher": "un",
        "url": "https://example.org/report.pdf",
        "published_on": "2016-11-30",
        "language": "en",
    }
    created = write_client.post("/v1/documents", json=body, headers=keys["write"])
    assert created.status_code == 201
    document = created.get_json()
    assert created.headers["Location"] == f"/v1/documents/{document['id']}"
    assert document["publisher"] == {"id": "un", "name": "United Nations", "kind": "un_agency"}
    changed = write_client.patch(document_url := created.headers["Location"], json={"url": None}, headers=keys["write"])
    assert changed.get_json()["url"] is None
    assert write_client.get(document_url).get_json()["url"] is None
    again = write_client.post("/v1/documents", json=body, headers=keys["write"])
    assert again.status_code == 409 and again.get_json()["errors"][0]["field"] == "title"


def test_create_a_location_and_filter_figures_through_it(write_client, keys):
    body = {
        "id": "aleppo-old-city",
        "name": "Old City",
        "name_ar": "المدينة القديمة",
        "kind": "area",
        "parent": "aleppo-city",
        "latitude": 36.199,
        "longitude": 37.162,
        "aliases": ["Old Aleppo"],
    }
    created = write_client.post("/v1/locations", json=body, headers=keys["write"])
    assert created.status_code == 201, created.get_json()
    location = created.get_json()
    assert [a["id"] for a in location["ancestors"]] == ["aleppo-city", "SY020000", "SY0200", "SY02", "SY"]
    assert (location["name_ar"], location["aliases"]) == ("المدينة القديمة", ["Old Aleppo"])


def test_moving_a_location_moves_what_is_inside_it(write_client, keys):
    # Anjara sits in Jebel Saman district; put it under the western countryside instead.
    moved = write_client.patch(
        "/v1/locations/anjara", json={"parent": "western-aleppo-countryside"}, headers=keys["write"]
    )
    assert moved.status_code == 200
    assert [a["id"] for a in moved.get_json()["ancestors"]] == ["western-aleppo-countryside", "SY02", "SY"]
    assert [
        f["id"] for f in write_client.get("/v1/figures?location=western-aleppo-countryside").get_json()["data"]
    ] == [7, 8]
    assert [f["id"] for f in write_client.get("/v1/figures?location=SY0200").get_json()["data"]] == [
        1,
        2,
        3,
        4,
        11,
        12,
        13,
    ]


def test_a_location_is_found_by_pcode_for_changes(write_client, keys):
    changed = write_client.patch(
        "/v1/locations/SY0200", json={"aliases": ["Jabal Saman", "Mount Simeon", "Jebel Semaan"]}, headers=keys["write"]
    )
    assert changed.status_code == 200 and "Jebel Semaan" in changed.get_json()["aliases"]
