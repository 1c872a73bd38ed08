"""Body size limits hold for every transfer coding, on the real server (gunicorn), not only the test client.

Werkzeug's test client never sends a chunked body the way gunicorn hands one
to the app (wsgi.input_terminated), so these tests start `tally serve`.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from tests.imports.support import IDMC, fingerprint
from tests.live_server import live_server as serve
from tests.support import make_key

# The last row's value sits at the very end of the file, so a body cut short
# at the limit would still parse, with a smaller number (98765 -> 98).
BODY = IDMC.read_bytes() + b"SYR,Syrian Arab Republic,2008,,,,98765\n"
LIMIT = len(BODY)


@pytest.fixture
def live_server(located_url: str) -> Iterator[tuple[int, str]]:
    """`tally serve` over a database of this test's own, with MAX_IMPORT_BYTES = LIMIT."""
    with serve(located_url, MAX_IMPORT_BYTES=str(LIMIT)) as port:
        yield port, located_url


@pytest.fixture(scope="module")
def refusing_server(shared_located_url: str) -> Iterator[tuple[int, str]]:
    """Like live_server, over a database the module's tests share: each of them proves it changed nothing."""
    with serve(shared_located_url, MAX_IMPORT_BYTES=str(LIMIT)) as port:
        yield port, shared_located_url


def _upload(port: int, token: str, body: bytes, *, chunked: bool) -> tuple[int, str, bytes]:
    """POST body as an IDMC upload; chunked sends it in 64 KiB chunks with no Content-Length."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    path = "/v1/imports?dataset=idmc&skip_invalid=true"
    if chunked:
        chunks = (body[at : at + 65536] for at in range(0, len(body), 65536))
        connection.request(
            "POST", path, body=chunks, headers=headers | {"Transfer-Encoding": "chunked"}, encode_chunked=True
        )
    else:
        connection.request("POST", path, body=body, headers=headers)
    with connection.getresponse() as response:
        result = response.status, response.getheader("Content-Type"), response.read()
    connection.close()
    return result


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
@pytest.mark.parametrize("extra", [b"\n", b"4321"], ids=["one-byte-over", "number-cut-at-the-limit"])
def test_a_body_over_the_limit_is_refused_whole_and_nothing_is_written(refusing_server, chunked, extra):
    port, url = refusing_server
    token = make_key(url, "uploader", "write")
    before = fingerprint(url)
    body = BODY[:-1] + extra + b"\n" if extra != b"\n" else BODY + extra
    status, content_type, text = _upload(port, token, body, chunked=chunked)
    assert (status, content_type) == (413, "application/problem+json"), text
    assert f"larger than the limit of {LIMIT} bytes".encode() in text
    assert fingerprint(url) == before


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_a_body_at_the_limit_is_imported_whole(live_server, chunked):
    port, url = live_server
    token = make_key(url, "uploader", "write")
    status, _, text = _upload(port, token, BODY, chunked=chunked)
    assert status == 201, text
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/v1/figures?dataset=idmc-gidd&from=2008&to=2008&limit=10")
    with connection.getresponse() as response:
        values = [figure["value"] for figure in json.loads(response.read())["data"]]
    connection.close()
    assert values == [98765]
