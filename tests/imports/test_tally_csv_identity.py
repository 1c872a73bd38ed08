"""Importing Tally's own export never duplicates: into the database it came from it changes no figure; into
another it creates the figures once, and again changes nothing."""

from __future__ import annotations

import csv
import io

from service import db
from service.importers.tally_csv import REQUIRED, import_tally_csv
from service.importers.ucdp import import_ucdp
from tests.imports.support import UCDP, fingerprint, options, rows
from tests.support import app_over, make_key

ANJARA = "/v1/civilians-killed?format=hxl&location=anjara"
LCC = "/v1/civilians-killed/totals?source=lcc"
# What an import of a Tally export into the database it came from may write, the first time only: the
# tally-csv dataset and an import record saying every row is a figure Tally has (inserted 0, updated 0); the
# data version moves with them.
IMPORT_RECORD = {"dataset", "dataset_import", "data_version", "sequences"}


def _get(url: str, path: str) -> str:
    with app_over(url) as app:
        return app.test_client().get(path).get_data(as_text=True)


def _lcc_total(url: str) -> int:
    with app_over(url) as app:
        [total] = app.test_client().get(LCC).get_json()["totals"]
    return total["sum"]


def _import(url: str, path, **kwargs):
    with db.connect(url) as conn:
        return import_tally_csv(conn, path, options(**kwargs))


def _export(url: str, path: str, tmp_path, name: str):
    exported = tmp_path / name
    exported.write_text(_get(url, path), "utf-8")
    return exported


def _data_rows(path) -> int:
    """Rows of a CSV or HXL export (an HXL file has its hashtag row under the header)."""
    records = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
    return len(records) - (2 if records[1][0].startswith("#") else 1)


def _changed(before: dict, after: dict) -> set[str]:
    return {table for table in before if before[table] != after[table]}


def _with_ucdp(url: str) -> None:
    with db.connect(url) as conn:
        import_ucdp(conn, UCDP, options())


def test_the_anjara_hxl_export_imported_into_its_own_database_changes_nothing(located_url, tmp_path):
    assert _lcc_total(located_url) == 15
    hxl = _export(located_url, ANJARA, tmp_path, "anjara.hxl.csv")
    before = fingerprint(located_url)
    result = _import(located_url, hxl)
    assert (result.rows_read, result.inserted, result.updated, result.skipped) == (_data_rows(hxl), 0, 0, 1)
    assert (result.notes["matched"], result.notes["left_as_they_are"]) == ({"statement": 1}, 1)
    assert _changed(before, fingerprint(located_url)) == IMPORT_RECORD
    assert _lcc_total(located_url) == 15
    again = fingerprint(located_url)
    assert not _import(located_url, hxl).committed
    assert fingerprint(located_url) == again


def test_every_figure_exported_as_csv_is_recognised_in_its_own_database(located_url, tmp_path):
    _with_ucdp(located_url)  # imported figures, two of them distinct events with identical values
    exported = _export(located_url, "/v1/figures?format=csv", tmp_path, "all.csv")
    [imported] = rows(located_url, "SELECT count(*) AS n FROM figure WHERE dataset_id IS NOT NULL")
    before = fingerprint(located_url)
    result = _import(located_url, exported)
    assert (result.rejected, result.inserted, result.updated, result.skipped) == (0, 0, 0, _data_rows(exported))
    assert result.notes["matched"] == {"dataset_id": imported["n"], "statement": _data_rows(exported) - imported["n"]}
    assert [p for p in result.problems if p.outcome != "warning"] == []
    assert _changed(before, fingerprint(located_url)) <= IMPORT_RECORD


def _another_database(url: str) -> None:
    """The same places and sources, none of the figures."""
    with db.connect(url) as conn:
        conn.execute(
            "DELETE FROM figure_dispute; DELETE FROM figure_citation; DELETE FROM figure_revision; DELETE FROM figure"
        )
        conn.commit()


def test_into_another_database_the_figures_are_created_once(located_url, fresh_url, tmp_path):
    from service.importers.locations import import_locations
    from tests.imports.support import GAZETTEERS

    _with_ucdp(located_url)
    exported = _export(located_url, "/v1/figures?format=csv", tmp_path, "all.csv")
    with db.connect(fresh_url) as conn:
        import_locations(conn, GAZETTEERS, options())
    _another_database(fresh_url)
    first = _import(fresh_url, exported)
    assert (first.rejected, first.inserted, first.skipped) == (0, _data_rows(exported), 0)
    assert first.notes["matched"] == {}
    after_first = fingerprint(fresh_url)
    second = _import(fresh_url, exported)
    assert (second.inserted, second.updated, second.unchanged, second.committed) == (0, 0, first.inserted, False)
    assert second.notes["matched"] == {"id": first.inserted}
    assert fingerprint(fresh_url) == after_first
    # Its own export (tally-csv figures named by dataset id) changes nothing there either ...
    own = _export(fresh_url, "/v1/figures?format=csv", tmp_path, "own.csv")
    third = _import(fresh_url, own)
    assert (third.inserted, third.updated, third.unchanged) == (0, 0, first.inserted)
    assert third.notes["matched"] == {"dataset_id": first.inserted}
    assert fingerprint(fresh_url) == after_first
    # ... nor in the first database, where each row is recognised by its statement.
    before = fingerprint(located_url)
    back = _import(located_url, own)
    assert (back.inserted, back.updated, back.skipped) == (0, 0, first.inserted)
    assert back.notes["matched"] == {"statement": first.inserted}
    assert _changed(before, fingerprint(located_url)) <= IMPORT_RECORD


