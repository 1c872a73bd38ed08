"""The imports over HTTP: /v1/datasets, /v1/imports/{id}, and figures filtered by and showing their dataset."""

from __future__ import annotations

import pytest

from service import db
from service.importers.datasets import UCDP_GED
from service.importers.ucdp import import_ucdp
from service.importers.unhcr import import_unhcr
from tests.imports.support import UCDP, UNHCR, options
from tests.support import app_over


@pytest.fixture(scope="module")
def imported(shared_located_url):
    """An app over a database with the UCDP and UNHCR excerpts imported, and the UCDP import's id.
    The module's tests share it: they only read."""
    with db.connect(shared_located_url) as conn:
        ucdp = import_ucdp(conn, UCDP, options())
        import_unhcr(conn, UNHCR, options())
    with app_over(shared_located_url) as app:
        yield app.test_client(), ucdp.import_id


def test_datasets_lists_each_with_attribution_counts_and_latest_import(imported):
    client, import_id = imported
    response = client.get("/v1/datasets")
    assert response.status_code == 200
    datasets = {d["id"]: d for d in response.get_json()["data"]}
    assert sorted(datasets) == [
        "csr-aleppo-neighbourhoods",
        "ocha-cod-ab",
        "opensyria-subdistricts",
        "ucdp-ged",
        "unhcr-population",
    ]
    ucdp = datasets["ucdp-ged"]
    assert (ucdp["kind"], ucdp["figures"], ucdp["locations"], ucdp["licence"]) == ("figures", 44, 0, UCDP_GED.licence)
    assert ucdp["latest_import"]["id"] == import_id and ucdp["latest_import"]["version"] == UCDP_GED.version
    assert "Sundberg" in ucdp["citation"]
    assert datasets["opensyria-subdistricts"]["locations"] == 58  # the seed's SY020000 among them
    assert datasets["unhcr-population"]["figures"] == 14  # 4 of them stocks of 0


def test_one_dataset_lists_its_imports(imported):
    client, import_id = imported
    body = client.get("/v1/datasets/ucdp-ged").get_json()
    assert [(i["id"], i["file_name"], i["inserted"], i["imported_by"]) for i in body["imports"]] == [
        (import_id, "ucdp_ged_excerpt.csv", 44, "test")
    ]
    assert client.get("/v1/datasets/nope").status_code == 404


def test_an_import_record(imported):
    client, import_id = imported
    body = client.get(f"/v1/imports/{import_id}").get_json()
    assert body["dataset"] == {"id": "ucdp-ged", "name": UCDP_GED.name}
    assert (body["version"], body["file_name"], body["imported_by"]) == (
        UCDP_GED.version,
        "ucdp_ged_excerpt.csv",
        "test",
    )
    assert len(body["sha256"]) == 64 and body["licence"] == UCDP_GED.licence
    assert body["counts"] == {
        "rows_read": 22,
        "inserted": 44,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "skipped": 0,
    }
    assert body["report"]["placement"] == {"coordinates": 19, "adm_1": 2, "country": 1}
    assert client.get("/v1/imports/999999").status_code == 404


def test_figures_filtered_by_dataset_carry_it(imported):
    client, import_id = imported
    body = client.get("/v1/figures?dataset=ucdp-ged&limit=500").get_json()
    assert len(body["data"]) == 44
    assert {f["dataset"]["id"] for f in body["data"]} == {"ucdp-ged"}
    figure = next(f for f in body["data"] if f["dataset"]["external_id"] == "244976:civilians_killed")
    assert (figure["dataset"]["version"], figure["dataset"]["import_id"]) == (UCDP_GED.version, import_id)
    assert (figure["latitude"], figure["longitude"]) == (33.18378, 35.89158)
    assert figure["dataset"]["attributes"]["date_prec"] == 1
    assert [c["source"]["id"] for c in figure["dataset"]["citations"]] == [
        "sohr",
        "sohr",
        "jpost-com-the-jerusalem-post-online-edition",
    ]
    assert (figure["source"]["id"], figure["source"]["kind"]) == ("ucdp", "dataset")


def test_filters_combine_and_hand_entered_figures_have_no_dataset(imported):
    client, _ = imported
    both = client.get("/v1/figures?dataset=ucdp-ged,unhcr-population&limit=500").get_json()["data"]
    assert len(both) == 58
    refugees = client.get("/v1/figures?dataset=unhcr-population&metric=refugees&limit=500").get_json()["data"]
    assert len(refugees) == 11
    seed = client.get("/v1/figures?source=lcc").get_json()["data"]
    assert seed and all(f["dataset"] is None and f["latitude"] is None for f in seed)
    unknown = client.get("/v1/figures?dataset=nope")
    assert (unknown.status_code, unknown.get_json()["detail"]) == (
        422,
        "dataset: Unknown dataset id(s): nope (see /v1/datasets).",
    )


def test_datasets_refuses_unknown_parameters(imported):
    client, _ = imported
    response = client.get("/v1/datasets?kind=figures")
    assert response.status_code == 400
    assert "kind" in response.get_json()["detail"]
