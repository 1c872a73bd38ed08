"""Every filter a figure collection takes works, with the same meaning and errors, on every figure read:
lists, CSV, totals, claims and coverage. The parameters are walked from the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json

import pytest

from service.cli import OPENAPI_FILE
from service.vocabulary import STATUSES

SPEC = json.loads(OPENAPI_FILE.read_text("utf-8"))
COLLECTION = "/v1/civilians-killed"
# How figures are read besides the JSON list; {query} is the filter.
READS = (
    f"{COLLECTION}?format=csv&{{query}}",
    f"{COLLECTION}/totals?{{query}}",
    "/v1/claims?metric=civilians_killed&{query}",
    "/v1/coverage?metric=civilians_killed&{query}",
)
# Filters that choose whole claims, not the figures in them.
CLAIM_LEVEL = {"source", "from", "to"}
NOT_FILTERS = {"limit", "cursor", "format", "hxl", "bom", "include_total", "fields", "sort", "as_of"}


def _filters() -> list[tuple[str, str]]:
    """(name, example) of every filter parameter the collection documents."""
    parameters = SPEC["paths"][COLLECTION]["get"]["parameters"]
    found = []
    for parameter in parameters:
        if parameter["in"] != "query" or parameter["name"] in NOT_FILTERS:
            continue
        example = parameter["schema"].get("example", parameter.get("example"))
        if isinstance(example, list):
            example = ",".join(example)
        found.append((parameter["name"], str(example).lower() if isinstance(example, bool) else str(example)))
    return found


FILTERS = _filters()
# The seed database has imported no dataset, so `dataset` names an unknown one there (a 422, tested below);
# tests/imports/test_totals.py walks it over a database with an imported dataset.
SEED_FILTERS = [(name, example) for name, example in FILTERS if name != "dataset"]


def test_the_collection_documents_every_filter():
    assert {name for name, _ in FILTERS} >= {
        "location",
        "origin",
        "destination",
        "source",
        "dataset",
        "status",
        "qualifier",
        "count_kind",
        "population_group",
        "from",
        "to",
        "stated_from",
        "stated_to",
        "min_value",
        "max_value",
        "updated_since",
        "q",
    }


def _ids(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_json())
    return {figure["id"] for figure in response.get_json()["data"]}


@pytest.mark.parametrize(("name", "example"), SEED_FILTERS)
def test_every_filter_means_the_same_on_every_read(client, name, example):
    same_on_every_read(client, f"{name}={example}", claim_level=name in CLAIM_LEVEL)


def same_on_every_read(client, query: str, *, claim_level: bool = False) -> None:
    """The figures a filter selects in a list are those of its CSV, totals (added or left out), claims and
    coverage."""
    name = query.split("=")[0]
    listed = _ids(client, f"{COLLECTION}?{query}&limit=500")
    every_status = query if name == "status" else f"{query}&status={','.join(STATUSES)}"
    with_retracted = _ids(client, f"{COLLECTION}?{every_status}&limit=500")
    exported = client.get(f"{COLLECTION}?format=csv&{query}")
    assert exported.status_code == 200, exported.get_data(as_text=True)
    assert {int(row["id"]) for row in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))} == listed
    totals = client.get(f"{COLLECTION}/totals?{query}")
    assert totals.status_code == 200, totals.get_json()
    counted = {
        i for t in totals.get_json()["totals"] for i in t["figure_ids"] + [x["figure_id"] for x in t["left_out"]]
    }
    assert counted == with_retracted  # a total names every figure it looked at: added or left out, and why
    claims = client.get(f"/v1/claims?metric=civilians_killed&{query}&limit=500")
    assert claims.status_code == 200, claims.get_json()
    grouped = {f["id"] for claim in claims.get_json()["data"] for f in claim["figures"]}
    assert grouped >= listed if claim_level else grouped == listed
    coverage = client.get(f"/v1/coverage?metric=civilians_killed&{query}&limit=500")
    assert coverage.status_code == 200, coverage.get_json()
    assert sum(row["figures"] for row in coverage.get_json()["data"]) == len(listed)


@pytest.mark.parametrize("url", [f"{COLLECTION}?{{query}}", *READS])
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("source=", "source", "Give at least one value."),
        ("status=", "status", "Give at least one value."),
        ("dataset=", "dataset", "Give at least one value."),
        ("qualifier=", "qualifier", "Give at least one value."),
        ("location=", "location", "Give a location id or p-code."),
        ("source=sohr,nobody", "source", "Unknown source id(s): nobody (see /v1/sources)."),
        ("dataset=acled", "dataset", "Unknown dataset id(s): acled (see /v1/datasets)."),
        ("min_value=9&max_value=2", "min_value", "min_value must not be greater than max_value."),
    ],
)
def test_empty_and_unknown_values_are_a_422_naming_the_parameter_on_every_read(client, url, query, field, message):
    response = client.get(url.format(query=query))
    assert (response.status_code, response.mimetype) == (422, "application/problem+json"), response.get_data()
    assert response.get_json()["errors"] == [{"in": "query", "field": field, "messages": [message]}]


@pytest.mark.parametrize("url", ["/v1/figures?metric=", "/v1/claims?metric=", "/v1/coverage?metric="])
def test_an_empty_metric_is_a_422(client, url):
    response = client.get(url)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "metric"
