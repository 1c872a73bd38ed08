"""CSV and HXL: the same rows, order and filters as the JSON, field by field."""

from __future__ import annotations

import csv
import io

import hxl
import pytest

from service import db, formats

QUERIES = [
    "/v1/figures?limit=500",
    "/v1/displaced?origin=eastern-aleppo&limit=500",
    "/v1/civilians-killed?location=SY02&from=2016-11&limit=500",
    "/v1/figures?status=disputed&limit=500",
    "/v1/figures?source=sohr,unicef&limit=2",
]


def parse_csv(response, *, hxl_row: bool = False) -> tuple[list[str], list[str] | None, list[dict]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(response.get_data(as_text=True), newline=""))
    header = next(reader)
    tags = next(reader) if hxl_row else None
    return header, tags, [dict(zip(header, row, strict=True)) for row in reader]


def expected_cell(figure: dict, column: formats.Column) -> str:
    """What a CSV cell must hold for a JSON figure: the same value, written as text."""
    value = figure
    for key in column.path:
        value = None if value is None else value.get(key)
    if column.name == "disputed_by":
        return ";".join(d["source"]["id"] for d in value)
    return "" if value is None else str(value)


@pytest.mark.parametrize("url", QUERIES)
def test_csv_matches_json_row_for_row_and_field_for_field(client, url):
    figures = client.get(url).get_json()["data"]
    header, _, rows = parse_csv(client.get(url + "&format=csv"))
    assert header == [column.name for column in formats.COLUMNS]
    assert [int(row["id"]) for row in rows] == [figure["id"] for figure in figures]
    for figure, row in zip(figures, rows, strict=True):
        for column in formats.COLUMNS:
            assert row[column.name] == expected_cell(figure, column), (figure["id"], column.name)


def test_json_fields_all_have_csv_columns(client):
    figure = client.get("/v1/figures/9").get_json()
    assert set(figure) == {column.path[0] for column in formats.COLUMNS}


def test_csv_keeps_arabic_quotes_and_commas_intact(client):
    _, _, rows = parse_csv(client.get("/v1/figures?format=csv&source=khaled-khatib"))
    [row] = rows
    assert row["origin_name_ar"] == "حلب الشرقية"
    assert row["quote"].startswith('"The situation in besieged Aleppo [is] very very bad.')
    raw = client.get("/v1/figures?format=csv&source=khaled-khatib").get_data()
    assert b'"""The situation in besieged Aleppo' in raw  # RFC 4180: inner quotes doubled
    assert raw.count(b"\r\n") == 2


def test_accept_text_csv_asks_for_csv_and_hxl_adds_the_tag_row(client):
    with client.get("/v1/civilians-killed", headers={"Accept": "text/csv"}) as plain:
        assert plain.mimetype == "text/csv"
    _, tags, rows = parse_csv(client.get("/v1/civilians-killed?hxl=true", headers={"Accept": "text/csv"}), hxl_row=True)
    assert tags[:4] == ["#meta+id", "#indicator+code", "#meta+count_kind", "#affected+killed+civilians"]
    assert [row["value"] for row in rows] == ["250", "15"]


def test_csv_pages_when_a_limit_is_given(client):
    response = client.get("/v1/figures?format=csv&limit=5")
    _, _, rows = parse_csv(response)
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert "cursor=" in response.headers["Link"]


def test_csv_without_a_limit_streams_every_figure(write_client, fresh_url):
    with db.connect(fresh_url) as conn:
        db.acting_as(conn, actor="test")
        conn.execute("""
            INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end, stated_on,
                                source_id, document_id)
            SELECT 'civilians_killed', 'event', n, 'anjara', '2016-01-01', '2016-01-01', '2016-01-02', 'lcc', 1
            FROM generate_series(1, 4500) AS n""")
    response = write_client.get("/v1/civilians-killed?format=csv")
    assert response.is_streamed
    _, _, rows = parse_csv(response)
    assert len(rows) == 4502
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)


def test_fields_select_json_keys_and_csv_columns(client):
    data = client.get("/v1/figures?fields=id,value,source&limit=2").get_json()["data"]
    assert data == [
        {
            "id": 1,
            "value": 250000,
            "source": {
                "id": "article-2016-11-27",
                "name": "Unattributed news article, 27 November 2016",
                "kind": "media",
            },
        },
        {
            "id": 2,
            "value": 1700,
            "source": {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"},
        },
    ]
    header, _, _ = parse_csv(client.get("/v1/figures?fields=id,value,source&format=csv"))
    assert header == ["id", "value", "source_id", "source_name", "source_kind"]


def test_unknown_fields_and_formats_are_a_422(client):
    bad_field = client.get("/v1/figures?fields=id,deaths").get_json()
    assert bad_field["errors"][0]["field"] == "fields" and "deaths" in bad_field["errors"][0]["messages"][0]
    assert client.get("/v1/figures?format=xlsx").get_json()["errors"] == [
        {"in": "query", "field": "format", "messages": ["Must be one of: json, csv, hxl, ndjson, geojson."]}
    ]


def _parse_with_libhxl(data: bytes) -> tuple[list[str], list]:
    """Column hashtags and rows as libhxl reads them."""
    with io.BytesIO(data) as stream:
        dataset = hxl.data(hxl.make_input(stream))
        return [column.display_tag for column in dataset.columns], list(dataset)


@pytest.mark.parametrize(
    ("url", "value_tag"),
    [
        ("/v1/civilians-killed?format=hxl", "#affected+killed+civilians"),
        ("/v1/displaced?format=hxl", "#affected+displaced"),
        ("/v1/figures?format=hxl", "#affected"),
    ],
)
def test_hxl_parses_with_libhxl_and_carries_the_documented_hashtags(client, url, value_tag):
    response = client.get(url)
    tags, rows = _parse_with_libhxl(response.get_data())
    documented = formats.hxl_row(formats.COLUMNS, None if value_tag == "#affected" else value_tag)
    assert tags == documented
    assert tags[3:6] == [value_tag, f"{value_tag}+min", f"{value_tag}+max"]
    json_ids = [f["id"] for f in client.get(url.replace("format=hxl", "limit=500")).get_json()["data"]]
    assert [int(row.get("#meta+id")) for row in rows] == json_ids
    assert all(row.get("#date+start") and row.get("#meta+source") for row in rows)