def _upload_twice(url: str, exported: bytes) -> list[int]:
    """POST /v1/imports?dataset=hxl the same file twice; what each inserted."""
    headers = {"Authorization": f"Bearer {make_key(url, 'uploader', 'write')}", "Content-Type": "text/csv"}
    inserted = []
    with app_over(url) as app:
        for _ in range(2):
            response = app.test_client().post(
                "/v1/imports?dataset=hxl&file_name=anjara.hxl.csv", data=exported, headers=headers
            )
            assert response.status_code in (200, 201), response.get_json()
            inserted.append(response.get_json()["counts"]["inserted"])
    return inserted


def test_an_uploaded_export_adds_nothing_to_its_own_database_and_its_figure_once_to_another(located_url, fresh_url):
    exported = _get(located_url, ANJARA).encode()
    assert _upload_twice(located_url, exported) == [0, 0]
    assert _lcc_total(located_url) == 15
    _another_database(fresh_url)
    assert _upload_twice(fresh_url, exported) == [1, 0]
    assert _lcc_total(fresh_url) == 15


def test_rows_that_differ_from_the_figure_they_are_are_reported_and_left(located_url, tmp_path):
    _with_ucdp(located_url)
    exported = _export(located_url, "/v1/figures?format=csv&dataset=ucdp-ged&limit=1", tmp_path, "one.csv")
    reader = csv.DictReader(io.StringIO(exported.read_text("utf-8"), newline=""))
    [row] = list(reader)
    [lcc] = list(
        csv.DictReader(io.StringIO(_get(located_url, f"{ANJARA.replace('hxl', 'csv')}&source=lcc"), newline=""))
    )
    changed = tmp_path / "changed.csv"
    with changed.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerow(row | {"quote": "another quote"})  # line 2: UCDP's figure, named by dataset id
        writer.writerow(row | {"id": "copy"})  # line 3: names the same figure again
        writer.writerow(lcc | {"quote": "another quote"})  # line 4: the hand-entered figure, by its statement
    before = fingerprint(located_url)
    result = _import(located_url, changed)
    assert (result.inserted, result.updated, result.skipped) == (0, 0, 3)
    assert [(p.line, p.field, p.outcome) for p in result.problems] == [
        (2, "id", "skipped"),
        (3, "id", "skipped"),
        (4, "id", "skipped"),
    ]
    reasons = [p.reason for p in result.problems]
    assert reasons[0] == f"is figure {row['id']} (dataset ucdp-ged), which states otherwise: quote; left as it is"
    assert reasons[1] == f"names figure {row['id']}, which an earlier row of this file is: a figure is imported once"
    assert reasons[2] == f"is figure {lcc['id']} (entered by hand), which states otherwise: quote; left as it is"
    assert _changed(before, fingerprint(located_url)) <= IMPORT_RECORD | {"dataset_import_problem"}


def test_only_the_columns_a_file_has_are_compared(located_url, tmp_path):
    _with_ucdp(located_url)
    exported = _export(located_url, "/v1/figures?format=csv&dataset=ucdp-ged&limit=1", tmp_path, "one.csv")
    [row] = list(csv.DictReader(io.StringIO(exported.read_text("utf-8"), newline="")))
    few = tmp_path / "few.csv"  # no coordinates, no population group: those are not compared
    with few.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(
            out,
            fieldnames=[*REQUIRED, "metric", "location_id", "quote", "dataset_id", "dataset_external_id"],
            extrasaction="ignore",
        )
        writer.writeheader()
        writer.writerow(row | {"quote": "another quote"})
    [problem] = _import(located_url, few).problems
    assert problem.reason == f"is figure {row['id']} (dataset ucdp-ged), which states otherwise: quote; left as it is"


def test_a_new_row_whose_id_another_row_already_is_is_not_imported(located_url, tmp_path):
    [lcc] = list(
        csv.DictReader(io.StringIO(_get(located_url, f"{ANJARA.replace('hxl', 'csv')}&source=lcc"), newline=""))
    )
    _another_database(located_url)
    first = tmp_path / "first.csv"
    with first.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(lcc))
        writer.writeheader()
        writer.writerow(lcc | {"id": "a"})
    assert _import(located_url, first).inserted == 1  # tally-csv's figure "a"
    second = tmp_path / "second.csv"
    with second.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(lcc))
        writer.writeheader()
        writer.writerow(lcc | {"id": "x", "dataset_id": "tally-csv", "dataset_external_id": "a"})  # that figure
        writer.writerow(lcc | {"id": "a", "value": "16"})  # another figure, under the id "a"
    [figure] = rows(located_url, "SELECT id FROM figure WHERE dataset_id = 'tally-csv' AND external_id = 'a'")
    result = _import(located_url, second)
    assert (result.inserted, result.updated, result.unchanged, result.skipped) == (0, 0, 1, 1)
    assert [(p.line, p.value, p.reason) for p in result.problems] == [
        (
            3,
            "a",
            f"already the external id of figure {figure['id']}, which another row of this file is: the two "
            "cannot be told apart; not imported",
        )
    ]
