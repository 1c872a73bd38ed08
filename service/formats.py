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

from . import figure
from .figure import HIGH, LOW, VALUE, Column

# The columns, in order, as service/figure.py declares them.
COLUMNS = figure.COLUMNS


def value_hashtags(metric_hashtag: str | None) -> dict[str, str]:
    """The hashtags of value, low and high: the metric's own, or generic for mixed metrics."""
    base = metric_hashtag or "#affected"
    return {VALUE: base, LOW: f"{base}+min", HIGH: f"{base}+max"}


def columns_for(fields: list[str] | None) -> list[Column]:
    """The columns of the JSON fields asked for (all of them when None), in the standard order."""
    if not fields:
        return list(COLUMNS)
    return [column for column in COLUMNS if column.path[0] in fields]


def hxl_row(columns: list[Column], metric_hashtag: str | None) -> list[str]:
    """The hashtag row for these columns."""
    values = value_hashtags(metric_hashtag)
    return [values.get(column.hxl, column.hxl) for column in columns]


def header_lines(columns: list[Column], *, hxl: bool, metric_hashtag: str | None) -> bytes:
    """The lines before the rows: the column names, then the hashtag row for HXL (RFC 4180, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    if hxl:
        writer.writerow(hxl_row(columns, metric_hashtag))
    return buffer.getvalue().encode("utf-8")


JSON = "application/json"
CSV = "text/csv"
# Every format a figure collection is served in: name -> media type. JSON pages are the database's JSON
# bodies as they are (pagination.page_response); CSV rows are written by PostgreSQL (repositories/exports.py).
FORMATS: dict[str, str] = {"json": JSON, "csv": CSV, "hxl": CSV}
