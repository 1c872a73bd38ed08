"""The filters analysts expect: value ranges, search, recent changes."""

from __future__ import annotations

import pytest

from service import db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [f["id"] for f in response.get_json()["data"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_value=1000&max_value=3000", [2, 3, 11, 12, 13]),
        ("min_value=250000", [1, 5, 6]),
        ("max_value=20", [7, 8, 10]),
        ("min_value=22&max_value=22", [9]),
    ],
)
def test_value_ranges(client, query, expected):
    assert ids(client.get(f"/v1/figures?{query}")) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anjara", [7, 8]),  # place name, any case
        ("عنجارة", [7, 8]),  # Arabic place name
        ("Mount Simeon", []),  # an alias of a place no seed figure names directly
        ("observatory", [2, 3, 4]),  # source name
        ("chemical weapons", [9]),  # quote
        ("quarter-million", [1]),  # stated words
        ("sheikh maqsoud", [3, 11]),  # destination
        ("ISIS-affiliated", [10]),  # population group
        ("100%", []),  # % is a character, not a wildcard
    ],
)
def test_q_searches_words_sources_and_places(client, q, expected):
    assert ids(client.get("/v1/figures", query_string={"q": q})) == expected


def test_q_matches_place_aliases(client):
    # eastern Aleppo as the place (1, 4, 13) or as the origin (2, 3, 12)
    assert ids(client.get("/v1/figures", query_string={"q": "rebel-held eastern"})) == [1, 2, 3, 4, 12, 13]


def test_updated_since(write_client, keys, fresh_url):
    with db.connect(fresh_url) as conn:
        moment = conn.execute("SELECT now() AS t").fetchone()["t"].isoformat()
    assert ids(write_client.get("/v1/figures", query_string={"updated_since": moment})) == []
    write_client.patch(
        "/v1/figures/7", json={"value": 16, "reason": "LCC update"}, headers=keys["write"] | {"If-Match": '"v1"'}
    )
    assert ids(write_client.get("/v1/figures", query_string={"updated_since": moment})) == [7]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("min_value=5&max_value=3", "min_value", "min_value must not be greater than max_value."),
        (
            "min_value=-1",
            "min_value",
            "Must be greater than or equal to 0 and less than or equal to 9223372036854775807.",
        ),
        ("q=a", "q", "Length must be between 2 and 200."),
        ("updated_since=yesterday", "updated_since", "Not a valid datetime."),
    ],
)
def test_invalid_filter_values(client, query, field, message):
    response = client.get(f"/v1/figures?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"in": "query", "field": field, "messages": [message]}]


def values_and_ids(response) -> list[tuple[int, int]]:
    return [(f["value"], f["id"]) for f in response.get_json()["data"]]


def test_sort_by_value_descending_breaks_ties_by_id(client):
    assert values_and_ids(client.get("/v1/figures?sort=-value&limit=6")) == [
        (500000, 6),
        (500000, 5),
        (250000, 1),
        (2500, 3),
        (2000, 13),
        (2000, 12),
    ]


def test_sorted_pages_follow_cursors_without_skips_or_repeats(client):
    seen, url = [], "/v1/figures?sort=value&limit=4"
    while url:
        body = client.get(url).get_json()
        seen += [(f["value"], f["id"]) for f in body["data"]]
        url = body["next"]
    assert seen == sorted((f["value"], f["id"]) for f in client.get("/v1/figures?limit=500").get_json()["data"])
    assert len(seen) == 13


@pytest.mark.parametrize("sort", ["period_start", "-period_end", "stated_on", "-updated_at", "-id"])
def test_every_sort_pages_through_everything(client, sort):
    seen, url = [], f"/v1/figures?sort={sort}&limit=5&fields=id"
    while url:
        body = client.get(url).get_json()
        seen += [f["id"] for f in body["data"]]
        url = body["next"]
    assert sorted(seen) == list(range(1, 14))
    if sort == "-id":
        assert seen == list(range(13, 0, -1))


def test_a_cursor_from_another_sort_is_a_400(client):
    cursor = client.get("/v1/figures?sort=value&limit=2").get_json()["next"].split("cursor=")[1]
    response = client.get(f"/v1/figures?sort=-value&cursor={cursor}")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "This cursor belongs to another sort order; start again without it."


def test_csv_follows_the_sort(client):
    text = client.get("/v1/figures?sort=-value&format=csv&fields=id,value").get_data(as_text=True)
    assert text.splitlines()[1:4] == ["6,500000", "5,500000", "1,250000"]


@pytest.mark.parametrize(
    ("repeated", "commas"),
    [
        ("status=reported&status=disputed", "status=reported,disputed"),
        ("source=sohr&source=unicef&source=un", "source=sohr,unicef,un"),
        (
            "metric=civilians_killed&metric=people_injured,people_trapped",
            "metric=civilians_killed,people_injured,people_trapped",
        ),
    ],
)
def test_a_repeated_list_parameter_keeps_every_value(client, repeated, commas):
    by_repeats = [f["id"] for f in client.get(f"/v1/figures?limit=500&{repeated}").get_json()["data"]]
    by_commas = [f["id"] for f in client.get(f"/v1/figures?limit=500&{commas}").get_json()["data"]]
    first_only = [f["id"] for f in client.get(f"/v1/figures?limit=500&{repeated.split('&')[0]}").get_json()["data"]]
    assert by_repeats == by_commas
    assert len(by_repeats) > len(first_only) > 0


@pytest.mark.parametrize(
    ("path", "repeated"),
    [
        ("/v1/figures?limit=1&limit=2", ["limit"]),
        ("/v1/figures?location=SY&location=SY02&from=2016&from=2017", ["from", "location"]),
        ("/v1/civilians-killed?sort=value&sort=-value", ["sort"]),
        ("/v1/figures/totals?metric=civilians_killed&metric=people_trapped&location=SY", ["metric"]),
    ],
)
def test_a_parameter_that_takes_one_value_given_twice_is_refused_naming_it(client, path, repeated):
    response = client.get(path)
    assert response.status_code == 400
    body = response.get_json()
    message = "Give this parameter once: only list parameters take several values (a,b or repeated)."
    assert body["errors"] == [{"in": "query", "field": name, "messages": [message]} for name in repeated]
    assert body["detail"] == "; ".join(f"{name}: {message}" for name in repeated)
