"""Tally's CSV and HXL exports import back: export, import elsewhere, export again, same figures."""

from __future__ import annotations

import csv
import io
import re

import pytest

from service import db
from service.db import queries
from service.importers.tally_csv import FAULTS, import_tally_csv
from tests.imports.support import fingerprint, options
from tests.support import database_fingerprint

# What a figure is, whoever holds it (ids and times differ between databases).
SAME = (
    "metric",
    "count_kind",
    "value",
    "low",
    "high",
    "qualifier",
    "stated_words",
    "population_group",
    "location_id",
    "origin_id",
    "destination_id",
    "period_start",
    "period_end",
    "stated_on",
    "source_id",
    "source_name",
    "document_title",
    "document_url",
    "document_published_on",
    "quote",
)


def rows_of(text: str, *, hxl: bool = False) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return rows[1:] if hxl else rows


@pytest.mark.parametrize(
    ("fmt", "url"),
    [("csv", "/v1/figures?format=csv"), ("hxl", "/v1/figures?format=hxl"), ("hxl", "/v1/civilians-killed?format=hxl")],
)
def test_an_export_imports_into_another_database_as_the_same_figures(client, empty_url, tmp_path, fmt, url):
    from service import migrations
    from service.seed import load_seed

    exported = client.get(url).get_data(as_text=True)
    path = tmp_path / f"figures.{fmt}.csv"
    path.write_text(exported, "utf-8")
    with db.connect(empty_url) as conn:  # another Tally: the same places, none of the figures
        migrations.upgrade(conn)
        load_seed(conn)
        conn.execute("DELETE FROM figure_dispute; DELETE FROM figure_revision; DELETE FROM figure")
        conn.commit()
        result = import_tally_csv(conn, path, options())
        assert (result.rejected, result.inserted) == (0, len(rows_of(exported, hxl=fmt == "hxl")))
        again = import_tally_csv(conn, path, options())
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, result.inserted)
    from tests.support import app_over

    with app_over(empty_url) as app:
        reimported = app.test_client().get(url.replace(f"format={fmt}", "format=csv")).get_data(as_text=True)
    original = client.get(url.replace(f"format={fmt}", "format=csv")).get_data(as_text=True)
    assert [{k: r[k] for k in SAME} for r in rows_of(reimported)] == [
        {k: r[k] for k in SAME} for r in rows_of(original)
    ]
    assert {r["dataset_id"] for r in rows_of(reimported)} == {"tally-csv"}


def test_rows_naming_unknown_places_or_metrics_are_rejected_and_nothing_is_written(client, shared_url, tmp_path):
    text = client.get("/v1/figures?format=csv&limit=3").get_data(as_text=True)
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("displaced,", "deaths,", 1)
    lines[3] = lines[3].replace(",eastern-aleppo,", ",atlantis,", 1)
    path = tmp_path / "broken.csv"
    path.write_text("".join(lines), "utf-8")
    before = database_fingerprint(shared_url)
    from service.importers.core import InvalidRows

    with db.connect(shared_url) as conn, pytest.raises(InvalidRows) as raised:
        import_tally_csv(conn, path, options())
    [result] = raised.value.results
    assert sorted((p.line, p.field) for p in result.problems) == [(3, "metric"), (4, "origin_id")]
    assert database_fingerprint(shared_url) == before


# A valid row of a hand-made Tally CSV; the tests below break one field at a time.
VALID = {
    "id": "r1",
    "metric": "civilians_killed",
    "count_kind": "period_total",
    "value": "12",
    "low": "10",
    "high": "15",
    "qualifier": "approximately",
    "location_id": "aleppo-city",
    "period_start": "2016-11-01",
    "period_end": "2016-11-27",
    "stated_on": "2016-11-27",
    "source_id": "sohr",
    "document_title": "Daily report",
    "document_published_on": "2016-11-27",
    "quote": "about 12 killed",
    "status": "reported",
}
HEADER = [
    "id",
    "metric",
    "count_kind",
    "value",
    "low",
    "high",
    "qualifier",
    "location_id",
    "location_pcode",
    "origin_id",
    "destination_id",
    "period_start",
    "period_end",
    "stated_on",
    "source_id",
    "source_name",
    "source_kind",
    "document_title",
    "document_publisher_id",
    "document_url",
    "document_published_on",
    "quote",
    "latitude",
    "longitude",
    "status",
]


