"""include_total: the number of matching figures, on request, the same on every page."""

from __future__ import annotations

import pytest

from service import db


def _count(url: str, where: str = "status <> 'retracted'") -> int:
    with db.connect(url) as conn:
        return conn.execute(f"SELECT count(*) AS n FROM figure WHERE {where}").fetchone()["n"]


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("", "status <> 'retracted'"),
        ("status=reported,disputed,retracted", "true"),
        ("source=sohr", "source_id = 'sohr' AND status <> 'retracted'"),
        ("min_value=100000", "value >= 100000 AND status <> 'retracted'"),
    ],
)
def test_the_total_is_the_number_of_matching_figures_on_every_page(client, seeded_url, query, where):
    expected = _count(seeded_url, where)
    page = client.get(f"/v1/figures?limit=2&include_total=true&{query}").get_json()
    seen, totals = len(page["data"]), {page["total"]}
    while page["next"]:
        page = client.get(page["next"]).get_json()
        seen += len(page["data"])
        totals.add(page["total"])
    assert totals == {expected} and seen == expected > 0


def test_the_total_is_null_unless_asked_and_csv_refuses_it(client):
    assert client.get("/v1/figures?limit=1").get_json()["total"] is None
    assert client.get("/v1/figures?limit=1&include_total=false").get_json()["total"] is None
    response = client.get("/v1/figures?format=csv&include_total=true")
    assert response.status_code == 422
    message = "Counts come with JSON pages only; ask for format=json."
    assert response.get_json()["errors"] == [{"in": "query", "field": "include_total", "messages": [message]}]


def test_a_metric_collection_and_a_past_moment_count_what_they_list(write_client, keys, fresh_url):
    with db.connect(fresh_url) as conn:
        before = conn.execute("SELECT now() AS t").fetchone()["t"]
    expected_then = _count(fresh_url, "metric_id = 'civilians_killed' AND status <> 'retracted'")
    retracted = write_client.delete("/v1/figures/4", json={"reason": "a duplicate"}, headers=keys["write"])
    assert retracted.status_code == 200
    now = write_client.get("/v1/civilians-killed?include_total=true").get_json()
    assert now["total"] == expected_then - 1 == len(now["data"])
    then = write_client.get("/v1/civilians-killed", query_string={"include_total": "true", "as_of": before.isoformat()})
    assert then.get_json()["total"] == expected_then == len(then.get_json()["data"])


def test_a_text_search_counts_what_it_lists(client):
    """q's condition spans lines: counting it once left half of it inside a comment of the count's SQL (a 500)."""
    page = client.get("/v1/figures?q=aleppo&limit=2&include_total=true").get_json()
    seen, totals = len(page["data"]), {page["total"]}
    while page["next"]:
        page = client.get(page["next"]).get_json()
        seen += len(page["data"])
        totals.add(page["total"])
    assert totals == {seen} and seen > 2
