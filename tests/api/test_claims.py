"""Claims over HTTP: figures stating the same quantity, grouped, side by side, with their range."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from service.cli import render_openapi
from tests.support import add


def claims(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def groups(client, url: str) -> list[list[int]]:
    """The figure ids of each claim, in claim order."""
    return [[f["id"] for f in claim["figures"]] for claim in claims(client, url)]


def test_unicef_and_un_state_one_claim(client):
    [claim] = claims(client, "/v1/claims?metric=children_under_siege")
    assert (claim["id"], claim["metric"], claim["location"]["id"]) == (5, "children_under_siege", "SY")
    assert (claim["sources"], claim["figure_count"], claim["disputed"]) == (["un", "unicef"], 2, False)
    assert (claim["period_start"], claim["period_end"], claim["population_groups"]) == (
        "2016-11-27",
        "2016-11-27",
        ["children"],
    )
    assert claim["range"]["low"] == {
        "value": 500000,
        "figure_id": 5,
        "source": "unicef",
        "basis": "value",
        "figure_ids": [5, 6],
        "open": False,
        "explanation": "lowest: unicef 'nearly 500,000' (value; no lower bound stated); "
        "also un '500,000' (value; no lower bound stated)",
    }
    # "nearly 500,000": 500,000 is UNICEF's stated upper bound, and the claim says so.
    assert (claim["range"]["high"]["basis"], claim["range"]["high"]["explanation"]) == (
        "high",
        ("highest: unicef 'nearly 500,000' (stated upper bound); also un '500,000' (value; no upper bound stated)"),
    )
    assert [(s["source"]["id"], s["figure_id"], s["stated_words"]) for s in claim["latest_by_source"]] == [
        ("un", 6, "500,000"),
        ("unicef", 5, "nearly 500,000"),
    ]


def test_claim_figures_carry_their_full_provenance(client):
    [claim] = claims(client, "/v1/claims?metric=children_under_siege")
    figure = claim["figures"][0]
    assert figure == client.get("/v1/figures/5").get_json()
    assert figure["quote"].startswith("The UN's child agency warned Sunday that nearly 500,000 children")
    assert figure["document"]["title"].startswith("'Aleppo is going to die'")


def test_every_seed_figure_is_in_exactly_one_claim(client):
    # Only UNICEF and UN state the same quantity; the rest stand alone.
    assert groups(client, "/v1/claims") == [[1], [2], [3], [4], [5, 6], [7], [8], [9], [10], [11], [12], [13]]


def test_min_sources_keeps_competing_claims_only(client):
    assert groups(client, "/v1/claims?min_sources=2") == [[5, 6]]


def test_population_groups_can_be_matched_loosely(client):
    # SOHR's 1,700 civilians and Khaled Khatib's thousands of residents, eastern to western Aleppo.
    assert groups(client, "/v1/claims?metric=displaced&min_sources=2") == []
    [claim] = claims(client, "/v1/claims?metric=displaced&min_sources=2&match_population_group=false")
    assert [f["id"] for f in claim["figures"]] == [2, 12]
    assert (claim["origin"]["id"], claim["destination"]["id"]) == ("eastern-aleppo", "western-aleppo")
    assert claim["population_groups"] == ["civilians", "residents"]
    assert (claim["period_start"], claim["period_end"]) == ("2016-11-27", "2016-11-27")
    assert claim["range"]["low"]["explanation"] == "lowest: sohr 'around 1,700' (value; no lower bound stated)"
    assert claim["range"]["high"] | {"explanation": None} == {
        "value": 9999,
        "figure_id": 12,
        "source": "khaled-khatib",
        "basis": "high",
        "figure_ids": [12],
        "open": False,
        "explanation": None,
    }
    assert claim["range"]["high"]["explanation"] == "highest: khaled-khatib 'Thousands' (stated upper bound)"


def test_population_group_matching_ignores_case_and_spaces(write_client, fresh_url):
    other = add(
        fresh_url,
        2000000,
        metric="children_under_siege",
        count_kind="stock",
        location="SY",
        population_group="  Children ",
        source="sohr",
        start="2016-11-27",
    )
    assert groups(write_client, "/v1/claims?metric=children_under_siege") == [[5, 6, other]]


def test_a_chain_of_overlapping_periods_is_one_claim(write_client, fresh_url):
    # A and C never meet, but B overlaps both; D starts after all three ended.
    a = add(fresh_url, 100, location="anjara", source="lcc", start="2016-10-01", end="2016-10-10")
    b = add(fresh_url, 110, location="anjara", source="sohr", start="2016-10-08", end="2016-10-20")
    c = add(fresh_url, 120, location="anjara", source="afad", start="2016-10-18", end="2016-10-30")
    d = add(fresh_url, 130, location="anjara", source="lcc", start="2016-10-31", end="2016-11-05")
    found = claims(write_client, "/v1/claims?location=anjara&metric=civilians_killed")
    assert [[f["id"] for f in claim["figures"]] for claim in found] == [[7], [a, b, c], [d]]
    chain = found[1]
    assert (chain["id"], chain["period_start"], chain["period_end"]) == (a, "2016-10-01", "2016-10-30")
    assert chain["sources"] == ["afad", "lcc", "sohr"]
    assert (chain["range"]["low"]["value"], chain["range"]["high"]["value"]) == (100, 120)


def test_chains_follow_period_order_not_entry_order(write_client, fresh_url):
    # Entered out of order, the long period in the middle still links the two short ones.
    late = add(fresh_url, 5, location="anjara", source="lcc", start="2016-10-20")
    early = add(fresh_url, 6, location="anjara", source="sohr", start="2016-10-02")
    bridge = add(fresh_url, 7, location="anjara", source="afad", start="2016-10-01", end="2016-10-25")
    assert groups(write_client, "/v1/claims?location=anjara&metric=civilians_killed&min_sources=3") == [
        [late, early, bridge]
    ]


def test_flows_are_grouped_by_origin_and_destination(write_client, fresh_url):
    same_flow = add(
        fresh_url,
        1500,
        metric="displaced",
        location="aleppo-city",
        origin="eastern-aleppo",
        destination="western-aleppo",
        source="un",
        start="2016-11-27",
    )
    other_destination = add(
        fresh_url,
        2600,
        metric="displaced",
        location="aleppo-city",
        origin="eastern-aleppo",
        destination="sheikh-maqsoud",
        source="un",
        start="2016-11-27",
    )
    unknown_origin = add(
        fresh_url,
        900,
        metric="displaced",
        location="aleppo-city",
        destination="western-aleppo",
        source="un",
        start="2016-11-27",
    )
    assert groups(write_client, "/v1/claims?metric=displaced&source=sohr,un") == [
        [2, same_flow],
        [3, other_destination],
        [unknown_origin],
    ]


def test_the_range_says_when_a_side_is_left_open(write_client, fresh_url):
    lcc = add(fresh_url, 300, source="lcc", start="2016-11-20", end="2016-11-27", qualifier="approximately")
    [claim] = claims(write_client, "/v1/claims?metric=civilians_killed&location=eastern-aleppo")
    assert [f["id"] for f in claim["figures"]] == [4, lcc]
    low, high = claim["range"]["low"], claim["range"]["high"]
    assert (low["value"], low["source"], low["open"]) == (250, "sohr", False)
    assert low["explanation"] == "lowest: sohr 'More than 250' (value; no lower bound stated)"
    assert (high["value"], high["source"], high["open"]) == (300, "lcc", True)
    assert high["explanation"] == "highest: lcc '300' (value; no upper bound stated)"


def test_an_open_figure_at_the_bound_says_why(client):
    [claim] = claims(client, "/v1/claims?metric=civilians_killed&source=sohr")
    assert claim["range"]["high"]["explanation"] == (
        "highest: sohr 'More than 250' (value; no upper bound stated, and 'more than' leaves it open)"
    )
    assert claim["range"]["high"]["open"] is True


def test_latest_statement_per_source(write_client, fresh_url):
    restated = add(
        fresh_url,
        600000,
        metric="children_under_siege",
        count_kind="stock",
        location="SY",
        population_group="children",
        source="unicef",
        start="2016-11-27",
        stated_on="2016-12-05",
    )
    [claim] = claims(write_client, "/v1/claims?metric=children_under_siege")
    assert [(s["source"]["id"], s["figure_id"], s["stated_on"]) for s in claim["latest_by_source"]] == [
        ("unicef", restated, "2016-12-05"),
        ("un", 6, "2016-11-27"),
    ]
    assert (claim["range"]["low"]["value"], claim["range"]["high"]["value"]) == (500000, 600000)


def test_disputed_claims_are_flagged(client):
    [claim] = claims(client, "/v1/claims?metric=people_injured")
    assert (claim["disputed"], claim["figures"][0]["status"]) == (True, "disputed")


def test_retracted_figures_are_left_out_unless_asked_for(write_client, fresh_url):
    retracted = add(
        fresh_url,
        900000,
        metric="children_under_siege",
        count_kind="stock",
        location="SY",
        population_group="children",
        source="sohr",
        start="2016-11-27",
        status="retracted",
        status_note="Misread the report.",
    )
    assert groups(write_client, "/v1/claims?metric=children_under_siege") == [[5, 6]]
    assert groups(write_client, "/v1/claims?metric=children_under_siege&status=retracted") == [[retracted]]
    assert groups(write_client, "/v1/claims?metric=children_under_siege&status=reported,retracted") == [
        [5, 6, retracted]
    ]


def test_source_filter_keeps_whole_claims(client):
    assert groups(client, "/v1/claims?source=unicef") == [[5, 6]]
    assert client.get("/v1/claims?source=nobody").status_code == 422


def test_location_filter_includes_places_inside(client):
    assert groups(client, "/v1/claims?location=SY02") == [[1], [2], [3], [4], [7], [8], [11], [12], [13]]
    assert groups(client, "/v1/claims?location=anjara") == [[7], [8]]


def test_period_filters_select_overlapping_claims(client):
    assert groups(client, "/v1/claims?to=2016-11-20") == [[4]]
    assert groups(client, "/v1/claims?from=2016-11-28") == []
    assert groups(client, "/v1/claims?from=2016-11&to=2016-11&metric=children_under_siege") == [[5, 6]]


def test_claims_are_paged_without_skips_or_repeats(client):
    seen, url, pages = [], "/v1/claims?limit=5", 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [claim["id"] for claim in body["data"]]
        url, pages = body["next"], pages + 1
    assert seen == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]
    assert pages == 3


@pytest.mark.parametrize(
    ("url", "status", "field", "message"),
    [
        ("/v1/claims?min_sources=0", 422, "min_sources", "Must be 1 or more."),
        ("/v1/claims?metric=deaths", 422, "metric", "Must be one of: "),
        ("/v1/claims?status=rumoured", 422, "status", "Must be one of: reported, verified, disputed, retracted."),
        ("/v1/claims?location=atlantis", 422, "location", "'atlantis' is not a known location"),
        ("/v1/claims?from=2016-12&to=2016-11", 422, "from", "from must not be later than to."),
        ("/v1/claims?match_population_group=maybe", 422, "match_population_group", "Not a valid boolean."),
        ("/v1/claims?metrc=displaced", 400, "metrc", "Unknown field."),
    ],
)
def test_bad_arguments_are_problems_naming_the_parameter(client, url, status, field, message):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    [error] = response.get_json()["errors"]
    assert error["field"] == field
    assert error["messages"][0].startswith(message)


def test_bad_cursor_is_a_problem(client):
    response = client.get("/v1/claims?cursor=nonsense")
    assert response.status_code == 400
    assert response.get_json()["title"] == "Invalid cursor"


def test_responses_match_the_documented_schema(client):
    spec = json.loads(render_openapi())
    schema = spec["paths"]["/v1/claims"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    assert list(validator.iter_errors(client.get("/v1/claims?limit=500").get_json())) == []
