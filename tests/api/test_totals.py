"""Totals over HTTP: the seed's totals, figures added to a database of the test's own, and bad arguments.

The rules themselves, as pure functions, are tested in tests/unit/test_totals.py.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from service.api.figures import METRIC_COLLECTIONS
from service.cli import render_openapi
from tests.support import add


def totals(client, url: str) -> list[tuple]:
    """(source, period, location, basis, sum, ids, [(left out id, reason, kept id)]) per total."""
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [
        (
            t["source"]["id"],
            t["period"],
            t["location"] and t["location"]["id"],
            t["basis"],
            t["sum"],
            t["figure_ids"],
            [(x["figure_id"], x["reason"], x["kept_figure_id"]) for x in t["left_out"]],
        )
        for t in response.get_json()["totals"]
    ]


def test_seed_civilians_killed_per_source(client):
    assert totals(client, "/v1/civilians-killed/totals") == [
        ("lcc", None, None, "count", 15, [7], []),
        ("sohr", None, None, "count", 250, [4], []),
    ]


def test_seed_children_under_siege_never_adds_unicef_and_un(client):
    assert totals(client, "/v1/children-under-siege/totals") == [
        ("un", None, None, "stock", 500000, [6], []),
        ("unicef", None, None, "stock", 500000, [5], []),
    ]


def test_seed_displaced_per_source(client):
    assert totals(client, "/v1/displaced/totals") == [
        ("eastern-aleppo-residents", None, None, "count", 2000, [13], []),
        ("khaled-khatib", None, None, "count", 2000, [12], []),
        ("sdf", None, None, "count", 2000, [11], []),
        ("sohr", None, None, "count", 4200, [2, 3], []),
    ]


def test_figures_totals_reports_the_whole_total(client):
    response = client.get("/v1/figures/totals?metric=civilians_killed&source=sohr")
    assert response.get_json() == {
        "metric": "civilians_killed",
        "group_by": ["source", "dataset"],
        "level": None,
        "include_disputed": False,
        "include_retracted": False,
        "totals": [
            {
                "source": {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"},
                "period": None,
                "location": None,
                "basis": "count",
                "dataset": None,
                "sum": 250,
                "figure_ids": [4],
                "qualifiers": ["more_than"],
                "period_start": "2016-11-15",
                "period_end": "2016-11-27",
                "left_out": [],
            }
        ],
    }


def test_disputed_seed_figure_is_left_out_unless_asked_for(client):
    assert totals(client, "/v1/figures/totals?metric=people_injured") == [
        ("turkish-general-staff", None, None, "count", None, [], [(9, "disputed", None)])
    ]
    assert totals(client, "/v1/figures/totals?metric=people_injured&include_disputed=true") == [
        ("turkish-general-staff", None, None, "count", 22, [9], [])
    ]


def test_retracted_figure_is_left_out_unless_asked_for(write_client, fresh_url):
    retracted = add(
        fresh_url,
        40,
        location="anjara",
        source="lcc",
        start="2016-11-26",
        status="retracted",
        status_note="Counted the same airstrike twice.",
    )
    assert totals(write_client, "/v1/civilians-killed/totals?source=lcc") == [
        ("lcc", None, None, "count", 15, [7], [(retracted, "retracted", None)])
    ]
    assert totals(write_client, "/v1/civilians-killed/totals?source=lcc&include_retracted=true") == [
        ("lcc", None, None, "count", 55, [7, retracted], [])
    ]


def test_overlapping_period_totals_of_one_source_are_not_summed(write_client, fresh_url):
    # SOHR restates eastern Aleppo's toll a day later over a longer period: only the newer one counts.
    newer = add(fresh_url, 300, start="2016-11-15", end="2016-11-28", stated_on="2016-11-28")
    earlier_month = add(fresh_url, 120, start="2016-11-01", end="2016-11-10")
    body = write_client.get("/v1/civilians-killed/totals?source=sohr").get_json()
    [total] = body["totals"]
    assert (total["sum"], total["figure_ids"]) == (420, [newer, earlier_month])
    assert total["left_out"] == [
        {
            "figure_id": 4,
            "reason": "overlap",
            "kept_figure_id": newer,
            "detail": f"Its period overlaps that of figure {newer} for the same place; "
            f"figure {newer} was stated later (2016-11-28) and stands.",
        }
    ]


def test_nested_places_are_not_summed(write_client, fresh_url):
    bustan = add(fresh_url, 40, location="bustan-al-basha", start="2016-11-20", end="2016-11-22")
    before = add(fresh_url, 12, location="bustan-al-basha", start="2016-11-02")
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr") == [
        ("sohr", None, None, "count", 262, [4, before], [(bustan, "containing_place", 4)])
    ]


def test_stocks_over_time_and_nested_places_are_not_summed(write_client, fresh_url):
    source = "article-2016-11-27"
    older = add(
        fresh_url,
        275000,
        metric="people_trapped",
        count_kind="stock",
        source=source,
        population_group="people",
        start="2016-10-01",
    )
    inside = add(
        fresh_url,
        30000,
        metric="people_trapped",
        count_kind="stock",
        source=source,
        population_group="people",
        location="bustan-al-basha",
        start="2016-11-27",
    )
    apart = add(
        fresh_url,
        1000,
        metric="people_trapped",
        count_kind="stock",
        source=source,
        population_group="people",
        location="anjara",
        start="2016-11-27",
    )
    assert totals(write_client, "/v1/people-trapped/totals") == [
        (source, None, None, "stock", 251000, [1, apart], [(older, "stock", 1), (inside, "containing_place", 1)])
    ]


def test_two_sources_are_never_summed_even_for_one_place_and_period(write_client, fresh_url):
    lcc = add(fresh_url, 260, source="lcc", start="2016-11-15", end="2016-11-27")
    assert totals(write_client, "/v1/civilians-killed/totals?location=eastern-aleppo") == [
        ("lcc", None, None, "count", 260, [lcc], []),
        ("sohr", None, None, "count", 250, [4], []),
    ]


def test_group_by_month_and_figures_spanning_months(write_client, fresh_url):
    december = add(fresh_url, 80, start="2016-12-01", end="2016-12-05")
    spanning = add(fresh_url, 400, location="anjara", start="2016-11-28", end="2016-12-02")
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr&group_by=month") == [
        ("sohr", "2016-11", None, "count", 250, [4], []),
        ("sohr", "2016-12", None, "count", 80, [december], [(spanning, "spans_buckets", None)]),
    ]
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr&group_by=year") == [
        ("sohr", "2016", None, "count", 730, [4, december, spanning], [])
    ]


def test_group_by_location_level(client):
    assert totals(client, "/v1/figures/totals?metric=civilians_killed&group_by=location_level&level=admin3") == [
        ("lcc", None, "SY0200", "count", 15, [7], []),
        ("sohr", None, "SY020000", "count", 250, [4], []),
    ]
    body = client.get("/v1/figures/totals?metric=civilians_killed&group_by=location_level").get_json()
    assert body["level"] == "admin1"
    assert [(t["location"]["id"], t["location"]["name"]) for t in body["totals"]] == [
        ("SY02", "Aleppo"),
        ("SY02", "Aleppo"),
    ]


def test_filters_narrow_the_candidates(client):
    assert totals(client, "/v1/civilians-killed/totals?location=anjara") == [("lcc", None, None, "count", 15, [7], [])]
    assert totals(client, "/v1/civilians-killed/totals?from=2016-11-27&to=2016-11-27&source=lcc") == [
        ("lcc", None, None, "count", 15, [7], [])
    ]
    assert totals(client, "/v1/displaced/totals?destination=sheikh-maqsoud") == [
        ("sdf", None, None, "count", 2000, [11], []),
        ("sohr", None, None, "count", 2500, [3], []),
    ]
    assert totals(client, "/v1/civilians-killed/totals?from=2017") == []


@pytest.mark.parametrize("path", METRIC_COLLECTIONS)
def test_every_collection_has_totals(client, path):
    assert client.get(f"/v1/{path}/totals").status_code == 200


@pytest.mark.parametrize(
    ("url", "status", "field", "message"),
    [
        ("/v1/figures/totals", 422, "metric", "Missing data for required field."),
        ("/v1/figures/totals?metric=civilians_killed,displaced", 422, "metric", "Must be one of: "),
        (
            "/v1/civilians-killed/totals?group_by=county",
            422,
            "group_by",
            "Must be one of: source, month, year, location_level, dataset.",
        ),
        ("/v1/civilians-killed/totals?group_by=month,year", 422, "group_by", "Use month or year, not both."),
        ("/v1/civilians-killed/totals?level=admin2", 422, "level", "Only used with group_by=location_level."),
        ("/v1/civilians-killed/totals?group_by=location_level&level=city", 422, "level", "Must be one of: country"),
        ("/v1/civilians-killed/totals?include_disputed=perhaps", 422, "include_disputed", "Not a valid boolean."),
        ("/v1/civilians-killed/totals?location=atlantis", 422, "location", "'atlantis' is not a known location"),
        ("/v1/civilians-killed/totals?from=2016-13", 422, "from", "Not a date"),
        ("/v1/civilians-killed/totals?metric=civilians_killed", 400, "metric", "Unknown field."),
    ],
)
def test_bad_arguments_are_problems_naming_the_parameter(client, url, status, field, message):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    [error] = response.get_json()["errors"]
    assert error["field"] == field
    assert error["messages"][0].startswith(message)


def test_responses_match_the_documented_schema(client):
    spec = json.loads(render_openapi())
    for path, url in [
        ("/v1/figures/totals", "/v1/figures/totals?metric=people_injured"),
        ("/v1/displaced/totals", "/v1/displaced/totals?group_by=month,location_level"),
    ]:
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        assert list(validator.iter_errors(client.get(url).get_json())) == []


def test_too_many_figures_is_a_problem_not_a_slow_answer(client, monkeypatch):
    from service.repositories import analysis

    monkeypatch.setattr(analysis, "MAX_TOTALS_FIGURES", 4)
    response = client.get("/v1/displaced/totals")
    assert response.status_code == 422
    assert response.get_json()["title"] == "Too many figures"
    assert response.get_json()["detail"] == (
        "More than 4 figures match; narrow the request with location, source, from or to."
    )
    assert client.get("/v1/displaced/totals?source=sohr").status_code == 200
