"""Sources, documents, locations and metrics over HTTP."""

from __future__ import annotations


def data(response) -> list[dict]:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_sources_are_listed_by_id_and_filtered_by_kind(client):
    assert [s["id"] for s in data(client.get("/v1/sources?kind=un_agency"))] == ["un", "unicef"]
    # The seed's 11 and the 18 more that migration 0017 makes for the spellings UCDP writes.
    assert len(data(client.get("/v1/sources"))) == 29


def test_one_source(client):
    source = client.get("/v1/sources/sohr").get_json()
    assert (source["name"], source["kind"]) == ("Syrian Observatory for Human Rights", "monitor")


def test_sources_page_with_a_cursor(client):
    pages = [client.get("/v1/sources?limit=6").get_json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).get_json())
    ids = [s["id"] for page in pages for s in page["data"]]
    assert ids == sorted(ids) and len(ids) == 29 and [len(p["data"]) for p in pages] == [6, 6, 6, 6, 5]


def test_documents(client):
    documents = data(client.get("/v1/documents"))
    assert [(d["id"], d["url"], d["publisher"], d["language"]) for d in documents] == [(1, None, None, "en")]
    assert client.get("/v1/documents/1").get_json()["published_on"] == "2016-11-27"
    assert data(client.get("/v1/documents?publisher=sohr")) == []


def test_locations_filtered_by_kind_and_parent(client):
    assert [loc["id"] for loc in data(client.get("/v1/locations?kind=admin1,admin2"))] == ["SY02", "SY0200"]
    assert [loc["id"] for loc in data(client.get("/v1/locations?parent=aleppo-city"))] == [
        "eastern-aleppo",
        "sheikh-maqsoud",
        "western-aleppo",
    ]


def test_location_by_pcode_has_its_parent_chain_and_children(client):
    location = client.get("/v1/locations/SY0200").get_json()
    assert (location["name"], location["name_ar"], location["admin_level"]) == ("Jebel Saman", "جبل سمعان", 2)
    assert [a["id"] for a in location["ancestors"]] == ["SY02", "SY"]
    assert [c["id"] for c in location["children"]] == ["SY020000", "anjara"]


def test_neighbourhood_chain_reaches_the_country(client):
    location = client.get("/v1/locations/bustan-al-basha").get_json()
    assert [a["id"] for a in location["ancestors"]] == [
        "eastern-aleppo",
        "aleppo-city",
        "SY020000",
        "SY0200",
        "SY02",
        "SY",
    ]
    assert location["children"] == [] and location["admin_level"] is None


def test_metrics_catalogue_links_collections(client):
    metrics = {m["id"]: m for m in data(client.get("/v1/metrics"))}
    assert metrics["civilians_killed"]["collection"] == "/v1/civilians-killed"
    assert metrics["people_killed"]["collection"] is None
    assert metrics["displaced"]["is_flow"] is True
    assert metrics["children_under_siege"]["hxl_hashtag"] == "#affected+children+besieged"


def test_locations_found_by_any_name_they_go_by(client):
    # By name, alias, Arabic name, id or p-code, in any case: ordered by id like every list.
    by_name = [loc["id"] for loc in data(client.get("/v1/locations?q=ALEPPO"))]
    assert by_name == ["SY02", "aleppo-city", "eastern-aleppo", "western-aleppo", "western-aleppo-countryside"]
    assert [loc["id"] for loc in data(client.get("/v1/locations?q=halab&kind=city"))] == ["aleppo-city"]  # alias
    assert [loc["id"] for loc in data(client.get("/v1/locations?q=عنجارة"))] == ["anjara"]  # Arabic name
    assert [loc["id"] for loc in data(client.get("/v1/locations?q=SY02"))] == ["SY02", "SY0200", "SY020000"]  # p-code
    # %, _ and \ are the characters themselves, not patterns.
    assert data(client.get("/v1/locations?q=_a%25")) == []
    short = client.get("/v1/locations?q=a")
    assert short.status_code == 422
    assert short.get_json()["errors"] == [
        {"in": "query", "field": "q", "messages": ["Length must be between 2 and 200."]}
    ]
