"""Tally's own CSV and HXL exports, imported back: `tally import csv FILE` and `tally import hxl FILE`.

The columns are those of service/formats.py, which defines the export, so an
export imports again as it was. An HXL file is read by its hashtag row
instead: any HXL-tagged CSV whose hashtags map to Tally's columns and
metrics imports, whatever its header names. Places must already be in Tally
(by id or p-code); sources and documents are created when missing. A figure
keeps the id it had where it was exported as its id in this dataset, so
importing the same file again changes nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from .. import formats
from ..db import Connection, queries
from ..schemas.figures import COUNT_KINDS, QUALIFIERS
from .core import DataFile, ImportFailed, Options, Problem, Result, RowError
from .datasets import TALLY_CSV
from .figures import Parsed, StagedFigure, document_key, import_figures

REQUIRED = ("id", "count_kind", "value", "period_start", "period_end", "stated_on", "source_id", "document_title")


def _normalise(tag: str) -> str:
    """A hashtag with its attributes sorted and lower-cased: HXL ignores their order."""
    hashtag, *attributes = tag.strip().lower().split("+")
    return "+".join([hashtag, *sorted(a.strip() for a in attributes if a.strip())])


def _tag_names(metric_tags: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """Normalised hashtag -> (column name, metric the tag implies, if any)."""
    names = {_normalise(c.hxl): (c.name, None) for c in formats.COLUMNS if not c.hxl.startswith("{")}
    for tag, metric in [("#affected", None), *metric_tags.items()]:
        for column, suffix in (("value", ""), ("low", "+min"), ("high", "+max")):
            names[_normalise(tag + suffix)] = (column, metric)
    return names


def _read(data: DataFile, metric_tags: dict[str, str]) -> tuple[list[tuple[int, dict]], str | None]:
    """(line, record by column name) for every row, and the metric the hashtags imply."""
    rows = list(csv.reader(io.StringIO(data.text, newline=""), strict=True))
    if not rows:
        raise ImportFailed(f"{data.name} is empty")
    header, body, first_line = rows[0], rows[1:], 2
    implied = None
    if body and any(cell.strip().startswith("#") for cell in body[0]):  # an HXL hashtag row
        tags = _tag_names(metric_tags)
        mapped = [tags.get(_normalise(tag)) if tag.strip() else None for tag in body[0]]
        header = [m[0] if m else f"_{i}" for i, m in enumerate(mapped)]
        implied = next((m[1] for m in mapped if m and m[1]), None)
        body, first_line = body[1:], 3
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFailed(f"{data.name}: missing column(s) {', '.join(missing)}")
    return [(first_line + n, dict(zip(header, row))) for n, row in enumerate(body)], implied


def _text(record: dict, name: str) -> str | None:
    value = (record.get(name) or "").strip()
    return value or None


def _int(record: dict, name: str, *, required: bool = False) -> int | None:
    raw = _text(record, name)
    if raw is None:
        if required:
            raise RowError(name, "", "is required")
        return None
    if not raw.isdigit():
        raise RowError(name, raw, "must be a whole number of 0 or more")
    return int(raw)


def _date(record: dict, name: str) -> dt.date:
    raw = _text(record, name) or ""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RowError(name, raw, "must be a date (YYYY-MM-DD)") from None


def _float(record: dict, name: str) -> float | None:
    raw = _text(record, name)
    try:
        return None if raw is None else float(raw)
    except ValueError:
        raise RowError(name, raw, "must be a number") from None


def _check(figure: StagedFigure) -> None:
    """The rules the database enforces, as row-level findings rather than a failed import."""
    if figure.count_kind not in COUNT_KINDS:
        raise RowError("count_kind", figure.count_kind, f"must be one of {', '.join(COUNT_KINDS)}")
    if figure.qualifier not in QUALIFIERS:
        raise RowError("qualifier", figure.qualifier, f"must be one of {', '.join(QUALIFIERS)}")
    if figure.low is not None and figure.low > figure.value:
        raise RowError("low", str(figure.low), "must not be greater than value")
    if figure.high is not None and figure.high < figure.value:
        raise RowError("high", str(figure.high), "must not be less than value")
    if figure.period_start > figure.period_end:
        raise RowError("period_end", str(figure.period_end), "must not be before period_start")
    if not figure.external_id:
        raise RowError("id", "", "is required: it keeps a re-import from adding the figure twice")


class Rows:
    """Turns rows of a Tally export into figures, checking them against what Tally knows."""

    def __init__(self, conn: Connection, parsed: Parsed, implied_metric: str | None):
        named = queries("imports")
        self.parsed, self.implied_metric = parsed, implied_metric
        self.metrics = {row["id"] for row in conn.execute(named["metric_ids"])}
        self.places = {key: row["id"] for row in conn.execute(named["location_keys"])
                       for key in (row["id"], row["pcode"]) if key}
        self.sources = {row["id"] for row in conn.execute(named["source_ids"])}

    def figure(self, line: int, record: dict) -> StagedFigure:
        """One row's figure, its source and its document staged alongside."""
        metric = _text(record, "metric") or self.implied_metric
        if metric not in self.metrics:
            raise RowError("metric", metric or "", "not a metric Tally counts (see /v1/metrics)")
        source = self._source(record)
        figure = StagedFigure(
            line=line, external_id=_text(record, "id") or "", metric_id=metric,
            count_kind=_text(record, "count_kind") or "", value=_int(record, "value", required=True),
            period_start=_date(record, "period_start"), period_end=_date(record, "period_end"),
            stated_on=_date(record, "stated_on"), source_id=source, document_key=self._document(record),
            qualifier=_text(record, "qualifier") or "exact", low=_int(record, "low"), high=_int(record, "high"),
            stated_words=_text(record, "stated_words"), population_group=_text(record, "population_group"),
            location_id=self._place(record, "location", required=True), origin_id=self._place(record, "origin"),
            destination_id=self._place(record, "destination"), quote=_text(record, "quote"),
            latitude=_float(record, "latitude"), longitude=_float(record, "longitude"))
        _check(figure)
        return figure

    def _place(self, record: dict, prefix: str, *, required: bool = False) -> str | None:
        """A place by its id, else its p-code; it must be in Tally already."""
        key = _text(record, f"{prefix}_id") or _text(record, f"{prefix}_pcode")
        if key is None:
            if required:
                raise RowError(f"{prefix}_id", "", "is required")
            return None
        if key not in self.places:
            raise RowError(f"{prefix}_id", key, "not a place Tally knows: import the gazetteers first")
        return self.places[key]

    def _source(self, record: dict) -> str:
        source = _text(record, "source_id") or ""
        if source not in self.sources:
            if not _text(record, "source_name"):
                raise RowError("source_name", "", f"source {source!r} is new to Tally and needs a name")
            self.parsed.sources.setdefault(source, {"name": _text(record, "source_name"),
                                                    "kind": _text(record, "source_kind") or "media",
                                                    "description": None})
        return source

    def _document(self, record: dict) -> str:
        title, publisher = _text(record, "document_title") or "", _text(record, "document_publisher_id")
        published = _date(record, "document_published_on") if _text(record, "document_published_on") else None
        if publisher and publisher not in self.sources and publisher not in self.parsed.sources:
            publisher = None  # a publisher named nowhere else cannot be created from one column
        key = document_key(title, publisher, published)
        self.parsed.documents.setdefault(key, {"title": title, "publisher_id": publisher,
                                               "url": _text(record, "document_url"), "published_on": published})
        return key


def parse(conn: Connection, data: DataFile, options: Options, version: str) -> Parsed:
    """Every row of a Tally CSV or HXL export, validated."""
    metric_tags = {row["hxl_hashtag"]: row["id"] for row in conn.execute(queries("imports")["metric_tags"])}
    records, implied = _read(data, metric_tags)
    parsed = Parsed()
    rows = Rows(conn, parsed, implied)
    for line, record in records:
        parsed.rows_read += 1
        try:
            parsed.figures.append(rows.figure(line, record))
        except RowError as error:
            parsed.problems.append(Problem(line, *error.problem))
    return parsed


def import_tally_csv(conn: Connection, path: Path, options: Options) -> Result:
    """Import a Tally CSV or HXL export (or any HXL file whose hashtags map to Tally's)."""
    return import_figures(conn, TALLY_CSV, parse, path, options)
