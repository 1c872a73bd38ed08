"""An export (CSV, NDJSON, GeoJSON) that fails says so: before its first byte with a problem document, after it by a
connection closed without the last chunk, so a client never takes a cut export for a whole one. On the real server."""

from __future__ import annotations

import http.client

import pytest

from service import db
from tests.live_server import live_server

EXPORT = "/v1/figures?format=csv"


def _more_figures(url: str, count: int) -> None:
    """count more figures, copies of the seed's figure 4 with other values and a long quote: an export of several
    batches, and of more bytes (about 4 KB a figure) than the sockets between PostgreSQL, the worker and the client
    buffer, so that its COPY is still running while the client waits after its first chunk."""
    with db.connect(url) as conn:
        conn.execute(
            """
            INSERT INTO figure (metric_id, count_kind, value, qualifier, stated_words, population_group,
                                location_id, period_start, period_end, stated_on, source_id, document_id, quote)
            SELECT metric_id, count_kind, 1000 + g, qualifier, stated_words, population_group, location_id,
                   period_start, period_end, stated_on, source_id, document_id, repeat(quote, 40)
            FROM figure, generate_series(1, %(count)s) AS g WHERE id = 4""",
            {"count": count},
        )


def test_an_export_that_fails_before_its_first_byte_is_a_problem_document(fresh_url):
    answers = []
    with live_server(fresh_url, STATEMENT_TIMEOUT_MS="300") as port, db.connect(fresh_url) as blocker:
        blocker.execute("LOCK TABLE figure IN ACCESS EXCLUSIVE MODE")  # the export's query waits past its timeout
        for export in (EXPORT, "/v1/figures?format=ndjson", "/v1/figures?format=geojson"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", export)
            with connection.getresponse() as response:
                answers.append((response.status, response.getheader("Content-Type"), response.read()))
            connection.close()
    for status, content_type, body in answers:
        assert (status, content_type) == (504, "application/problem+json"), body
        assert b"statement timeout" in body


def _read_all(port: int, path: str, *, after_first_chunk=None) -> bytes:
    """The whole body; http.client raises IncompleteRead when the chunked body ends without its last chunk."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    try:
        with connection.getresponse() as response:
            assert (response.status, response.getheader("Transfer-Encoding")) == (200, "chunked")
            first = response.read1(65536)
            if after_first_chunk:
                after_first_chunk()
            return first + response.read()
    finally:
        connection.close()


def test_a_complete_export_reads_whole_and_a_cut_one_cannot_be_taken_for_whole(fresh_url):
    _more_figures(fresh_url, 6000)
    with live_server(fresh_url) as port:
        whole = _read_all(port, EXPORT)
        assert whole.count(b"\r\n") == 6000 + 13 + 1  # every figure, and the header

        def cut_the_exports_database_connection() -> None:
            with db.connect(fresh_url, autocommit=True) as admin:
                killed = admin.execute("""SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                                          WHERE application_name = 'tally' AND state <> 'idle'
                                            AND query LIKE '%%figure_export%%'
                                            AND pid <> pg_backend_pid()""").fetchall()
            assert [row["done"] for row in killed] == [True]

        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            _read_all(port, EXPORT, after_first_chunk=cut_the_exports_database_connection)
        # The server is still there for the next client.
        assert _read_all(port, EXPORT).count(b"\r\n") == whole.count(b"\r\n")
