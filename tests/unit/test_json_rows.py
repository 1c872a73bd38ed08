"""COPY's text rows of JSON, turned back into the JSON texts: NDJSON lines, or a JSON array's members with the rows
left out counted; in chunks of bounded size and row count."""

from __future__ import annotations

from service.repositories.exports import CHUNK_BYTES, CHUNK_ROWS, JsonRows, batches

# Rows as COPY's text format sends them: a backslash doubled, NULL as \N, each row ending in LF.
ROWS = [b'{"quote" : "C:\\\\\\\\new \\\\"x\\\\""}\n', b"\\N\n", b'{"id" : 2}\n', b"\\N\n", b"\\N\n", b'{"id" : 3}\n']
TEXTS = [b'{"quote" : "C:\\\\new \\"x\\""}', b'{"id" : 2}', b'{"id" : 3}']


def test_ndjson_lines_are_the_texts_with_copys_escapes_undone():
    rows = [row for row in ROWS if row != b"\\N\n"]
    assert b"".join(JsonRows().chunks(iter(rows))) == b"".join(text + b"\n" for text in TEXTS)


def test_array_members_are_comma_separated_across_chunks_and_null_rows_counted():
    encoder = JsonRows(separator=b",")
    rows = ROWS * (CHUNK_ROWS // 2)  # several chunks, each cut by the row count
    chunks = list(encoder.chunks(iter(rows)))
    assert len(chunks) == 3
    assert b"".join(chunks) == b",".join(TEXTS * (CHUNK_ROWS // 2))
    assert encoder.left_out == 3 * (CHUNK_ROWS // 2)


def test_a_chunk_holds_at_most_chunk_rows_rows_however_small():
    rows = [b"\\N\n"] * (2 * CHUNK_ROWS + 1)
    assert [len(batch) for batch in batches(iter(rows))] == [CHUNK_ROWS, CHUNK_ROWS, 1]
    encoder = JsonRows(separator=b",")
    assert list(encoder.chunks(iter(rows))) == [b"", b"", b""]  # a chunk per batch, even when all is left out
    assert encoder.left_out == 2 * CHUNK_ROWS + 1


def test_a_chunk_holds_at_least_chunk_bytes_of_large_rows():
    row = b"x" * 1000 + b"\n"
    sizes = [sum(map(len, batch)) for batch in batches(iter([row] * 300))]
    assert sizes[0] >= CHUNK_BYTES > sizes[0] - len(row) and sum(sizes) == 300 * len(row)
