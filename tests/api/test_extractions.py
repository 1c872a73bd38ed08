"""POST /v1/extractions and the review of its candidates: accept (with corrections), reject, and the refusals."""

from __future__ import annotations

REPORT = (
    "Shelling of Anjara\n"
    "At least 37 civilians were killed in Anjara on Tuesday, the Syrian Observatory for Human Rights said.\n"
    "Some 1,200 residents fled Bustan al-Basha to Sheikh Maqsoud over the past three days.\n"
    "Local medics said 19 people were wounded in Kafr Zeita, a town the gazetteer does not hold.\n"
)
DOCUMENT = {
    "title": "Shelling of Anjara",
    "publisher": None,
    "url": None,
    "published_on": "2016-11-30",
    "language": "en",
}


def _submit(client, keys, text=REPORT, **body):
    return client.post("/v1/extractions", json={"text": text, "document": DOCUMENT} | body, headers=keys["write"])


def _state(client, keys, extraction_id):
    body = client.get(f"/v1/extractions/{extraction_id}", headers=keys["read"]).get_json()
    return [(c["n"], c["state"], c["figure"], c["reject_reason"]) for c in body["candidates"]]


def test_a_text_is_read_into_candidates_with_their_spans(write_client, keys):
    response = _submit(write_client, keys)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/v1/extractions/{body['id']}"
    assert body["document"]["title"] == "Shelling of Anjara" and body["text"] == REPORT
    found = [(c["stated_words"], c["value"], c["qualifier"], c["metric"]) for c in body["candidates"]]
    assert found == [
        ("At least 37", 37, "at_least", "civilians_killed"),
        ("Some 1,200", 1200, "approximately", "displaced"),
        ("19", 19, "exact", "people_injured"),
    ]
    first = body["candidates"][0]
    assert REPORT[first["span"][0] : first["span"][1]] == "At least 37"
    assert (first["location"]["location"], first["source"]["source"]) == ("anjara", "sohr")
    assert (first["period_start"], first["period_end"]) == ("2016-11-29", "2016-11-29")
    fled = body["candidates"][1]
    assert (fled["origin"]["location"], fled["destination"]["location"]) == ("bustan-al-basha", "sheikh-maqsoud")
    assert (fled["period_start"], fled["period_end"]) == ("2016-11-28", "2016-11-30")
    assert {c["state"] for c in body["candidates"]} == {"proposed"}
    # The same document again is the one Tally has.
    again = _submit(write_client, keys, text="No figures here.")
    assert again.get_json()["document"]["id"] == body["document"]["id"] and again.get_json()["candidates"] == []


def test_accepting_creates_the_figure_through_the_write_path_and_twice_is_a_409(write_client, keys):
    extraction = _submit(write_client, keys).get_json()
    url = f"/v1/extractions/{extraction['id']}/candidates/1/accept"
    accepted = write_client.post(url, json={}, headers=keys["write"])
    assert accepted.status_code == 201
    figure_url = accepted.headers["Location"]
    figure = write_client.get(figure_url).get_json()
    assert (figure["value"], figure["qualifier"], figure["metric"], figure["location"]["id"]) == (
        37,
        "at_least",
        "civilians_killed",
        "anjara",
    )
    assert (figure["source"]["id"], figure["document"]["id"], figure["stated_on"]) == (
        "sohr",
        extraction["document"]["id"],
        "2016-11-30",
    )
    assert figure["quote"] == REPORT.splitlines()[1]
    [revision] = write_client.get(f"{figure_url}/revisions").get_json()["data"]
    assert revision["reason"] == f"Accepted from extraction {extraction['id']}, candidate 1"
    assert _state(write_client, keys, extraction["id"])[0] == (1, "accepted", figure_url, None)
    twice = write_client.post(url, json={}, headers=keys["write"])
    assert (twice.status_code, twice.get_json()["figure"]) == (409, figure_url)
    rejected = write_client.post(url.replace("accept", "reject"), json={"reason": "x"}, headers=keys["write"])
    assert rejected.status_code == 409


def test_a_correction_changes_the_figure_and_a_rejection_keeps_its_reason(write_client, keys):
    extraction = _submit(write_client, keys).get_json()
    base = f"/v1/extractions/{extraction['id']}/candidates"
    corrected = write_client.post(
        f"{base}/2/accept",
        json={
            "value": 1300,
            "stated_words": "Some 1,300",
            "location": "eastern-aleppo",
            "source": "un",
            "reason": "Re-read",
        },
        headers=keys["write"],
    )
    assert corrected.status_code == 201, corrected.get_json()
    figure = write_client.get(corrected.headers["Location"]).get_json()
    assert (figure["value"], figure["stated_words"], figure["location"]["id"], figure["origin"]["id"]) == (
        1300,
        "Some 1,300",
        "eastern-aleppo",
        "bustan-al-basha",
    )
    revision = write_client.get(corrected.headers["Location"] + "/revisions").get_json()["data"][0]
    assert revision["reason"] == f"Accepted from extraction {extraction['id']}, candidate 2: Re-read"
    rejected = write_client.post(f"{base}/3/reject", json={"reason": "Not in the report's area"}, headers=keys["write"])
    assert rejected.status_code == 200
    assert _state(write_client, keys, extraction["id"])[2] == (3, "rejected", None, "Not in the report's area")