def write_csv(path, rows: list[dict], header=HEADER, newline="\n") -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator=newline)
        writer.writeheader()
        writer.writerows(rows)


# (what to change, the problem it must give: field, value, reason)
BROKEN = [
    ({"id": ""}, ("id", "", "is required: it keeps a re-import from adding the figure twice")),
    ({"metric": "deaths"}, ("metric", "deaths", "not a metric Tally counts (see /v1/metrics)")),
    ({"count_kind": "total"}, ("count_kind", "total", "must be one of event, period_total, stock")),
    ({"value": ""}, ("value", "", "is required")),
    ({"value": "12.5"}, ("value", "12.5", "must be a whole number of 0 or more")),
    ({"low": "-1"}, ("low", "-1", "must be a whole number of 0 or more")),
    ({"low": "13"}, ("low", "13", "must not be greater than value")),
    ({"high": "many"}, ("high", "many", "must be a whole number of 0 or more")),
    ({"high": "11"}, ("high", "11", "must not be less than value")),
    (
        {"qualifier": "roughly"},
        ("qualifier", "roughly", "must be one of exact, approximately, at_least, more_than, at_most, fewer_than"),
    ),
    ({"period_start": "2016-02-30"}, ("period_start", "2016-02-30", "must be a date (YYYY-MM-DD)")),
    ({"period_end": "27/11/2016"}, ("period_end", "27/11/2016", "must be a date (YYYY-MM-DD)")),
    ({"period_end": "2016-10-31"}, ("period_end", "2016-10-31", "must not be before period_start")),
    ({"stated_on": ""}, ("stated_on", "", "must be a date (YYYY-MM-DD)")),
    ({"location_id": ""}, ("location_id", "", "is required (a place id, or location_pcode)")),
    ({"location_id": "atlantis"}, ("location_id", "atlantis", "not a place Tally knows: import the gazetteers first")),
    ({"origin_id": "atlantis"}, ("origin_id", "atlantis", "not a place Tally knows: import the gazetteers first")),
    (
        {"destination_id": "lemuria"},
        ("destination_id", "lemuria", "not a place Tally knows: import the gazetteers first"),
    ),
    ({"source_id": ""}, ("source_id", "", "is required")),
    (
        {"source_id": "new-monitor"},
        ("source_name", "new-monitor", "this source is new to Tally and needs a source_name"),
    ),
    (
        {"source_id": "New Monitor", "source_name": "New Monitor"},
        ("source_id", "New Monitor", "a new source's id must be lower-case letters, digits and hyphens (at most 63)"),
    ),
    (
        {"source_id": "new-monitor", "source_name": "New Monitor", "source_kind": "blog"},
        (
            "source_kind",
            "blog",
            "must be one of un_agency, ngo, monitor, government, military, armed_group, media, individual, dataset",
        ),
    ),
    ({"document_title": " "}, ("document_title", "", "is required")),
    ({"document_url": "www.example.org"}, ("document_url", "www.example.org", "must start with http:// or https://")),
    ({"document_published_on": "2016"}, ("document_published_on", "2016", "must be a date (YYYY-MM-DD)")),
    ({"latitude": "91", "longitude": "37"}, ("latitude", "91", "must be a number from -90 to 90")),
    ({"latitude": "36.2", "longitude": "east"}, ("longitude", "east", "must be a number from -180 to 180")),
    ({"latitude": "36.2"}, ("latitude", "36.2", "latitude and longitude come together, or neither")),
]


