"""A source's aliases over HTTP: listed with the source, added by an admin."""

from __future__ import annotations

import json

from service.cli import OPENAPI_FILE


def test_a_source_lists_its_aliases(client):
    sohr = client.get("/v1/sources/sohr").get_json()
    assert sohr["aliases"] == [
        "http://www.syriahr.com/en/?p=64904",
        "OHR",
        "SHR",
        "SOH",
        "SOHR",
        "Syrian Observatory for Human Rights",
    ]
    liveuamap = client.get("/v1/sources/liveuamap").get_json()
    assert {"Syria Live Map", "http://syria.liveuamap.com", "SyriaLiveuaMap", "LiveuMap"} <= set(liveuamap["aliases"])
    listed = {s["id"]: s["aliases"] for s in client.get("/v1/sources?limit=500").get_json()["data"]}
    assert listed["afp"] == ["AFP", "Agence France Presse"]  # "Agence France-Presse" has that key too
    assert listed["unicef"] == []


def test_an_admin_adds_an_alias(write_client, keys):
    added = write_client.post(
        "/v1/sources/liveuamap/aliases", json={"alias": " Syria Live-U-Map "}, headers=keys["admin"]
    )
    assert added.status_code == 201, added.get_json()
    assert added.headers["Location"] == "/v1/sources/liveuamap"
    assert "Syria Live-U-Map" in added.get_json()["aliases"]
    assert "Syria Live-U-Map" in write_client.get("/v1/sources/liveuamap").get_json()["aliases"]
    # The same key again names the same source: nothing to add.
    again = write_client.post(
        "/v1/sources/liveuamap/aliases", json={"alias": "syria live u map"}, headers=keys["admin"]
    )
    assert again.status_code == 200
    assert again.get_json()["aliases"].count("Syria Live-U-Map") == 1


def test_a_key_that_names_another_source_is_a_conflict(write_client, keys):
    conflict = write_client.post("/v1/sources/sohr/aliases", json={"alias": "afp"}, headers=keys["admin"])
    assert conflict.status_code == 409
    problem = conflict.get_json()
    assert conflict.mimetype == "application/problem+json"
    assert problem["errors"] == [{"in": "json", "field": "alias", "messages": ["Names source 'afp' already."]}]
    assert problem["source"] == "/v1/sources/afp" and "'AFP'" in problem["detail"]
    other = write_client.post("/v1/sources/sohr/aliases", json={"alias": "AGENCE FRANCE-PRESSE"}, headers=keys["admin"])
    assert other.status_code == 409
    assert "SOH" not in write_client.get("/v1/sources/afp").get_json()["aliases"]


def test_a_blank_alias_or_one_without_letters_is_a_422(write_client, keys):
    for body in ({"alias": "   "}, {"alias": ""}, {}, {"alias": "-//-"}, {"alias": 7}):
        response = write_client.post("/v1/sources/sohr/aliases", json=body, headers=keys["admin"])
        assert response.status_code == 422, body
        assert response.get_json()["errors"][0]["field"] == "alias"


def test_adding_an_alias_needs_an_admin_key_and_a_source(write_client, keys):
    body = {"alias": "Syrian Observatory"}
    assert write_client.post("/v1/sources/sohr/aliases", json=body).status_code == 401
    refused = write_client.post("/v1/sources/sohr/aliases", json=body, headers=keys["write"])
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "This operation needs a key with scope 'admin'; this key has 'write'."
    missing = write_client.post("/v1/sources/no-such-source/aliases", json=body, headers=keys["admin"])
    assert missing.status_code == 404


def test_the_operation_is_documented_with_examples():
    operation = json.loads(OPENAPI_FILE.read_text("utf-8"))["paths"]["/v1/sources/{source_id}/aliases"]["post"]
    assert set(operation["responses"]) >= {"200", "201", "401", "403", "404", "409", "422"}
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"alias": "Syria LiveuMap"} in [e["value"] for e in examples.values()]
    assert "difflib" in operation["description"] and "admin" in operation["summary"]
