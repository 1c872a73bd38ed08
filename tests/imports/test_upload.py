"""POST /v1/imports: the same imports as `tally import`, for users without a shell."""

from __future__ import annotations

import csv
import io

import pytest

from tests.imports.support import IDMC, UCDP
from tests.support import app_over, database_fingerprint, make_key


@pytest.fixture
def uploader(located_url):
    """A client over a database with the gazetteer excerpts, and a write key's headers."""
    headers = {"Authorization": f"Bearer {make_key(located_url, 'uploader', 'write')}", "Content-Type": "text/csv"}
    with app_over(located_url) as app:
        yield app.test_client(), headers


@pytest.fixture(scope="module")
def shared_uploader(shared_located_url):
    """Like uploader, over a database the module's tests share: each of them proves it changed nothing, or reads."""
    headers = {
        "Authorization": f"Bearer {make_key(shared_located_url, 'uploader', 'write')}",
        "Content-Type": "text/csv",
    }
    with app_over(shared_located_url) as app:
        yield app.test_client(), headers


def test_an_upload_imports_the_file_and_reports_like_the_command(uploader, located_url):
    client, headers = uploader
    response = client.post(
        "/v1/imports?dataset=ucdp&file_name=ucdp_ged_excerpt.csv", data=UCDP.read_bytes(), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert (result["dataset"], result["file_name"], result["committed"], result["dry_run"]) == (
        "ucdp-ged",
        "ucdp_ged_excerpt.csv",
        True,
        False,
    )
    assert result["counts"]["inserted"] == 44 and result["counts"]["rejected"] == 0
    record = client.get(f"/v1/imports/{result['import_id']}").get_json()
    assert (record["imported_by"], record["sha256"], record["file_name"]) == (
        "uploader",
        result["sha256"],
        "ucdp_ged_excerpt.csv",
    )
    assert len(client.get("/v1/figures?dataset=ucdp-ged&limit=500").get_json()["data"]) == 44


def test_uploading_the_same_file_again_changes_nothing(uploader, located_url):
    client, headers = uploader
    client.post("/v1/imports?dataset=ucdp", data=UCDP.read_bytes(), headers=headers)
    before = database_fingerprint(located_url)
    again = client.post("/v1/imports?dataset=ucdp", data=UCDP.read_bytes(), headers=headers)
    assert again.status_code == 200
    assert again.get_json()["committed"] is False and again.get_json()["counts"]["unchanged"] == 44
    assert database_fingerprint(located_url) == before


def test_a_dry_run_reports_and_writes_nothing(shared_uploader, shared_located_url):
    client, headers = shared_uploader
    before = database_fingerprint(shared_located_url)
    response = client.post(
        "/v1/imports?dataset=idmc&dry_run=true&skip_invalid=true", data=IDMC.read_bytes(), headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["dry_run"] is True and response.get_json()["counts"]["inserted"] > 0
    assert database_fingerprint(shared_located_url) == before


def test_a_file_with_an_invalid_row_is_rejected_whole_with_the_rows_at_fault(shared_uploader, shared_located_url):
    client, headers = shared_uploader
    lines = UCDP.read_text("utf-8").splitlines(keepends=True)
    broken = (
        "".join(lines[:3]) + lines[3].replace(",Syria,", ",Syria,", 1).rsplit(",", 1)[0] + ",-5\n" + "".join(lines[4:])
    )
    before = database_fingerprint(shared_located_url)
    response = client.post("/v1/imports?dataset=ucdp", data=broken.encode(), headers=headers)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["title"] == "Import rejected"
    assert [p["line"] for p in problem["result"]["problems"] if p["outcome"] == "rejected"] == [4]
    assert database_fingerprint(shared_located_url) == before


def test_an_hxl_export_uploads_into_another_tally(uploader, located_url, client):
    uploading, headers = uploader
    exported = client.get("/v1/civilians-killed?format=hxl").get_data()
    response = uploading.post("/v1/imports?dataset=hxl&file_name=killed.hxl.csv", data=exported, headers=headers)
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert (result["dataset"], result["counts"]["rejected"]) == ("tally-csv", 0)
    # This Tally holds the seed's figures too: each row is recognised as the figure it is, and none is added
    # (tests/imports/test_tally_csv_identity.py uploads into a Tally without them).
    assert (result["counts"]["inserted"], result["counts"]["skipped"]) == (0, len(exported.decode().splitlines()) - 2)
    assert uploading.get("/v1/figures?dataset=tally-csv").get_json()["data"] == []


@pytest.mark.parametrize(
    ("query", "body", "content_type", "status", "detail"),
    [
        (
            "dataset=ucdp",
            b"",
            "text/csv",
            400,
            "The request body is empty: send the file as the body (Content-Type: text/csv). "
            "`curl --data-binary @file` sends an empty body when the file is missing.",
        ),
        ("dataset=acled", b"x", "text/csv", 422, "dataset: Must be one of: ucdp, unhcr, idmc, csv, hxl."),
        ("dataset=ucdp", b'{"a": 1}', "application/json", 415, "Send the body as text/csv, not application/json."),
        ("dataset=ucdp", b"not,a,ucdp\nfile,at,all\n", "text/csv", 422, None),
    ],
)
def test_bad_uploads_are_problems(shared_uploader, shared_located_url, query, body, content_type, status, detail):
    client, headers = shared_uploader
    before = database_fingerprint(shared_located_url)
    response = client.post(f"/v1/imports?{query}", data=body, headers=headers | {"Content-Type": content_type})
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    if detail:
        assert response.get_json()["detail"] == detail
    assert database_fingerprint(shared_located_url) == before


def test_uploads_may_be_larger_than_json_bodies(shared_located_url):
    # The app's MAX_BODY_BYTES is set below the size of the excerpt, so the upload need not be megabytes.
    body = UCDP.read_bytes()
    token = make_key(shared_located_url, "uploader", "write")
    with app_over(shared_located_url, max_body_bytes=len(body) // 2) as app:
        settings = app.config["TALLY_SETTINGS"]
        # Past MAX_BODY_BYTES, under MAX_IMPORT_BYTES.
        assert settings.max_body_bytes < len(body) < settings.max_import_bytes
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        upload = client.post(
            "/v1/imports?dataset=ucdp&dry_run=true", data=body, headers=headers | {"Content-Type": "text/csv"}
        )
        assert upload.status_code != 413
        # A JSON body of that size is refused: the smaller limit is in force.
        as_json = b'{"quote": "' + b"x" * len(body) + b'"}'
        assert (
            client.post("/v1/figures", data=as_json, headers=headers | {"Content-Type": "application/json"}).status_code
            == 413
        )


def test_the_row_level_report_of_an_import_that_landed_is_kept_whole(uploader, located_url, tmp_path):
    client, headers = uploader
    bad = IDMC.read_text("utf-8") + "".join(f"AB9,,{2000 + n},0,,20000,20000\n" for n in range(3))
    response = client.post(
        "/v1/imports?dataset=idmc&skip_invalid=true&file_name=idmc.csv", data=bad.encode(), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert result["problem_count"] == len(result["problems"]) > 3
    record = client.get(f"/v1/imports/{result['import_id']}").get_json()
    assert record["problem_count"] == result["problem_count"]
    report = client.get(f"/v1/imports/{result['import_id']}/problems")
    assert (report.status_code, report.mimetype) == (200, "text/csv")
    rows = list(csv.DictReader(io.StringIO(report.get_data(as_text=True))))
    assert rows == [{k: str(v) for k, v in p.items()} for p in result["problems"]]
    assert [(r["value"], r["outcome"]) for r in rows if r["value"] == "AB9"][-3:] == [("AB9", "rejected")] * 3


def test_the_report_of_an_unknown_import_is_a_404(shared_uploader):
    client, _ = shared_uploader
    response = client.get("/v1/imports/999999/problems")
    assert response.status_code == 404 and response.get_json()["detail"] == "No import with id 999999."


def test_a_response_lists_the_first_thousand_findings_and_the_record_keeps_them_all(uploader, located_url):
    client, headers = uploader
    good = (
        "id,metric,count_kind,value,location_id,period_start,period_end,stated_on,source_id,document_title\n"
        "ok,civilians_killed,event,1,aleppo-city,2016-11-01,2016-11-01,2016-11-02,sohr,Daily report\n"
    )
    bad = "".join(
        f"b{n},civilians_killed,event,many,aleppo-city,2016-11-01,2016-11-01,2016-11-02,sohr,Daily report\n"
        for n in range(1005)
    )
    response = client.post("/v1/imports?dataset=csv&skip_invalid=true", data=(good + bad).encode(), headers=headers)
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert (result["problem_count"], len(result["problems"]), result["counts"]["inserted"]) == (1005, 1000, 1)
    report = list(
        csv.DictReader(io.StringIO(client.get(f"/v1/imports/{result['import_id']}/problems").get_data(as_text=True)))
    )
    assert len(report) == 1005 and [int(r["line"]) for r in report] == list(range(3, 1008))
    assert report[:1000] == [{k: str(v) for k, v in p.items()} for p in result["problems"]]


def test_an_import_id_past_any_integer_is_not_found(shared_uploader):
    client, _ = shared_uploader
    response = client.get("/v1/imports/99999999999999999999/problems")
    assert response.status_code == 404 and response.get_json()["detail"] == "No import with id 99999999999999999999."