def test_every_fault_is_reported_on_its_line_and_skip_invalid_imports_the_rest(fresh_url, tmp_path):
    rows = [VALID | {"id": "first", "quote": "a quote\nover two lines"}]  # line 2 and 3
    rows += [VALID | {"id": f"bad-{n}"} | change for n, (change, _) in enumerate(BROKEN)]  # from line 4 on
    rows += [VALID | {"id": "first", "value": "13"}, VALID | {"id": "last"}]
    path = tmp_path / "broken.csv"
    write_csv(path, rows)
    with db.connect(fresh_url) as conn:
        result = import_tally_csv(conn, path, options(skip_invalid=True))
    expected = [(4 + n, *problem) for n, (_, problem) in enumerate(BROKEN)]
    expected.append(
        (4 + len(BROKEN), "id", "first", "given on an earlier row of this file too: a figure is imported once")
    )
    assert [(p.line, p.field, p.value, p.reason) for p in result.problems] == expected
    assert (result.rows_read, result.rejected, result.inserted) == (len(rows), len(BROKEN) + 1, 2)
    with db.connect(fresh_url) as conn:
        imported = conn.execute(
            "SELECT external_id, value, quote FROM figure WHERE dataset_id = 'tally-csv' ORDER BY external_id"
        ).fetchall()
    assert [(r["external_id"], r["value"], r["quote"]) for r in imported] == [
        ("first", 12, "a quote\nover two lines"),
        ("last", 12, "about 12 killed"),
    ]
    # The checks' fault codes are the ones worded, and the file above exercises every one.
    checks = queries("tally_csv")["check_rows"] + queries("tally_csv")["repeated_ids"]
    assert set(re.findall(r"(?:THEN|\|\|) '([a-z_]+)'", checks)) == set(FAULTS)
    assert {(p.field, p.reason) for p in result.problems} == {(field, reason) for field, _, reason in FAULTS.values()}


def test_without_skip_invalid_one_bad_row_in_the_middle_leaves_the_database_as_it_was(shared_url, tmp_path):
    rows = [VALID | {"id": f"r{n}"} for n in range(5)]
    rows[2]["value"] = "lots"
    path = tmp_path / "one-bad.csv"
    write_csv(path, rows)
    before = database_fingerprint(shared_url)
    from service.importers.core import InvalidRows

    with db.connect(shared_url) as conn, pytest.raises(InvalidRows) as raised:
        import_tally_csv(conn, path, options())
    assert [(p.line, p.field, p.value) for p in raised.value.results[0].problems] == [(4, "value", "lots")]
    assert database_fingerprint(shared_url) == before


def test_new_sources_documents_and_places_by_pcode_are_taken_from_the_rows(fresh_url, tmp_path):
    rows = [
        VALID
        | {
            "id": "a",
            "location_id": "",
            "location_pcode": "SY02",
            "source_id": "new-monitor",
            "source_name": "New Monitor",
            "source_kind": "monitor",
            "document_publisher_id": "new-monitor",
            "document_url": "https://example.org/a",
        },
        VALID
        | {
            "id": "b",
            "source_id": "new-monitor",
            "source_name": "Another name",
            "document_title": "Other report",
            "document_publisher_id": "nobody-knows",
            "latitude": "36.2",
            "longitude": "37.15",
        },
    ]
    path = tmp_path / "new.csv"
    write_csv(path, rows, newline="\r\n")
    with db.connect(fresh_url) as conn:
        result = import_tally_csv(conn, path, options())
        assert (result.inserted, result.notes["sources_created"], result.notes["documents_created"]) == (2, 1, 2)
        source = conn.execute("SELECT name, kind FROM source WHERE id = 'new-monitor'").fetchone()
        figures = conn.execute(
            "SELECT f.external_id, f.location_id, f.latitude, d.title, d.publisher_id, d.url FROM figure f "
            "JOIN document d ON d.id = f.document_id WHERE f.dataset_id = 'tally-csv' ORDER BY 1"
        ).fetchall()
    assert source == {"name": "New Monitor", "kind": "monitor"}
    assert [tuple(f.values()) for f in figures] == [
        ("a", "SY02", None, "Daily report", "new-monitor", "https://example.org/a"),
        ("b", "aleppo-city", 36.2, "Other report", None, None),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"id,value\n",
            "broken.csv: missing column(s) count_kind, period_start, period_end, stated_on, source_id, document_title",
        ),
        (b"", "broken.csv is empty"),
        (
            ",".join(HEADER).encode() + b"\n" + b"r1,civilians_killed\n",
            'broken.csv, line 2: missing data for column "count_kind"',
        ),
        (
            ",".join(HEADER).encode() + b"\n" + b"," * len(HEADER) + b"extra\n",
            "broken.csv, line 2: extra data after last expected column",
        ),
        (
            ",".join(HEADER).encode()
            + b"\n"
            + b"r1"
            + b",x" * (len(HEADER) - 1)
            + b"\nr2\xff"
            + b",x" * (len(HEADER) - 1),
            f"broken.csv, line 3: not UTF-8 text (byte {len(','.join(HEADER)) + 2 * len(HEADER) + 4})",
        ),
    ],
)
def test_a_file_copy_cannot_read_fails_whole_naming_the_line(shared_url, tmp_path, content, message):
    from service.importers.core import ImportFailed

    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    before = database_fingerprint(shared_url)
    with db.connect(shared_url) as conn, pytest.raises(ImportFailed) as raised:
        import_tally_csv(conn, path, options())
    assert str(raised.value) == message
    assert database_fingerprint(shared_url) == before


