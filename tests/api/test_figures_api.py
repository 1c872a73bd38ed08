"""The figure collections over HTTP: provenance inline, filters, pagination."""

from __future__ import annotations

import pytest

from service.api.figures import METRIC_COLLECTIONS


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [f["id"] for f in response.get_json()["data"]]


def values(response) -> list[tuple[str, int]]:
    return [(f["source"]["id"], f["value"]) for f in response.get_json()["data"]]


def test_figures_lists_every_seed_figure_in_id_order(client):
    assert ids(client.get("/v1/figures")) == list(range(1, 14))


def test_every_figure_carries_its_provenance_inline(client):
    figure = client.get("/v1/figures?source=sohr&metric=civilians_killed").get_json()["data"][0]
    assert figure["value"] == 250
    assert figure["qualifier"] == "more_than"
    assert figure["stated_words"] == "More than 250"
    assert figure["source"] == {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"}
    assert figure["document"] == {
        "id": 1,
        "title": "'Aleppo is going to die': Syrian army advances into rebel-held parts of the city",
        "publisher": None,
        "url": None,
        "published_on": "2016-11-27",
    }
    assert figure["quote"].startswith("More than 250 civilians have been killed")
    assert (figure["period_start"], figure["period_end"], figure["stated_on"]) == (
        "2016-11-15",
        "2016-11-27",
        "2016-11-27",
    )
    assert figure["location"] == {
        "id": "eastern-aleppo",
        "pcode": None,
        "name": "Eastern Aleppo (opposition-held, 2016)",
        "name_ar": "حلب الشرقية",
        "kind": "area",
    }
    assert (figure["low"], figure["high"], figure["status"], figure["disputes"]) == (None, None, "reported", [])


@pytest.mark.parametrize(("path", "metric"), METRIC_COLLECTIONS.items())
def test_metric_collections_hold_only_their_metric(client, path, metric):
    data = client.get(f"/v1/{path}").get_json()["data"]
    assert data, path
    assert {f["metric"] for f in data} == {metric}


def test_civilians_killed_collection(client):
    assert values(client.get("/v1/civilians-killed")) == [("sohr", 250), ("lcc", 15)]


def test_displaced_carries_origin_and_destination(client):
    data = client.get("/v1/displaced?source=sohr").get_json()["data"]
    assert [(f["origin"]["id"], f["destination"]["id"], f["value"]) for f in data] == [
        ("eastern-aleppo", "western-aleppo", 1700),
        ("eastern-aleppo", "sheikh-maqsoud", 2500),
    ]


def test_location_filter_includes_every_place_inside(client):
    # SY02 holds Aleppo city (and eastern Aleppo inside it) and Anjara, not northern Syria or the Golan.
    assert values(client.get("/v1/civilians-killed?location=SY02")) == [("sohr", 250), ("lcc", 15)]
    assert ids(client.get("/v1/figures?location=SY02")) == [1, 2, 3, 4, 7, 8, 11, 12, 13]
    assert ids(client.get("/v1/figures?location=SY")) == list(range(1, 14))


def test_location_filter_accepts_pcode_or_id(client):
    assert ids(client.get("/v1/figures?location=anjara")) == [7, 8]
    assert ids(client.get("/v1/figures?location=SY0200")) == [1, 2, 3, 4, 7, 8, 11, 12, 13]


def test_origin_and_destination_filters_include_places_inside(client):
    # Bustan al-Basha lies inside eastern Aleppo, so its flow (11) counts as from eastern Aleppo.
    assert ids(client.get("/v1/displaced?origin=eastern-aleppo")) == [2, 3, 11, 12, 13]
    assert ids(client.get("/v1/displaced?origin=bustan-al-basha")) == [11]
    assert ids(client.get("/v1/displaced?origin=western-aleppo")) == []
    assert ids(client.get("/v1/displaced?destination=sheikh-maqsoud")) == [3, 11]
    assert ids(client.get("/v1/displaced?origin=eastern-aleppo&destination=western-aleppo")) == [2, 12]


def test_source_filter_takes_several_values(client):
    assert values(client.get("/v1/children-under-siege?source=unicef,un")) == [("unicef", 500000), ("un", 500000)]
    assert values(client.get("/v1/children-under-siege?source=un")) == [("un", 500000)]


def test_an_unknown_source_is_a_422_not_an_empty_list(client):
    response = client.get("/v1/figures?source=nobody")
    assert (response.status_code, response.get_json()["detail"]) == (
        422,
        "source: Unknown source id(s): nobody (see /v1/sources).",
    )


def test_status_filter_and_default_excludes_only_retracted(client):
    assert ids(client.get("/v1/figures?status=disputed")) == [9]
    assert ids(client.get("/v1/figures?status=retracted")) == []
    assert len(ids(client.get("/v1/figures?status=reported"))) == 12


def test_qualifier_filter(client):
    assert ids(client.get("/v1/figures?qualifier=at_least")) == [8, 11, 12, 13]
    assert ids(client.get("/v1/figures?qualifier=more_than,exact")) == [4, 6, 7, 9, 10]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=2016", list(range(1, 14))),
        ("from=2016-11-27", list(range(1, 14))),
        ("from=2016-11-28", []),
        ("to=2016-11-14", []),
        ("to=2016-11-15", [4]),
        ("to=2016-11-26", [4]),
        ("from=2016-11&to=2016-11", list(range(1, 14))),
        ("from=2017", []),
        ("to=2015", []),
        ("from=2016-11-20&to=2016-11-20", [4]),
    ],
)
def test_period_filters_select_overlapping_periods(client, query, expected):
    assert ids(client.get(f"/v1/figures?{query}")) == expected


def test_stated_on_filters(client):
    assert len(ids(client.get("/v1/figures?stated_from=2016-11-27&stated_to=2016-11-27"))) == 13
    assert ids(client.get("/v1/figures?stated_from=2016-11-28")) == []


def test_metric_filter_on_all_figures(client):
    assert ids(client.get("/v1/figures?metric=people_killed,people_injured")) == [9, 10]


def test_get_one_figure_with_its_dispute(client):
    figure = client.get("/v1/figures/9").get_json()
    assert figure["status"] == "disputed"
    assert figure["population_group"] == "Turkish-backed Syrian opposition fighters"
    assert [(d["source"]["id"], d["stated_on"]) for d in figure["disputes"]] == [("afad", "2016-11-27")]


def test_pages_follow_next_links_to_the_end(client):
    seen, url, pages = [], "/v1/figures?limit=5&location=SY", 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [f["id"] for f in body["data"]]
        url, pages = body["next"], pages + 1
        link = response.headers.get("Link")
        assert (link is None) == (url is None)
        if url:
            assert link == f'<{url}>; rel="next"'
            assert "location=SY" in url and "limit=5" in url
    assert seen == list(range(1, 14))
    assert pages == 3


def test_paging_while_rows_are_inserted_neither_skips_nor_repeats(write_client, fresh_url):
    from service import db

    first = write_client.get("/v1/figures?limit=4").get_json()
    with db.connect(fresh_url) as conn:
        conn.execute(
            """INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end, stated_on,
                                   source_id, document_id)
               VALUES ('civilians_killed', 'event', 3, 'anjara', '2016-11-28', '2016-11-28', '2016-11-28', 'lcc', 1)"""
        )
    seen = [f["id"] for f in first["data"]]
    url = first["next"]
    while url:
        body = write_client.get(url).get_json()
        seen += [f["id"] for f in body["data"]]
        url = body["next"]
    assert seen == list(range(1, 15))
