"""CSV exports are written by PostgreSQL (COPY) with the bytes Python's csv module writes for the JSON figures:
on the seed, and on imported real-file excerpts with awkward values added, across filters, sorts, as_of,
fields and HXL; whatever the server's TimeZone and float digits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import psycopg
import pytest
from psycopg import sql

from service import db, formats
from service.importers.locations import import_locations
from service.importers.ucdp import import_ucdp
from service.importers.unhcr import import_unhcr
from tests.imports.support import GAZETTEERS, UCDP, UNHCR, options
from tests.support import admin, app_over, database, database_name, json_figures


def oracle_cell(figure: dict, column: formats.Column) -> object:
    """What Tally's Python export wrote in a cell: the JSON value at the column's path."""
    value: object = figure
    for key in column.path:
        if value is None:
            return ""
        assert isinstance(value, dict)
        value = value.get(key)
    if column.path == ("disputes",):
        assert isinstance(value, list)
        return ";".join(dispute["source"]["id"] for dispute in value)
    return "" if value is None else value


def oracle(client, url: str) -> bytes:
    """The CSV the Python export wrote for url: csv.writer over the JSON figures."""
    query = dict(parse_qsl(urlsplit(url).query))
    fields = query["fields"].split(",") if "fields" in query else None
    columns = formats.columns_for(fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    if query.get("format") == "hxl":
        collection = urlsplit(url).path.rsplit("/", 1)[1]
        metric = query.get("metric") or (None if collection == "figures" else collection.replace("-", "_"))
        hashtag = None
        if metric and "," not in metric:
            hashtag = next(m["hxl_hashtag"] for m in client.get("/v1/metrics").get_json()["data"] if m["id"] == metric)
        writer.writerow(formats.hxl_row(columns, hashtag))
    for figure in json_figures(client, url):
        writer.writerow([oracle_cell(figure, column) for column in columns])
    return buffer.getvalue().encode("utf-8")


def export(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    collection = urlsplit(url).path.rsplit("/", 1)[1]
    assert (response.mimetype, response.headers["Content-Disposition"]) == (
        "text/csv",
        f'attachment; filename="{collection}.csv"',
    )
    return response.get_data()


EXPORTS = [
    "/v1/figures?format=csv",
    "/v1/figures?format=csv&sort=-value",
    "/v1/figures?format=csv&sort=period_start",
    "/v1/figures?format=csv&sort=-updated_at",
    "/v1/figures?format=csv&status=reported,disputed,retracted,verified",
    "/v1/figures?format=csv&location=SY02&from=2016-11",
    "/v1/civilians-killed?format=hxl",
    "/v1/figures?format=hxl&metric=people_killed,civilians_killed",
    "/v1/figures?format=csv&source=sohr,unicef&sort=-stated_on",
    "/v1/figures?format=csv&q=aleppo",
    "/v1/figures?format=csv&min_value=10&max_value=5000&sort=value",
    "/v1/figures?format=csv&as_of=2020-01-01T00:00:00Z",
    "/v1/figures?format=csv&fields=id,quote,latitude,longitude,disputes,created_at",
    "/v1/figures?format=csv&fields=quote",
    "/v1/figures?format=csv&fields=low",
    "/v1/figures?format=csv&fields=stated_words&sort=-value",
]
REAL_FILE_EXPORTS = [
    "/v1/figures?format=csv&dataset=ucdp-ged",
    "/v1/figures?format=csv&dataset=unhcr-population&sort=-period_end",
    "/v1/displaced?format=hxl&sort=-value",
    "/v1/figures?format=csv&fields=dataset,latitude",
]


@pytest.mark.parametrize("url", EXPORTS)
def test_on_the_seed_the_copy_export_is_byte_for_byte_the_python_export(client, url):
    exported = export(client, url)
    assert exported == oracle(client, url)
    assert exported.count(b"\r\n") >= 2 or "fields" in url or "as_of" in url


# Values that test quoting, empty strings, line breaks, floats and the text COPY treats specially.
AWKWARD = [
    {"quote": 'He said "more than 250", then, later: "300"', "words": "", "lat": -0.0, "lon": 1e-05},
    {"quote": "one line\r\nanother\nand a third\r", "words": " padded ", "lat": 36.2021, "lon": -180.0},
    {"quote": "", "words": "\\.", "lat": 89.99999999999999, "lon": 0.1 + 0.2},
    {"quote": "\\.", "words": "\t# , tab", "lat": 1.5e-07, "lon": 37.1},
    {"quote": "حلب الشرقية, «quoted»", "words": "\\N", "lat": None, "lon": None},
]


@pytest.fixture(scope="module")
def real_url(server_url: str, template_db: str) -> Iterator[str]:
    """The seed, the gazetteer, UCDP and UNHCR excerpts imported, and figures with awkward values."""
    with database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            import_locations(conn, GAZETTEERS, options())
            import_ucdp(conn, UCDP, options())
            import_unhcr(conn, UNHCR, options())
        with db.connect(url) as conn:
            db.acting_as(conn, actor="test")
            for value, awkward in enumerate(AWKWARD, start=7001):
                conn.execute(
                    """INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end,
                                           stated_on, source_id, document_id, quote, stated_words, population_group,
                                           latitude, longitude)
                       VALUES ('civilians_killed', 'event', %(value)s, 'anjara', '2016-01-01', '2016-01-31',
                               '2016-02-01', 'lcc', 1, %(quote)s, %(words)s, '', %(lat)s, %(lon)s)""",
                    awkward | {"value": value},
                )
        yield url


@pytest.fixture(scope="module")
def real_client(real_url: str):
    with app_over(real_url) as app:
        yield app.test_client()


@pytest.mark.parametrize("url", EXPORTS + REAL_FILE_EXPORTS)
def test_with_real_files_and_awkward_values_the_copy_export_is_the_python_export(real_client, url):
    assert export(real_client, url) == oracle(real_client, url)


def test_awkward_values_are_written_as_csv_wrote_them(real_client):
    exported = export(real_client, "/v1/figures?format=csv&min_value=7001&max_value=7005&fields=quote")
    assert exported.split(b"\r\n")[:2] == [b"quote", b'"He said ""more than 250"", then, later: ""300"""']
    assert b'"one line\r\nanother\nand a third\r"\r\n' in exported
    assert b'\r\n""\r\n' in exported  # an empty cell alone on its row is quoted, as csv quotes it
    assert b"\r\n\\.\r\n" in exported  # COPY's end-of-data marker, written as csv writes it
    rows = export(real_client, "/v1/figures?format=csv&min_value=7001&max_value=7005&fields=id,latitude,longitude")
    assert rows.split(b"\r\n")[1].split(b",")[1:] == [b"0", b"1e-05"]