def test_a_byte_order_mark_and_a_dry_run(fresh_url, tmp_path):
    path = tmp_path / "bom.csv"
    write_csv(path, [VALID])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    before = database_fingerprint(fresh_url)
    with db.connect(fresh_url) as conn:
        dry = import_tally_csv(conn, path, options(dry_run=True))
        assert (dry.inserted, dry.committed, dry.import_id) == (1, False, None)
        assert database_fingerprint(fresh_url) == before
        result = import_tally_csv(conn, path, options())
    assert (result.inserted, result.rejected, result.committed) == (1, 0, True)


@pytest.mark.parametrize(
    ("raw_row", "message"),
    [
        (
            "r2,civilians_killed,period_total,5,,,,aleppo-city,,,,2016-11-01,2016-11-27,2016-11-27,sohr,,,"
            'Daily report,,,,5in shell"s,,,\n'
            "r3,civilians_killed,period_total,7,,,,aleppo-city,,,,2016-11-01,2016-11-27,2016-11-27,sohr,,,"
            'Daily report,,,,7in gun"s,,,\n',
            "3 rows in the file, but 2 as PostgreSQL reads it",
        ),
        ("\\.\n", "3 rows in the file, but 1 as PostgreSQL reads it"),
    ],
)
def test_rows_postgresql_would_read_differently_fail_the_file(shared_url, tmp_path, raw_row, message):
    from service.importers.core import ImportFailed

    path = tmp_path / "odd.csv"
    write_csv(path, [VALID | {"id": "r1"}])
    text = path.read_text("utf-8")
    path.write_text(
        text
        + raw_row
        + (f"{','.join(VALID.get(h, '') for h in HEADER).replace('r1', 'r9')}\n" if raw_row.startswith("\\") else ""),
        "utf-8",
    )
    before = fingerprint(shared_url)
    with db.connect(shared_url) as conn, pytest.raises(ImportFailed) as raised:
        import_tally_csv(conn, path, options(skip_invalid=True))
    assert message in str(raised.value)
    assert fingerprint(shared_url) == before


def test_a_header_that_is_not_utf8_fails_naming_its_line(fresh_url, tmp_path):
    from service.importers.core import ImportFailed

    path = tmp_path / "latin1.csv"
    write_csv(path, [VALID])
    path.write_bytes(path.read_bytes().replace(b"status", b"\xe9tat", 1))
    with db.connect(fresh_url) as conn, pytest.raises(ImportFailed) as raised:
        import_tally_csv(conn, path, options())
    assert str(raised.value) == f"latin1.csv, line 1: not UTF-8 text (byte {len(','.join(HEADER[:-1])) + 1})"


