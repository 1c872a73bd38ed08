"""CSV and HXL: figures flattened into columns, one definition for export (and import).

Each column names the JSON field it comes from, so a CSV row holds exactly
what the JSON figure holds, and the HXL hashtag it carries. Hashtags are
standard HXL where HXL has one (#affected, #loc, #date+start, #meta+source,
#meta+url, ...) and documented attributes where it has none (#meta+qualifier,
#meta+stated, ...). The value columns carry the metric's own hashtag
(#affected+killed+civilians) when an export holds one metric, else the
generic #affected with #indicator+code naming the metric on each row.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, where its value sits in the figure JSON, its HXL hashtag."""

    name: str
    path: tuple[str, ...]
    hxl: str


def _place(prefix: str, hxl_attribute: str) -> list[Column]:
    extra = f"+{hxl_attribute}" if hxl_attribute else ""
    return [
        Column(f"{prefix}_id", (prefix, "id"), f"#loc{extra}+id"),
        Column(f"{prefix}_pcode", (prefix, "pcode"), f"#loc{extra}+code"),
        Column(f"{prefix}_name", (prefix, "name"), f"#loc{extra}+name"),
        Column(f"{prefix}_name_ar", (prefix, "name_ar"), f"#loc{extra}+name+i_ar"),
        Column(f"{prefix}_kind", (prefix, "kind"), f"#loc{extra}+type"),
    ]


# Placeholder hashtags of the value columns; see value_hashtags().
VALUE, LOW, HIGH = "{value}", "{value}+min", "{value}+max"

COLUMNS: tuple[Column, ...] = (
    Column("id", ("id",), "#meta+id"),
    Column("metric", ("metric",), "#indicator+code"),
    Column("count_kind", ("count_kind",), "#meta+count_kind"),
    Column("value", ("value",), VALUE),
    Column("low", ("low",), LOW),
    Column("high", ("high",), HIGH),
    Column("qualifier", ("qualifier",), "#meta+qualifier"),
    Column("stated_words", ("stated_words",), "#meta+stated"),
    Column("population_group", ("population_group",), "#meta+population_group"),
    *_place("location", ""),
    *_place("origin", "origin"),
    *_place("destination", "destination"),
    Column("period_start", ("period_start",), "#date+start"),
    Column("period_end", ("period_end",), "#date+end"),
    Column("stated_on", ("stated_on",), "#date+reported"),
    Column("source_id", ("source", "id"), "#meta+source+code"),
    Column("source_name", ("source", "name"), "#meta+source"),
    Column("source_kind", ("source", "kind"), "#meta+source+type"),
    Column("document_id", ("document", "id"), "#meta+document+code"),
    Column("document_title", ("document", "title"), "#meta+document"),
    Column("document_publisher_id", ("document", "publisher", "id"), "#meta+publisher+code"),
    Column("document_publisher_name", ("document", "publisher", "name"), "#meta+publisher"),
    Column("document_url", ("document", "url"), "#meta+url"),
    Column("document_published_on", ("document", "published_on"), "#date+published"),
    Column("quote", ("quote",), "#description+quote"),
    Column("status", ("status",), "#status"),
    Column("status_note", ("status_note",), "#status+note"),
    Column("disputed_by", ("disputes",), "#meta+disputed_by"),
    Column("version", ("version",), "#meta+version"),
    Column("created_at", ("created_at",), "#date+created"),
    Column("updated_at", ("updated_at",), "#date+updated"),
    Column("dataset_id", ("dataset", "id"), "#meta+dataset+code"),
    Column("dataset_version", ("dataset", "version"), "#meta+dataset+version"),
    Column("dataset_import_id", ("dataset", "import_id"), "#meta+dataset+import"),
    Column("dataset_external_id", ("dataset", "external_id"), "#meta+dataset+id"),
    Column("latitude", ("latitude",), "#geo+lat"),
    Column("longitude", ("longitude",), "#geo+lon"),
)


def value_hashtags(metric_hashtag: str | None) -> dict[str, str]:
    """The hashtags of value, low and high: the metric's own, or generic for mixed metrics."""
    base = metric_hashtag or "#affected"
    return {VALUE: base, LOW: f"{base}+min", HIGH: f"{base}+max"}


def columns_for(fields: list[str] | None) -> list[Column]:
    """The columns of the JSON fields asked for (all of them when None), in the standard order."""
    if not fields:
        return list(COLUMNS)
    return [column for column in COLUMNS if column.path[0] in fields]


def _cell(figure: dict, path: tuple[str, ...]):
    value = figure
    for key in path:
        if value is None:
            return ""
        value = value.get(key)
    if path == ("disputes",):
        return ";".join(dispute["source"]["id"] for dispute in value or [])
    return "" if value is None else value


def csv_lines(bodies: Iterable[str], columns: list[Column], *, hxl_row: list[str] | None) -> Iterator[bytes]:
    """RFC 4180 CSV (UTF-8, CRLF) of figure JSON bodies, header first, then the HXL row if given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    if hxl_row:
        writer.writerow(hxl_row)
    for count, body in enumerate(bodies, start=1):
        figure = orjson.loads(body)
        writer.writerow([_cell(figure, column.path) for column in columns])
        if count % 500 == 0:  # send in chunks, never the whole export at once
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def hxl_row(columns: list[Column], metric_hashtag: str | None) -> list[str]:
    """The hashtag row for these columns."""
    values = value_hashtags(metric_hashtag)
    return [values.get(column.hxl, column.hxl) for column in columns]