def test_a_candidate_without_a_known_place_needs_one_and_nothing_changes(write_client, keys):
    extraction = _submit(write_client, keys).get_json()
    before = write_client.get("/v1/figures?include_total=true").get_json()["total"]
    refused = write_client.post(
        f"/v1/extractions/{extraction['id']}/candidates/3/accept", json={"source": "sohr"}, headers=keys["write"]
    )
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.get_json()["errors"] == [
        {
            "in": "json",
            "field": "location",
            "messages": ["The candidate names no known location: give one as a correction."],
        }
    ]
    assert write_client.get("/v1/figures?include_total=true").get_json()["total"] == before
    assert _state(write_client, keys, extraction["id"])[2] == (3, "proposed", None, None)


def test_bad_input_is_a_4xx_that_changes_nothing(write_client, keys):
    extraction_id = _submit(write_client, keys).get_json()["id"]
    write = keys["write"]
    both = write_client.post(
        "/v1/extractions", json={"text": "x", "document": DOCUMENT, "document_id": 1}, headers=write
    )
    assert (both.status_code, both.get_json()["errors"][0]["field"]) == (422, "document")
    too_long = write_client.post("/v1/extractions", json={"text": "x" * 100_001, "document_id": 1}, headers=write)
    assert (too_long.status_code, too_long.get_json()["errors"][0]["field"]) == (422, "text")
    unknown = write_client.post("/v1/extractions", json={"text": "x", "document_id": 999}, headers=write)
    assert (unknown.status_code, unknown.get_json()["errors"][0]["field"]) == (422, "document_id")
    no_reason = write_client.post(f"/v1/extractions/{extraction_id}/candidates/1/reject", json={}, headers=write)
    assert no_reason.status_code == 422
    assert write_client.post("/v1/extractions/999/candidates/1/accept", json={}, headers=write).status_code == 404
    assert (
        write_client.post(f"/v1/extractions/{extraction_id}/candidates/9/accept", json={}, headers=write).status_code
        == 404
    )
    assert write_client.get("/v1/extractions/999", headers=keys["read"]).status_code == 404
    assert _state(write_client, keys, extraction_id) == [(1, "proposed", None, None), (2, "proposed", None, None),
                                                         (3, "proposed", None, None)]  # fmt: skip


def test_writes_need_a_write_key(write_client, keys):
    assert write_client.post("/v1/extractions", json={"text": "x", "document_id": 1}).status_code == 401
    read_only = write_client.post("/v1/extractions", json={"text": "x", "document_id": 1}, headers=keys["read"])
    assert read_only.status_code == 403


def test_hostile_texts_are_read_without_a_5xx(write_client, keys):
    for text in ("9" * 100_000, "," * 100_000, "killed 5 people, " * 5_000, "In Abc " * 14_000):
        response = _submit(write_client, keys, text=text)
        assert response.status_code == 201, text[:20]


DISPUTED = (
    "Strike on Anjara\n"
    "At least 37 civilians were killed in Anjara on Tuesday, the Syrian Observatory for Human Rights said.\n"
    "The United Nations denied the toll and said it could confirm no deaths in Anjara.\n"
    "The army also denied that civilians were killed in Anjara.\n"
)


def test_accepting_a_disputed_candidate_records_its_disputes_by_known_sources(write_client, keys):
    extraction = _submit(write_client, keys, text=DISPUTED).get_json()
    [candidate] = extraction["candidates"]
    proposed = [(d["cue"], d["words"], d["source_id"]) for d in candidate["disputed_by"]]
    assert proposed == [("denied", DISPUTED.splitlines()[2], "un"), ("denied", DISPUTED.splitlines()[3], None)]
    url = f"/v1/extractions/{extraction['id']}/candidates/1/accept"
    accepted = write_client.post(url, json={}, headers=keys["write"])
    assert accepted.status_code == 201, accepted.get_json()
    figure = write_client.get(accepted.headers["Location"]).get_json()
    # The UN's denial is recorded; the army, a speaker Tally has no source for, is left to the reviewer.
    [dispute] = figure["disputes"]
    assert (figure["status"], figure["version"]) == ("disputed", 2)
    assert (dispute["source"]["id"], dispute["quote"], dispute["document_id"], dispute["stated_on"]) == (
        "un",
        DISPUTED.splitlines()[2],
        extraction["document"]["id"],
        "2016-11-30",
    )
    assert dispute["note"] == f'Proposed by extraction {extraction["id"]} with candidate 1 ("denied")'
    # The candidate says which sentence became which dispute, and which none.
    [decided] = accepted.get_json()["candidates"]
    assert [(d["source_id"], d["recorded"]) for d in decided["disputed_by"]] == [("un", dispute["id"]), (None, None)]
    html = write_client.get(f"/review/extractions/{extraction['id']}").get_data(as_text=True)
    assert f'<span class="recorded">recorded as dispute {dispute["id"]} of the figure</span>' in html
    assert '<span class="low">not recorded</span>' in html
    # Asked not to: the figure stands undisputed.
    other = _submit(write_client, keys, text=DISPUTED.replace("37", "38")).get_json()
    url = f"/v1/extractions/{other['id']}/candidates/1/accept"
    plain = write_client.post(url, json={"record_disputes": False}, headers=keys["write"])
    assert plain.status_code == 201, plain.get_json()
    figure = write_client.get(plain.headers["Location"]).get_json()
    assert (figure["status"], figure["disputes"], figure["version"]) == ("reported", [], 1)
    assert [d["recorded"] for d in plain.get_json()["candidates"][0]["disputed_by"]] == [None, None]
