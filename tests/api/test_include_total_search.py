"""A search counted for include_total: the search's SQL fragment carries a comment line, which once ended the count
query early (a 500)."""

from __future__ import annotations


def test_a_search_with_its_total_is_counted(client):
    response = client.get("/v1/figures?include_total=true&q=Anjara")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["data"]) == 2
