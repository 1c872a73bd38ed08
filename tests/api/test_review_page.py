"""The review page, as the server renders it: the text with each candidate marked, a card per candidate, a CSP
that allows nothing from elsewhere, and no key anywhere in it."""

from __future__ import annotations

import re

from tests.api.test_extractions import _submit
from tests.support import app_over


def test_the_page_marks_every_candidate_and_has_a_card_for_each(write_client, keys):
    extraction = _submit(write_client, keys).get_json()
    page = write_client.get(f"/review/extractions/{extraction['id']}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = page.get_data(as_text=True)
    marks = re.findall(
        r'<mark id="mark-(\d+)" data-n="\d+" data-state="(\w+)"><a href="#candidate-\d+"[^>]*>([^<]*)</a>', html
    )
    assert marks == [("1", "proposed", "At least 37"), ("2", "proposed", "Some 1,200"), ("3", "proposed", "19")]
    assert re.findall(r'<article class="card" id="candidate-(\d+)"', html) == ["1", "2", "3"]
    assert "Syrian Observatory for Human Rights (<code>sohr</code>)" in html
    assert "no known location" in html  # candidate 3: Kafr Zeita is no place Tally holds
    assert "Bearer" not in html and "tally_" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # nothing from another origin


def test_a_decided_candidate_shows_its_state_and_its_figure(write_client, keys):
    extraction_id = _submit(write_client, keys).get_json()["id"]
    accepted = write_client.post(f"/v1/extractions/{extraction_id}/candidates/1/accept", json={}, headers=keys["write"])
    html = write_client.get(f"/review/extractions/{extraction_id}").get_data(as_text=True)
    figure = accepted.headers["Location"]
    assert f'<dd class="figure"><a href="{figure}">{figure}</a></dd>' in html
    assert '<mark id="mark-1" data-n="1" data-state="accepted">' in html
    assert html.count("<fieldset disabled>") == 1


def test_the_page_of_an_unknown_extraction_is_a_404(client):
    response = client.get("/review/extractions/999")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


def test_the_submission_page_and_the_assets_are_served(client):
    page = client.get("/review/extractions/new")
    assert page.status_code == 200 and 'maxlength="100000"' in page.get_data(as_text=True)
    for name, says in (("review.js", "Authorization"), ("review.css", "font-family")):
        with client.get(f"/review/{name}") as asset:
            assert asset.status_code == 200 and says in asset.get_data(as_text=True), name
    assert client.get("/review/review.html").status_code == 404


def test_with_read_keys_required_the_page_is_a_401_and_the_api_needs_the_key(fresh_url, keys):
    with app_over(fresh_url, require_read_key=True) as app:
        client = app.test_client()
        page = client.get("/review/extractions/new")
        assert (page.status_code, page.mimetype) == (401, "application/problem+json")
        assert client.get("/v1/extractions/999").status_code == 401
        assert client.get("/v1/extractions/999", headers=keys["read"]).status_code == 404


def test_a_place_name_two_countries_share_is_left_to_the_reviewer_when_the_text_does_not_tell(write_client, keys):
    """Anjara is a village in Syria; once Tally also holds a town of that name in Lebanon, a text that names
    nothing else proposes the likelier kind, names the other place, and says the reviewer must choose."""
    for body in (
        {"id": "LB", "name": "Lebanon", "kind": "country"},
        {"id": "lb-anjara", "name": "Anjara", "kind": "city", "parent": "LB"},
    ):
        assert write_client.post("/v1/locations", json=body, headers=keys["write"]).status_code == 201
    alone = _submit(write_client, keys, text="At least 37 civilians were killed in Anjara on Tuesday.").get_json()
    (candidate,) = alone["candidates"]
    assert candidate["location"]["location"] == "lb-anjara"
    assert candidate["location"]["others"] == [{"location": "anjara", "name": "Anjara", "country": "Syria"}]
    assert candidate["confidence"]["place"] == 0.3
    html = write_client.get(f"/review/extractions/{alone['id']}").get_data(as_text=True)
    assert (
        '<span class="low other-places">or Anjara (<code>anjara</code>, Syria): the text does not say which</span>'
        in html
    )
    assert '<input data-field="location" value="" data-original="" placeholder="lb-anjara or anjara">' in html
    # Accepted as proposed, it would be a guess: the reviewer names the place.
    accept = f"/v1/extractions/{alone['id']}/candidates/1/accept"
    refused = write_client.post(accept, json={"source": "sohr"}, headers=keys["write"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {
            "in": "json",
            "field": "location",
            "messages": [
                "'Anjara' names places in several countries (lb-anjara, anjara) and the text does not say which: "
                "give the location as a correction."
            ],
        }
    ]
    accepted = write_client.post(accept, json={"source": "sohr", "location": "anjara"}, headers=keys["write"])
    assert accepted.status_code == 201
    figure = write_client.get(accepted.headers["Location"]).get_json()
    assert figure["location"]["id"] == "anjara"
    # The whole report names Syrian places beside it: Anjara is the Syrian village, with nothing left to choose.
    (first, *_) = _submit(write_client, keys).get_json()["candidates"]
    assert (first["location"]["location"], first["location"]["others"]) == ("anjara", [])
    assert first["confidence"]["place"] == 0.75
