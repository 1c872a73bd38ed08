"""NDJSON and GeoJSON, written by PostgreSQL like CSV: the JSON list's figures, with its filters and order, line for
line (NDJSON) or point for point (GeoJSON, which says how many it left out); places with centroids as GeoJSON;
streamed with constant memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from jsonschema import Draft202012Validator
from psycopg import sql

from service import db, formats
from service.repositories.exports import CHUNK_BYTES
from tests.support import admin, app_over, database, database_name, json_figures

# Quotes that test what COPY's text format escapes (backslashes, control characters) and what JSON escapes.
AWKWARD_QUOTES = [
    'C:\\new\\table, "quoted" \\N and \\.',
    "tab\there, line\nbreak, return\r, bell\x07 and \x01",
    "\\",
    "حلب الشرقية «quoted» \U0001f600 \u2028",
]
# Figures with a point of their own (latitude, longitude), at places with and without a centroid.
OWN_POINTS = [(36.2021, 37.1343, "anjara"), (-0.0, 1e-05, "eastern-aleppo"), (89.99999999999999, -180.0, "SY")]


@pytest.fixture(scope="module")
def module_url(server_url: str, template_db: str) -> Iterator[str]:
    """The seed, with figures carrying awkward quotes and points of their own, and a retracted one with a point."""
    with database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            db.acting_as(conn, actor="test")
            insert = """INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end,
                                            stated_on, source_id, document_id, quote, latitude, longitude, status,
                                            status_note)
                        VALUES ('civilians_killed', 'event', %s, %s, '2016-01-01', '2016-01-31', '2016-02-01', 'lcc',
                                1, %s, %s, %s, %s, %s)"""
            for value, quote in enumerate(AWKWARD_QUOTES, start=7001):
                conn.execute(insert, (value, "aleppo-city", quote, None, None, "reported", None))
            for value, (lat, lon, place) in enumerate(OWN_POINTS, start=8001):
                conn.execute(insert, (value, place, "a point of its own", lat, lon, "reported", None))
            conn.execute(insert, (9001, "anjara", "retracted", 36.0, 37.0, "retracted", "entered twice"))
        yield url


@pytest.fixture(scope="module")
def client(module_url: str):
    with app_over(module_url) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/openapi.json").get_json()


def documented(spec: dict, path: str, media_type: str) -> Draft202012Validator:
    """A validator of the 200 response the document gives for path in media_type."""
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"][media_type]["schema"]
    return Draft202012Validator({**schema, "components": spec["components"]})


def fields_of(url: str) -> list[str] | None:
    query = dict(parse_qsl(urlsplit(url).query))
    return query["fields"].split(",") if "fields" in query else None


def trimmed(figure: dict, fields: list[str] | None) -> dict:
    return {k: v for k, v in figure.items() if k in fields} if fields else figure


def ndjson(client, url: str) -> list[bytes]:
    """The lines of an NDJSON export (each with its LF)."""
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (200, formats.NDJSON), response.get_data(as_text=True)
    body = response.get_data()
    lines = body.splitlines(keepends=True)
    assert b"".join(lines) == body and all(line.endswith(b"\n") and line != b"\n" for line in lines)
    return lines


LISTS = [
    "/v1/figures",
    "/v1/figures?sort=-value",
    "/v1/figures?sort=period_start&status=reported,disputed,retracted,verified",
    "/v1/displaced?origin=eastern-aleppo",
    "/v1/civilians-killed?location=SY02&from=2016-01",
    "/v1/figures?source=sohr,unicef&sort=-stated_on",
    "/v1/figures?q=aleppo",
    "/v1/figures?min_value=7001&max_value=9999",
    "/v1/figures?as_of=2100-01-01T00:00:00Z&sort=-updated_at",
    "/v1/figures?fields=id,quote,latitude,longitude,location",
    "/v1/figures?fields=value&sort=-value&as_of=2100-01-01T00:00:00Z",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_ndjson_line_is_the_json_lists_figure_in_its_order(client, url):
    lines = ndjson(client, url + ("&" if "?" in url else "?") + "format=ndjson")
    figures = json_figures(client, url)
    assert len(lines) == len(figures) > 0
    assert [json.loads(line) for line in lines] == [trimmed(figure, fields_of(url)) for figure in figures]


def test_ndjson_lines_are_the_stored_bodies_byte_for_byte(client):
    lines = ndjson(client, "/v1/figures?format=ndjson&status=reported,disputed,retracted,verified")
    page = client.get("/v1/figures?limit=500&status=reported,disputed,retracted,verified").get_data()
    assert page.startswith(b'{"data":[' + b",".join(line[:-1] for line in lines) + b'],"next":null,')


def test_awkward_text_survives_copy_exactly(client):
    lines = ndjson(client, "/v1/figures?format=ndjson&min_value=7001&max_value=7004&fields=quote")
    assert [json.loads(line)["quote"] for line in lines] == AWKWARD_QUOTES
    # JSON's own escapes, as PostgreSQL wrote them.
    assert b'"C:\\\\new\\\\table, \\"quoted\\" \\\\N and \\\\."' in lines[0]


@pytest.fixture(scope="module")
def points(module_url: str) -> dict[int, tuple[list[float], str]]:
    """Figure id -> its point as GeoJSON writes it ([longitude, latitude]) and where it comes from, read in SQL."""
    with db.connect(module_url) as conn:
        rows = conn.execute("""
            SELECT f.id, f.latitude, f.longitude, l.latitude AS l_latitude, l.longitude AS l_longitude
            FROM figure f JOIN location l ON l.id = f.location_id""").fetchall()
    points = {}
    for row in rows:
        if row["latitude"] is not None:
            points[row["id"]] = ([row["longitude"], row["latitude"]], "figure")
        elif row["l_latitude"] is not None:
            points[row["id"]] = ([row["l_longitude"], row["l_latitude"]], "location")
    return points


def geojson(client, spec: dict, url: str) -> dict:
    """A GeoJSON response, checked against the document (which says in words only that fields= trims properties)."""
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (200, formats.GEOJSON), response.get_data(as_text=True)
    collection = json.loads(response.get_data())
    if not fields_of(url):
        documented(spec, urlsplit(url).path, formats.GEOJSON).validate(collection)
    return collection


@pytest.mark.parametrize("url", LISTS)
def test_geojson_is_the_json_lists_figures_that_have_a_point_with_that_point(client, spec, points, url):
    collection = geojson(client, spec, url + ("&" if "?" in url else "?") + "format=geojson")
    figures = json_figures(client, url)
    with_point = [figure for figure in figures if figure["id"] in points]
    assert [feature["id"] for feature in collection["features"]] == [figure["id"] for figure in with_point]
    for feature, figure in zip(collection["features"], with_point, strict=True):
        coordinates, point_of = points[figure["id"]]
        assert feature["geometry"] == {"type": "Point", "coordinates": coordinates}
        assert all(type(number) in (int, float) for number in coordinates)
        assert feature["point_of"] == point_of
        assert feature["properties"] == trimmed(figure, fields_of(url))
    assert collection["left_out"] == {"count": len(figures) - len(with_point), "reason": formats.FIGURE_WITHOUT_POINT}
    assert collection["next"] is None


def test_geojson_counts_what_sql_counts(client, spec, module_url):
    with db.connect(module_url) as conn:
        counts = conn.execute("""
            SELECT count(*) FILTER (WHERE coalesce(f.latitude, l.latitude) IS NOT NULL) AS with_point,
                   count(*) FILTER (WHERE coalesce(f.latitude, l.latitude) IS NULL) AS without
            FROM figure f JOIN location l ON l.id = f.location_id WHERE f.status <> 'retracted'""").fetchone()
    collection = geojson(client, spec, "/v1/figures?format=geojson")
    assert (len(collection["features"]), collection["left_out"]["count"]) == (counts["with_point"], counts["without"])
    assert (counts["with_point"], counts["without"]) == (4 + 4 + 3, 9)  # seed at Aleppo, awkward ones, own points


def test_a_point_of_its_own_wins_over_its_places_and_coordinates_are_longitude_first(client, spec):
    collection = geojson(client, spec, "/v1/figures?format=geojson&min_value=8001&max_value=9001&fields=value")
    found = [(f["properties"]["value"], f["geometry"]["coordinates"], f["point_of"]) for f in collection["features"]]
    assert found == [
        (8001, [37.1343, 36.2021], "figure"),  # anjara has no centroid
        (8002, [1e-05, -0.0], "figure"),
        (8003, [-180.0, 89.99999999999999], "figure"),
    ]
    raw = client.get("/v1/figures?format=geojson&min_value=8002&max_value=8002").get_data()
    assert b'"coordinates" : [1e-05, -0]' in raw  # the shortest exact digits, as the JSON figure has them


@pytest.mark.parametrize("fmt", ["ndjson", "geojson"])
@pytest.mark.parametrize("url", ["/v1/figures?limit=5", "/v1/figures?limit=3&sort=-value&fields=id,value"])
def test_with_a_limit_an_export_is_the_json_page_with_its_link(client, spec, points, fmt, url):
    page = client.get(url)
    response = client.get(f"{url}&format={fmt}")
    assert response.status_code == 200 and response.headers["Content-Length"]  # a page is sent whole
    assert response.headers["Link"] == page.headers["Link"].replace("cursor=", f"format={fmt}&cursor=")
    figures = page.get_json()["data"]
    if fmt == "ndjson":
        assert [json.loads(line) for line in response.get_data().splitlines()] == figures
    else:
        collection = geojson(client, spec, f"{url}&format={fmt}")
        assert [feature["properties"] for feature in collection["features"]] == [
            figure for figure in figures if figure["id"] in points
        ]
        assert collection["next"] == page.get_json()["next"].replace("cursor=", f"format={fmt}&cursor=")


def test_following_geojson_pages_gives_the_whole_collection(client, spec):
    whole = geojson(client, spec, "/v1/figures?format=geojson")
    features, left_out, page = [], 0, "/v1/figures?format=geojson&limit=4"
    while page:
        collection = geojson(client, spec, page)
        features += collection["features"]
        left_out += collection["left_out"]["count"]
        page = collection["next"]
    assert (features, left_out) == (whole["features"], whole["left_out"]["count"])


@pytest.mark.parametrize("fmt", ["ndjson", "geojson"])
def test_without_a_limit_a_cursor_exports_everything_after_it(client, points, fmt):
    cursor = _cursor(client, "/v1/figures?limit=3&sort=-value")
    response = client.get(f"/v1/figures?sort=-value&cursor={cursor}&format={fmt}")
    assert "Content-Length" not in response.headers  # streamed
    expected = json_figures(client, "/v1/figures?sort=-value")[3:]
    if fmt == "ndjson":
        assert [json.loads(line) for line in response.get_data().splitlines()] == expected
    else:
        ids = [feature["id"] for feature in json.loads(response.get_data())["features"]]
        assert ids == [figure["id"] for figure in expected if figure["id"] in points]


def _locations(client, url: str) -> list[dict]:
    """Every location the JSON list gives for url, page after page."""
    found, page = [], url
    while page:
        body = client.get(page).get_json()
        found += body["data"]
        page = body["next"]
    return found


@pytest.mark.parametrize("url", ["/v1/locations", "/v1/locations?kind=admin3,city,area", "/v1/locations?parent=SY0200"])
def test_locations_geojson_is_the_places_with_a_centroid(client, spec, url):
    collection = geojson(client, spec, url + ("&" if "?" in url else "?") + "format=geojson")
    places = _locations(client, url)
    with_centroid = [place for place in places if place["latitude"] is not None]
    assert [feature["id"] for feature in collection["features"]] == [place["id"] for place in with_centroid]
    for feature, place in zip(collection["features"], with_centroid, strict=True):
        assert feature["geometry"]["coordinates"] == [place["longitude"], place["latitude"]]
        assert feature["properties"] == place
    assert collection["left_out"] == {
        "count": len(places) - len(with_centroid),
        "reason": formats.LOCATION_WITHOUT_POINT,
    }


def test_seed_places_with_centroids_and_a_location_page(client, spec):
    collection = geojson(client, spec, "/v1/locations?format=geojson")
    assert [(f["id"], f["geometry"]["coordinates"]) for f in collection["features"]] == [
        ("SY020000", [37.16174, 36.19354]),
        ("aleppo-city", [37.1343, 36.2021]),
    ]
    assert collection["left_out"]["count"] == 11
    for url in ("/v1/locations?limit=4", "/v1/locations?limit=4&cursor=" + _cursor(client, "/v1/locations?limit=8")):
        page = client.get(url, headers={"Accept": formats.GEOJSON})
        json_page = client.get(url)
        assert (page.mimetype, page.headers["Link"]) == (formats.GEOJSON, json_page.headers["Link"])
        body = json.loads(page.get_data())
        places = json_page.get_json()["data"]
        assert [f["properties"] for f in body["features"]] == [p for p in places if p["latitude"] is not None]
        assert body["left_out"]["count"] == len([p for p in places if p["latitude"] is None])
        assert body["next"] == json_page.get_json()["next"]


def _cursor(client, url: str) -> str:
    return client.get(url).get_json()["next"].rsplit("cursor=", 1)[1]


def test_json_lists_leave_their_format_to_accept_and_keep_their_default_page(client):
    assert len(client.get("/v1/locations").get_json()["data"]) == 13
    assert len(client.get("/v1/locations?format=json", headers={"Accept": formats.GEOJSON}).get_json()["data"]) == 13
    assert client.get("/v1/locations?format=ndjson").get_json()["errors"] == [
        {"in": "query", "field": "format", "messages": ["Must be one of: json, geojson."]}
    ]


def test_page_exports_are_written_with_the_export_settings_whatever_the_server_says(module_url, server_url):
    """Timestamps in UTC, as the streamed exports write them, also on a page (a read's statements autocommit)."""
    name = sql.Identifier(database_name(module_url))
    admin(server_url, sql.SQL("ALTER DATABASE {} SET TimeZone = 'Pacific/Chatham'").format(name))
    try:
        with app_over(module_url) as app:
            client = app.test_client()
            csv = client.get("/v1/figures?format=csv&limit=2&fields=id,created_at").get_data().decode()
            past = client.get("/v1/figures?format=ndjson&limit=2&fields=created_at&as_of=2100-01-01T00:00:00Z")
    finally:
        admin(server_url, sql.SQL("ALTER DATABASE {} RESET ALL").format(name))
    assert csv.count("+00:00") == 2 and "+13:45" not in csv and "+12:45" not in csv
    assert [json.loads(line)["created_at"][-6:] for line in past.get_data().splitlines()] == ["+00:00", "+00:00"]


# A large export: more than one chunk, streamed, each chunk of bounded size.
LARGE = 3000


@pytest.fixture(scope="module")
def large_url(server_url: str, template_db: str) -> Iterator[str]:
    with database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            db.acting_as(conn, actor="test")
            conn.execute(
                """INSERT INTO figure (metric_id, count_kind, value, location_id, period_start, period_end, stated_on,
                                       source_id, document_id, quote, latitude, longitude)
                   SELECT 'civilians_killed', 'event', n, 'anjara', '2016-01-01', '2016-01-01', '2016-01-02', 'lcc', 1,
                          repeat('a long quote ', 20), CASE WHEN n %% 2 = 0 THEN 36 + n / 10000.0 END,
                          CASE WHEN n %% 2 = 0 THEN 37 END
                   FROM generate_series(1, %(count)s) AS n""",
                {"count": LARGE},
            )
        yield url


def _chunks(response) -> list[bytes]:
    assert response.status_code == 200 and "Content-Length" not in response.headers
    chunks = list(response.response)
    response.close()
    return chunks


def test_a_large_ndjson_export_is_streamed_in_chunks_of_bounded_size(large_url):
    with app_over(large_url) as app:
        chunks = _chunks(app.test_client().get("/v1/civilians-killed?format=ndjson"))
    longest_line = max(len(line) for line in b"".join(chunks).splitlines(keepends=True))
    assert len(chunks) > 10 and all(len(chunk) < CHUNK_BYTES + longest_line for chunk in chunks)
    lines = b"".join(chunks).splitlines()
    assert len(lines) == LARGE + 2  # and the seed's two
    assert [json.loads(line)["id"] for line in lines] == sorted(json.loads(line)["id"] for line in lines)


def test_a_large_geojson_export_is_streamed_and_counts_what_it_left_out(large_url):
    with app_over(large_url) as app:
        chunks = _chunks(app.test_client().get("/v1/civilians-killed?format=geojson"))
    assert len(chunks) > 5 and all(len(chunk) < 2 * CHUNK_BYTES for chunk in chunks)
    assert chunks[0].startswith(b'{"type":"FeatureCollection","features":[{"type" : "Feature", "id" : ')
    collection = json.loads(b"".join(chunks))
    assert (len(collection["features"]), collection["left_out"]["count"]) == (LARGE // 2, LARGE // 2 + 2)


@pytest.mark.parametrize("fmt", ["ndjson", "geojson"])
def test_a_client_gone_mid_export_gives_its_connection_back(large_url, fmt):
    with app_over(large_url) as app:
        client = app.test_client()
        for _ in range(app.extensions["tally.pool"].max_size + 1):  # more exports than the pool has connections
            response = client.get(f"/v1/figures?format={fmt}")
            next(iter(response.response))
            response.close()
        assert client.get(f"/v1/figures?format={fmt}&limit=1").status_code == 200


def test_a_geojson_export_cut_short_never_ends_as_a_whole_one(large_url):
    with app_over(large_url) as app:
        response = app.test_client().get("/v1/figures?format=geojson")
        body = iter(response.response)
        received = [next(body)]
        with db.connect(large_url, autocommit=True) as conn:
            killed = conn.execute("""SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                                     WHERE state <> 'idle' AND query LIKE '%%figure_export%%'
                                       AND pid <> pg_backend_pid()""").fetchall()
        assert [row["done"] for row in killed] == [True]
        with pytest.raises(db.DatabaseUnavailable, match=r"^The database cannot be reached: "):
            received += list(body)
        response.close()
    cut = b"".join(received)
    assert cut.startswith(b'{"type":"FeatureCollection","features":[{') and b'"left_out"' not in cut
    with pytest.raises(json.JSONDecodeError):  # no closing members: a parser cannot take it for whole
        json.loads(cut)