@pytest.mark.parametrize("url", ["/v1/figures?format=csv&limit=7", "/v1/figures?format=hxl&limit=3&sort=-value"])
def test_a_page_is_the_python_export_of_that_page_with_its_link(real_client, url):
    response = real_client.get(url)
    assert response.status_code == 200
    figures = real_client.get(url.replace("format=csv", "format=json").replace("format=hxl", "format=json"))
    ids = [figure["id"] for figure in figures.get_json()["data"]]
    lines = response.get_data().split(b"\r\n")
    first_column = [line.split(b",")[0] for line in lines[1 + ("hxl" in url) : -1]]
    assert first_column == [str(i).encode() for i in ids]
    assert "cursor=" in response.headers["Link"]


def test_other_server_settings_write_the_same_bytes(real_url, server_url):
    urls = ["/v1/figures?format=csv", "/v1/figures?format=csv&as_of=2020-01-01T00:00:00Z&sort=-updated_at"]
    with app_over(real_url) as app:
        before = [export(app.test_client(), url) for url in urls]
    name = sql.Identifier(database_name(real_url))
    # (The rest of the service reads timestamps with psycopg, which needs an ISO DateStyle.)
    settings = {"TimeZone": "Pacific/Chatham", "extra_float_digits": "0"}
    for setting, value in settings.items():
        admin(server_url, sql.SQL("ALTER DATABASE {} SET {} = {}").format(name, sql.Identifier(setting), value))
    try:
        with app_over(real_url) as app:
            # A bare connection takes the database's settings (Tally's own ask for UTC: service.db.SESSION_OPTIONS).
            with psycopg.connect(real_url) as conn:
                assert conn.execute("SHOW TimeZone").fetchone() == ("Pacific/Chatham",)
            after = [export(app.test_client(), url) for url in urls]
    finally:
        admin(server_url, sql.SQL("ALTER DATABASE {} RESET ALL").format(name))
    assert after == before
    assert b"+00:00" in before[0]


def test_a_client_gone_mid_export_gives_its_connection_back(real_url):
    with app_over(real_url) as app:
        client = app.test_client()
        pool = app.extensions["tally.pool"]
        for _ in range(pool.max_size + 1):  # more exports than the pool has connections
            response = client.get("/v1/figures?format=csv")
            next(iter(response.response))
            response.close()
        assert export(client, "/v1/figures?format=csv&fields=id").startswith(b"id\r\n")


@pytest.mark.parametrize("url", ["/v1/figures?format=csv", "/v1/civilians-killed?format=hxl&limit=2"])
def test_bom_true_puts_a_byte_order_mark_before_the_same_export(client, url):
    plain, marked = client.get(url), client.get(f"{url}&bom=true")
    assert marked.status_code == 200 and marked.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
    assert marked.get_data() == b"\xef\xbb\xbf" + plain.get_data()
    assert client.get(f"{url}&bom=false").get_data() == plain.get_data()


def test_bom_leaves_json_as_it_is(client):
    assert client.get("/v1/figures?bom=true").get_data() == client.get("/v1/figures").get_data()