def test_a_copy_error_after_a_field_spanning_lines_names_the_right_line(fresh_url, tmp_path):
    from service.importers.core import ImportFailed

    path = tmp_path / "short.csv"
    write_csv(path, [VALID | {"quote": "one\ntwo\nthree"}])  # the row takes lines 2 to 4
    path.write_text(path.read_text("utf-8") + "r2,civilians_killed\n", "utf-8")
    with db.connect(fresh_url) as conn, pytest.raises(ImportFailed) as raised:
        import_tally_csv(conn, path, options())
    assert str(raised.value) == 'short.csv, line 5: missing data for column "count_kind"'


def test_whitespace_long_fields_huge_numbers_and_blank_lines_at_the_end(fresh_url, tmp_path):
    rows = [
        VALID | {"id": "tabbed", "value": "12\t", "location_id": "aleppo-city\u00a0"},
        VALID | {"id": "long", "quote": "x" * 200_000},
        VALID | {"id": "huge", "latitude": "9" * 400, "longitude": "0." + "0" * 400 + "1"},
        VALID | {"id": "big", "value": "9" * 19},
    ]
    path = tmp_path / "edges.csv"
    write_csv(path, rows)
    path.write_text(path.read_text("utf-8") + "\n\n", "utf-8")
    with db.connect(fresh_url) as conn:
        result = import_tally_csv(conn, path, options(skip_invalid=True))
        quote = conn.execute("SELECT length(quote) AS n FROM figure WHERE external_id = 'long'").fetchone()["n"]
    assert [(p.line, p.field, p.reason) for p in result.problems] == [
        (4, "latitude", "must be a number from -90 to 90"),
        (4, "longitude", "must be a number from -180 to 180"),
        (5, "value", "must be a whole number of 0 or more"),
    ]
    assert (result.rows_read, result.inserted, quote) == (4, 2, 200_000)


def test_a_publisher_only_a_rejected_row_introduces_is_left_out(fresh_url, tmp_path):
    rows = [
        VALID | {"id": "bad", "value": "x", "source_id": "new-src", "source_name": "New source"},
        VALID | {"id": "good", "document_title": "Other", "document_publisher_id": "new-src"},
    ]
    path = tmp_path / "publisher.csv"
    write_csv(path, rows)
    with db.connect(fresh_url) as conn:
        result = import_tally_csv(conn, path, options(skip_invalid=True))
        document = conn.execute(
            "SELECT d.title, d.publisher_id FROM figure f JOIN document d ON d.id = f.document_id "
            "WHERE f.external_id = 'good'"
        ).fetchone()
        created = conn.execute("SELECT count(*) AS n FROM source WHERE id = 'new-src'").fetchone()["n"]
    assert (result.inserted, result.rejected, created) == (1, 1, 0)
    assert document == {"title": "Other", "publisher_id": None}


def test_a_dry_run_uses_up_no_ids(shared_url, tmp_path):
    path = tmp_path / "dry.csv"
    write_csv(path, [VALID | {"source_id": "new-src", "source_name": "New", "document_title": "New document"}])
    before = fingerprint(shared_url)
    with db.connect(shared_url) as conn:
        result = import_tally_csv(conn, path, options(dry_run=True))
    assert (result.inserted, result.notes["sources_created"], result.notes["documents_created"]) == (1, 1, 1)
    assert fingerprint(shared_url) == before


def test_a_copy_error_in_an_hxl_file_names_its_line(client, fresh_url, tmp_path):
    from service.importers.core import ImportFailed

    exported = client.get("/v1/civilians-killed?format=hxl").get_data(as_text=True)
    path = tmp_path / "killed.hxl.csv"
    path.write_text(exported + "1,civilians_killed\r\n", "utf-8", newline="")
    with db.connect(fresh_url) as conn, pytest.raises(ImportFailed) as raised:
        import_tally_csv(conn, path, options())
    line = len(exported.splitlines()) + 1
    assert str(raised.value).startswith(f"killed.hxl.csv, line {line}: missing data for column")
