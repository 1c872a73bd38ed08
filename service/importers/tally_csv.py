"""Tally's own CSV and HXL exports, imported back: `tally import csv FILE` and `tally import hxl FILE`.

The columns are those of service/formats.py, which defines the export, so an
export imports again as it was. An HXL file is read by its hashtag row
instead: any HXL-tagged CSV whose hashtags map to Tally's columns and
metrics imports, whatever its header names. Places must already be in Tally
(by id or p-code); sources and documents are created when missing.

Which figure a row is (so that no import of an export adds a figure twice):
1. the figure its dataset_id and dataset_external_id name, if Tally has it
   (an export names every imported figure so, this dataset's included);
2. else this dataset's figure whose external id is the row's id (the same
   file, or a later export of the same database, imported before);
3. else a figure with the same statement: source, metric, location, origin,
   destination, population group, period and value (figure_statement_unique),
   the one whose id is the row's id first, each figure for one row only;
4. else none: the row is a new figure of this dataset, its id its external id.
A figure of this dataset is updated as any import updates its figures. Any
other figure (entered by hand, or another dataset's) is left as it is: the
row is skipped, and listed in the report when its fields differ. So an
export imported into the database it came from changes no figure.

Rows never pass through Python one by one: the file is COPYed as it is into a
table with a column per file column, then checked, typed and staged in SQL
(queries/tally_csv.sql). Python reads the header and words the faults.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg import sql

from .. import formats
from ..db import Connection, CopyRefused, copy_errors, queries
from ..vocabulary import COUNT_KINDS, QUALIFIERS, SOURCE_KINDS
from .core import DataFile, ImportFailed, Options, Problem, Result, count_records, record_lines
from .datasets import TALLY_CSV
from .figures import Parsed, import_figures

REQUIRED = ("id", "count_kind", "value", "period_start", "period_end", "stated_on", "source_id", "document_title")
# The columns the import reads; any other column of the file is carried along and ignored.
READ = (
    "id",
    "metric",
    "count_kind",
    "value",
    "low",
    "high",
    "qualifier",
    "stated_words",
    "population_group",
    "location_id",
    "location_pcode",
    "origin_id",
    "origin_pcode",
    "destination_id",
    "destination_pcode",
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
    "dataset_id",
    "dataset_external_id",
)
# The first lines of a file, enough to hold its header and HXL hashtag row.
HEAD_BYTES = 1 << 20
COPY_CHUNK_BYTES = 1 << 20
# PostgreSQL's limit is 1,600 columns a table; the staging table adds the record number and
# the columns the checks read that the file lacks.
MAX_COLUMNS = 1600 - 1 - len(READ)

# What check_rows finds wrong with a row: the field to blame, the column whose text is shown, and why.
FAULTS = {
    "id_missing": ("id", "id", "is required: it keeps a re-import from adding the figure twice"),
    "id_repeated": ("id", "id", "given on an earlier row of this file too: a figure is imported once"),
    "metric_unknown": ("metric", "metric", "not a metric Tally counts (see /v1/metrics)"),
    "count_kind_invalid": ("count_kind", "count_kind", f"must be one of {', '.join(COUNT_KINDS)}"),
    "value_missing": ("value", "value", "is required"),
    "value_invalid": ("value", "value", "must be a whole number of 0 or more"),
    "low_invalid": ("low", "low", "must be a whole number of 0 or more"),
    "low_above_value": ("low", "low", "must not be greater than value"),
    "high_invalid": ("high", "high", "must be a whole number of 0 or more"),
    "high_below_value": ("high", "high", "must not be less than value"),
    "qualifier_invalid": ("qualifier", "qualifier", f"must be one of {', '.join(QUALIFIERS)}"),
    "period_start_invalid": ("period_start", "period_start", "must be a date (YYYY-MM-DD)"),
    "period_end_invalid": ("period_end", "period_end", "must be a date (YYYY-MM-DD)"),
    "period_end_before_start": ("period_end", "period_end", "must not be before period_start"),
    "stated_on_invalid": ("stated_on", "stated_on", "must be a date (YYYY-MM-DD)"),
    "location_missing": ("location_id", "location_key", "is required (a place id, or location_pcode)"),
    "location_unknown": ("location_id", "location_key", "not a place Tally knows: import the gazetteers first"),
    "origin_unknown": ("origin_id", "origin_key", "not a place Tally knows: import the gazetteers first"),
    "destination_unknown": (
        "destination_id",
        "destination_key",
        "not a place Tally knows: import the gazetteers first",
    ),
    "source_missing": ("source_id", "source_id", "is required"),
    "source_unnamed": ("source_name", "source_id", "this source is new to Tally and needs a source_name"),
    "source_id_invalid": (
        "source_id",
        "source_id",
        "a new source's id must be lower-case letters, digits and hyphens (at most 63)",
    ),
    "source_kind_invalid": ("source_kind", "source_kind", f"must be one of {', '.join(SOURCE_KINDS)}"),
    "document_title_missing": ("document_title", "document_title", "is required"),
    "document_url_invalid": ("document_url", "document_url", "must start with http:// or https://"),
    "document_published_on_invalid": ("document_published_on", "document_published_on", "must be a date (YYYY-MM-DD)"),
    "latitude_invalid": ("latitude", "latitude", "must be a number from -90 to 90"),
    "longitude_invalid": ("longitude", "longitude", "must be a number from -180 to 180"),
    "point_incomplete": ("latitude", "latitude", "latitude and longitude come together, or neither"),
}


def _normalise(tag: str) -> str:
    """A hashtag with its attributes sorted and lower-cased: HXL ignores their order."""
    hashtag, *attributes = tag.strip().lower().split("+")
    return "+".join([hashtag, *sorted(a.strip() for a in attributes if a.strip())])


def _tag_names(metric_tags: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """Normalised hashtag -> (column name, metric the tag implies, if any)."""
    names: dict[str, tuple[str, str | None]] = {
        _normalise(c.hxl): (c.name, None) for c in formats.COLUMNS if not c.hxl.startswith("{")
    }
    for tag, metric in [("#affected", None), *metric_tags.items()]:
        for column, suffix in (("value", ""), ("low", "+min"), ("high", "+max")):
            names[_normalise(tag + suffix)] = (column, metric)
    return names


@dataclass(frozen=True)
class Layout:
    """How a file is laid out: a staging column for each of its columns, and where its rows begin."""

    columns: tuple[str, ...]
    header_records: int  # 1, or 2 with an HXL hashtag row
    header_lines: int  # the lines those records take (a quoted header may span lines)
    # COPY is sent the file from its last header record on, and skips that record (HEADER): it
    # learns the file's line ending from it, and counts the lines of quoted fields only once it has.
    copy_offset: int  # byte offset of the last header record
    lines_before_copy: int
    implied_metric: str | None

    @property
    def first_line(self) -> int:
        return self.header_lines + 1


@dataclass(frozen=True)
class HeadRecord:
    """One of the first records of a file: its fields, the byte offset it starts at, and the file's lines up
    to its end."""

    fields: list[str]
    start: int
    lines: int


def _head(data: DataFile) -> list[HeadRecord]:
    """The first two records of the file (enough for a header and an HXL hashtag row)."""
    with data.path.open("rb") as file:
        raw = file.read(HEAD_BYTES)
        if file.read(1):
            raw = raw[: raw.rfind(b"\n") + 1]  # whole lines only: no character cut in two
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = bom + error.start
        line = raw.count(b"\n", 0, at) + 1
        raise ImportFailed(f"{data.name}, line {line}: not UTF-8 text (byte {at})") from None
    lines = io.StringIO(text, newline="").readlines()
    reader, records, start = csv.reader(lines), [], bom
    for fields in reader:
        records.append(HeadRecord(fields, start, reader.line_num))
        start = bom + len("".join(lines[: reader.line_num]).encode("utf-8"))
        if len(records) == 2:
            break
    return records


def _layout(data: DataFile, metric_tags: dict[str, str]) -> Layout:
    """Read the header (and HXL hashtag row) to name each column of the file."""
    records = _head(data)
    if not records:
        raise ImportFailed(f"{data.name} is empty")
    header, header_records, implied = records[0].fields, 1, None
    if len(records) > 1 and any(cell.strip().startswith("#") for cell in records[1].fields):  # HXL hashtags
        tags = _tag_names(metric_tags)
        mapped = [tags.get(_normalise(tag)) if tag.strip() else None for tag in records[1].fields]
        header = [m[0] if m else "" for m in mapped]
        implied = next((m[1] for m in mapped if m and m[1]), None)
        header_records = 2
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFailed(f"{data.name}: missing column(s) {', '.join(missing)}")
    if len(header) > MAX_COLUMNS:
        raise ImportFailed(f"{data.name} has {len(header)} columns; Tally reads at most {MAX_COLUMNS}")
    seen: set[str] = set()
    columns = []
    for position, name in enumerate(header):
        readable = name in READ and name not in seen
        columns.append(name if readable else f"_column_{position + 1}")
        seen.add(name)
    last = records[header_records - 1]
    lines_before_last = records[header_records - 2].lines if header_records > 1 else 0
    return Layout(tuple(columns), header_records, last.lines, last.start, lines_before_last, implied)


def _create_staging(conn: Connection, layout: Layout) -> None:
    """tally_csv_row: a text column per file column, and every column the checks read."""
    names = list(layout.columns) + [name for name in READ if name not in layout.columns]
    conn.execute(
        sql.SQL(
            "CREATE TEMPORARY TABLE tally_csv_row (record bigint GENERATED ALWAYS AS IDENTITY, {}) ON COMMIT DROP"
        ).format(sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in names))
    )


def _copy(conn: Connection, data: DataFile, layout: Layout) -> int:
    """Stream the rows after the header into tally_csv_row; return how many there are. A file COPY cannot
    read fails whole, naming its line, and so does one COPY reads differently from a CSV reader."""
    statement = sql.SQL("COPY tally_csv_row ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(
        sql.SQL(", ").join(map(sql.Identifier, layout.columns))
    )
    try:
        with copy_errors(), conn.cursor() as cur:
            with cur.copy(statement) as copy:
                for chunk in _data_chunks(data.path, layout.copy_offset):
                    copy.write(chunk)
            copied = cur.rowcount
    except CopyRefused as error:
        raise ImportFailed(_copy_failure(data, layout, error)) from None
    expected = count_records(data.path) - layout.header_records
    if copied != expected:
        # PostgreSQL opens a quoted field at any double quote, and stops at a
        # line holding only \. ; a CSV reader (and the person who wrote the
        # file) reads such lines differently, so the rows would not be the
        # file's rows.
        raise ImportFailed(
            f"{data.name}: {expected} rows in the file, but {copied} as PostgreSQL reads it: a field "
            'holds a stray double quote (quote the field and double the quote: "5"" shell") '
            "or a line holds only \\."
        )
    return copied


def _data_chunks(path: Path, offset: int) -> Iterator[bytes]:
    """The file from offset, in chunks, without blank lines at its end (COPY would read them as rows)."""
    with path.open("rb") as file:
        file.seek(offset)
        chunk = file.read(COPY_CHUNK_BYTES)
        while chunk:
            following = file.read(COPY_CHUNK_BYTES)
            if not following:
                chunk = _without_blank_lines_at_end(chunk)
            yield chunk
            chunk = following


def _without_blank_lines_at_end(chunk: bytes) -> bytes:
    """The chunk up to its last line ending, kept as the file writes it (COPY refuses mixed endings)."""
    body = chunk.rstrip(b"\r\n")
    tail = chunk[len(body) :]
    return body + (b"\r\n" if tail.startswith(b"\r\n") else tail[:1]) if body else b""


def _copy_failure(data: DataFile, layout: Layout, error: CopyRefused) -> str:
    """What COPY could not read, on the line of the file where it is (COPY counts from the record it starts at)."""
    found = re.search(r"\bline (\d+)", error.context)
    where = f", line {int(found.group(1)) + layout.lines_before_copy}" if found else ""
    message = error.message.replace("tally_csv_row", "the file")
    return f"{data.name}{where}: {message}"


def _problems(data: DataFile, layout: Layout, rows: list[dict[str, Any]]) -> list[Problem]:
    """Each fault of each row, worded, on the line the row starts on."""
    lines = record_lines(data.path, [row["record"] for row in rows], layout.header_records)
    problems = []
    for row in rows:
        for fault in row["faults"]:
            field, column, reason = FAULTS[fault]
            problems.append(Problem(lines[row["record"]], field, row["fields"].get(column) or "", reason))
    return problems


def parse(conn: Connection, data: DataFile, options: Options, version: str) -> Parsed:
    """Check every row of a Tally CSV or HXL export in SQL; stage the valid ones."""
    named = queries("tally_csv")
    metric_tags = {row["hxl_hashtag"]: row["id"] for row in conn.execute(queries("imports")["metric_tags"])}
    layout = _layout(data, metric_tags)
    _create_staging(conn, layout)
    rows_read = _copy(conn, data, layout)
    conn.execute(
        named["check_rows"],
        {
            "implied_metric": layout.implied_metric,
            "count_kinds": list(COUNT_KINDS),
            "qualifiers": list(QUALIFIERS),
            "source_kinds": list(SOURCE_KINDS),
        },
    )
    conn.execute(named["repeated_ids"])
    faulty = conn.execute(named["faulty_rows"]).fetchall()
    parsed = Parsed(rows_read=rows_read, problems=_problems(data, layout, faulty))
    if faulty and not options.skip_invalid:
        return parsed  # nothing is staged: the import stops at the first check
    _match(conn, data, layout, parsed)
    for step in ("stage_sources", "stage_documents", "stage_figures"):
        conn.execute(named[step], {"first_line": layout.first_line})
    return parsed


def _match(conn: Connection, data: DataFile, layout: Layout, parsed: Parsed) -> None:
    """Find the figure each valid row is (match_figures); count the rows left out and list those to report."""
    named = queries("tally_csv")
    conn.execute(named["analyze_checked"])
    conn.execute(named["match_figures"], {"dataset": TALLY_CSV.id})
    counts = conn.execute(named["match_counts"]).fetchone()
    assert counts is not None
    parsed.skipped_rows = counts["left_as_they_are"] + counts["not_imported"]
    parsed.notes |= {"matched": counts["matched"], "left_as_they_are": counts["left_as_they_are"]}
    left = conn.execute(named["left_rows"], {"present": _present(layout)}).fetchall()
    lines = record_lines(data.path, [row["record"] for row in left], layout.header_records)
    parsed.problems += [Problem(lines[row["record"]], "id", row["id"], _left_reason(row), "skipped") for row in left]


def _present(layout: Layout) -> list[str]:
    """The compared fields (left_rows) the file has: a place by its id or p-code, the metric also by a hashtag."""
    present = [column for column in layout.columns if column in READ]
    present += [f"{place}_id" for place in ("location", "origin", "destination") if f"{place}_pcode" in present]
    return present + (["metric"] if layout.implied_metric else [])


def _left_reason(row: dict[str, Any]) -> str:
    """Why a row was not imported: the figure it is states otherwise, an earlier row is it, or its id is
    another figure's."""
    if row["repeats"] is not None:
        return f"names figure {row['repeats']}, which an earlier row of this file is: a figure is imported once"
    if row["taken_by"] is not None:
        return (
            f"already the external id of figure {row['taken_by']}, which another row of this file is: "
            "the two cannot be told apart; not imported"
        )
    origin = f"dataset {row['figure_dataset']}" if row["figure_dataset"] else "entered by hand"
    return (
        f"is figure {row['figure_id']} ({origin}), which states otherwise: {', '.join(row['differs'])}; left as it is"
    )


def import_tally_csv(conn: Connection, path: Path, options: Options) -> Result:
    """Import a Tally CSV or HXL export (or any HXL file whose hashtags map to Tally's)."""
    return import_figures(conn, TALLY_CSV, parse, path, options)
