"""The formats collections are served in (FORMATS); CSV and HXL: figures flattened into columns, one
definition for export (and import).

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
from dataclasses import dataclass

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
NDJSON = "application/x-ndjson"
GEOJSON = "application/geo+json"


@dataclass(frozen=True)
class Format:
    """One way a collection is served: its media type, and what it holds (for the docs)."""

    media_type: str
    about: str


# Every format a collection may be served in, by the name ?format= takes. The collections say which they serve
# (FIGURE_FORMATS, LOCATION_FORMATS); the parameter's choices, its docs, the media types of each list's 200
# response and the Accept negotiation (api/negotiation.py) all come from here. JSON pages are the database's
# bodies as they are (pagination.page_response); the other formats are written by PostgreSQL's COPY
# (repositories/exports.py) and streamed.
FORMATS: dict[str, Format] = {
    "json": Format(JSON, "a page of JSON, the default"),
    "csv": Format(CSV, "RFC 4180 CSV, one row per figure, provenance flattened into columns"),
    "hxl": Format(CSV, "the same CSV with the HXL hashtag row under the header"),
    "ndjson": Format(NDJSON, "newline-delimited JSON, each line one figure exactly as the JSON page has it"),
    "geojson": Format(GEOJSON, "an RFC 7946 FeatureCollection of those that have a point, each a Point feature"),
}
FIGURE_FORMATS = ("json", "csv", "hxl", "ndjson", "geojson")
LOCATION_FORMATS = ("json", "geojson")
# Why a GeoJSON FeatureCollection leaves out what the list holds (its left_out member says how many).
FIGURE_WITHOUT_POINT = "Neither the figure nor its location has a point (latitude and longitude)."
LOCATION_WITHOUT_POINT = "The location has no centroid (latitude and longitude)."


def media_types(names: tuple[str, ...]) -> list[str]:
    """The media types of these formats, in order, each once (csv and hxl are both text/csv)."""
    return list(dict.fromkeys(FORMATS[name].media_type for name in names))


def describe(names: tuple[str, ...]) -> str:
    """The formats of a collection, for the docs of its format parameter."""
    return "; ".join(f"`{name}` ({FORMATS[name].media_type}): {FORMATS[name].about}" for name in names) + "."
