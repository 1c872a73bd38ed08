"""A place lies in its administrative parent and in any number of areas: Anjara is in Jebel Saman and in the
western Aleppo countryside. Everything inside a place follows every containment; loops are refused."""

from __future__ import annotations

import psycopg
import pytest

from service import db
from tests.support import add


def test_a_place_names_its_areas_and_an_area_lists_what_lies_in_it(client):
    anjara = client.get("/v1/locations/anjara").get_json()
    assert (anjara["parent"]["id"], [a["id"] for a in anjara["areas"]]) == ("SY0200", ["western-aleppo-countryside"])
    countryside = client.get("/v1/locations/western-aleppo-countryside").get_json()
    assert [c["id"] for c in countryside["children"]] == ["anjara"]


@pytest.mark.parametrize(
    "read", ["/v1/civilians-killed?location={place}", "/v1/coverage?location={place}", "/v1/claims?location={place}"]
)
def test_a_figure_is_inside_every_area_its_place_lies_in(client, read):
    def figures(place: str) -> list:
        return client.get(read.format(place=place)).get_json()["data"]

    assert figures("western-aleppo-countryside") and len(figures("western-aleppo-countryside")) == len(
        figures("anjara")
    )
    assert figures("SY0200")


def test_a_total_for_an_area_covers_the_events_of_a_place_in_it(write_client, fresh_url):
    area_total = add(
        fresh_url, 40, location="western-aleppo-countryside", start="2016-11-01", end="2016-11-30", source="lcc"
    )
    response = write_client.get("/v1/civilians-killed/totals?source=lcc&location=western-aleppo-countryside")
    [total] = response.get_json()["totals"]
    assert (total["sum"], total["figure_ids"]) == (40, [area_total])
    assert [(x["reason"], x["kept_figure_id"]) for x in total["left_out"]] == [("covered", area_total)]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/locations/western-aleppo-countryside", {"areas": ["anjara"]}, "areas"),
        ("/v1/locations/anjara", {"areas": ["SY0200"]}, "areas"),
        ("/v1/locations/anjara", {"areas": ["nowhere"]}, "areas"),
    ],
)
def test_an_area_that_would_loop_or_is_administrative_is_refused(write_client, keys, path, body, field):
    response = write_client.patch(path, json=body, headers=keys["write"])
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field
    assert [a["id"] for a in write_client.get("/v1/locations/anjara").get_json()["areas"]] == [
        "western-aleppo-countryside"
    ]


def test_areas_are_replaced_by_a_patch(write_client, keys):
    response = write_client.patch(
        "/v1/locations/anjara", json={"areas": ["northern-syria", "western-aleppo"]}, headers=keys["write"]
    )
    assert response.status_code == 200, response.get_json()
    assert [a["id"] for a in response.get_json()["areas"]] == ["northern-syria", "western-aleppo"]
    assert [
        f["location"]["id"] for f in write_client.get("/v1/figures?location=northern-syria").get_json()["data"]
    ].count("anjara") == 2


def test_the_database_refuses_a_loop_whatever_writes_it(fresh_url):
    with db.connect(fresh_url) as conn, pytest.raises(psycopg.errors.CheckViolation) as error:
        conn.execute("INSERT INTO location_area (location_id, area_id) VALUES ('eastern-aleppo', 'bustan-al-basha')")
    assert error.value.diag.constraint_name == "location_containment_acyclic"
    with db.connect(fresh_url) as conn, pytest.raises(psycopg.errors.CheckViolation) as error:
        conn.execute("UPDATE location SET parent_id = 'anjara' WHERE id = 'western-aleppo-countryside'")
    assert error.value.diag.constraint_name == "location_containment_acyclic"


def test_a_place_added_inside_another_is_found_at_once_though_subtrees_are_cached(write_client, fresh_url):
    """A subtree is looked up once per data version; a new place moves the version on."""
    first = write_client.get("/v1/figures?location=SY0200&limit=500").get_json()["data"]
    assert write_client.get("/v1/figures?location=SY0200&limit=500").get_json()["data"] == first
    with db.connect(fresh_url) as conn:
        parent = conn.execute("SELECT id FROM location WHERE pcode = 'SY0200'").fetchone()["id"]
        conn.execute(
            "INSERT INTO location (id, name, kind, parent_id) "
            "VALUES ('new-quarter', 'New quarter', 'neighbourhood', %s)",
            (parent,),
        )
        conn.execute(
            "UPDATE figure SET location_id = 'new-quarter', version = version + 1, updated_at = now() WHERE id = 5"
        )
    then = write_client.get("/v1/figures?location=SY0200&limit=500").get_json()["data"]
    assert 5 not in [f["id"] for f in first]
    assert [f["location"]["id"] for f in then if f["id"] == 5] == ["new-quarter"]
