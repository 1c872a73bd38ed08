"""Coverage over HTTP: what data exists per metric, place and source."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from jsonschema import Draft202012Validator

from service.cli import render_openapi
from tests.support import add


def rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def keys(client, url: str) -> list[tuple[str, str, str, int]]:
    """(metric, location, source, figures) per row."""
    return [(r["metric"], r["location"]["id"], r["source"]["id"], r["figures"]) for r in rows(client, url)]


def test_seed_coverage_per_metric_place_and_source(client):
    assert keys(client, "/v1/coverage") == [
        ("children_under_siege", "SY", "un", 1),
        ("children_under_siege", "SY", "unicef", 1),
        ("civilians_injured", "anjara", "lcc", 1),
        ("civilians_killed", "anjara", "lcc", 1),
        ("civilians_killed", "eastern-aleppo", "sohr", 1),
        ("displaced", "aleppo-city", "khaled-khatib", 1),
        ("displaced", "aleppo-city", "sdf", 1),
        ("displaced", "aleppo-city", "sohr", 2),
        ("displaced", "eastern-aleppo", "eastern-aleppo-residents", 1),
        ("people_injured", "northern-syria", "turkish-general-staff", 1),
        ("people_killed", "golan-heights", "israeli-military", 1),
        ("people_trapped", "eastern-aleppo", "article-2016-11-27", 1),
    ]


def test_a_coverage_row_in_full(client):
    [row] = rows(client, "/v1/coverage?metric=displaced&source=sohr")
    assert row == {
        "metric": "displaced",
        "location": {"id": "aleppo-city", "pcode": None, "name": "Aleppo", "name_ar": "حلب", "kind": "city"},
        "source": {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"},
        "figures": 2,
        "by_status": {"reported": 2, "verified": 0, "disputed": 0, "retracted": 0},
        "by_count_kind": {"event": 0, "period_total": 2, "stock": 0},
        "zero_values": 0,
        "period_start": "2016-11-27",
        "period_end": "2016-11-27",
        "latest_stated_on": "2016-11-27",
    }


@pytest.mark.parametrize(
    "query",
    [
        "from=2016-11-27&to=2016-11-27",
        "to=2016-11-26",
        "qualifier=approximately",
        "stated_from=2016-11-28",
        "min_value=1000",
        "q=aleppo",
        "count_kind=period_total&population_group=civilians",
    ],
)
def test_coverage_takes_the_filters_of_the_lists_and_counts_what_they_list(client, query):
    listed = Counter(
        (f["metric"], f["location"]["id"], f["source"]["id"])
        for f in client.get(f"/v1/figures?{query}&limit=500").get_json()["data"]
    )
    assert {(m, loc, s): n for m, loc, s, n in keys(client, f"/v1/coverage?{query}")} == listed


def test_disputed_figures_are_counted_by_status(client):
    [row] = rows(client, "/v1/coverage?metric=people_injured")
    assert (row["figures"], row["by_status"]["disputed"]) == (1, 1)


def test_location_filter_includes_places_inside(client):
    assert keys(client, "/v1/coverage?location=anjara") == [
        ("civilians_injured", "anjara", "lcc", 1),
        ("civilians_killed", "anjara", "lcc", 1),
    ]
    assert keys(client, "/v1/coverage?location=eastern-aleppo&metric=civilians_killed,people_trapped") == [
        ("civilians_killed", "eastern-aleppo", "sohr", 1),
        ("people_trapped", "eastern-aleppo", "article-2016-11-27", 1),
    ]


def test_no_data_is_no_row(client):
    assert rows(client, "/v1/coverage?metric=civilians_killed&location=golan-heights") == []


def test_a_stated_zero_is_data(write_client, fresh_url):
    zero = add(fresh_url, 0, location="western-aleppo", source="un", start="2016-11-26", stated_on="2016-11-28")
    assert zero
    [row] = rows(write_client, "/v1/coverage?metric=civilians_killed&location=western-aleppo")
    assert (row["figures"], row["zero_values"], row["latest_stated_on"]) == (1, 1, "2016-11-28")


def test_counts_and_dates_span_every_figure_of_the_row(write_client, fresh_url):
    add(fresh_url, 100, start="2016-09-01", end="2016-09-30", stated_on="2016-10-02")
    add(fresh_url, 7, count_kind="event", start="2016-12-01", stated_on="2016-12-03")
    [row] = rows(write_client, "/v1/coverage?metric=civilians_killed&source=sohr")
    assert (row["figures"], row["by_count_kind"]) == (3, {"event": 1, "period_total": 2, "stock": 0})
    assert (row["period_start"], row["period_end"], row["latest_stated_on"]) == (
        "2016-09-01",
        "2016-12-01",
        "2016-12-03",
    )


def test_retracted_figures_count_only_when_asked_for(write_client, fresh_url):
    add(
        fresh_url, 40, location="anjara", source="lcc", start="2016-11-26", status="retracted", status_note="Duplicate."
    )
    assert keys(write_client, "/v1/coverage?metric=civilians_killed&source=lcc") == [
        ("civilians_killed", "anjara", "lcc", 1)
    ]
    [row] = rows(write_client, "/v1/coverage?metric=civilians_killed&source=lcc&status=retracted")
    assert (row["figures"], row["by_status"]["retracted"], row["period_start"]) == (1, 1, "2016-11-26")
    [row] = rows(write_client, "/v1/coverage?metric=civilians_killed&source=lcc&status=reported,retracted")
    assert row["by_status"] == {"reported": 1, "verified": 0, "disputed": 0, "retracted": 1}


def test_coverage_is_paged_without_skips_or_repeats(client):
    everything = keys(client, "/v1/coverage")
    seen, url, pages = [], "/v1/coverage?limit=5", 0
    while url:
        body = client.get(url).get_json()
        seen += [(r["metric"], r["location"]["id"], r["source"]["id"], r["figures"]) for r in body["data"]]
        url, pages = body["next"], pages + 1
    assert seen == everything
    assert pages == 3


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/v1/coverage?metric=deaths", 422, "metric"),
        ("/v1/coverage?location=atlantis", 422, "location"),
        ("/v1/coverage?status=rumoured", 422, "status"),
        ("/v1/coverage?limit=0", 422, "limit"),
        ("/v1/coverage?from=2016-13", 422, "from"),
    ],
)
def test_bad_arguments_are_problems_naming_the_parameter(client, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_bad_cursor_is_a_problem(client):
    assert client.get("/v1/coverage?cursor=bm9wZQ").status_code == 400


def test_responses_match_the_documented_schema(client):
    spec = json.loads(render_openapi())
    schema = spec["paths"]["/v1/coverage"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    assert list(validator.iter_errors(client.get("/v1/coverage?limit=500").get_json())) == []
