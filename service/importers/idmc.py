"""IDMC GIDD (conflict and violence): new displacements during a year and IDPs at its end, per country.

IDMC gives each value exact and rounded. Tally keeps one figure per measure:
the exact value when there is one (qualifier exact), else the rounded one
(approximately); the rounded value is kept in dataset_attributes. Empty
fields are gaps, never zeros.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..db import Connection
from .core import DataFile, ImportFailed, Options, Problem, Record, Result, RowError, csv_records
from .datasets import IDMC_GIDD
from .figures import Countries, Parsed, StagedFigure, StagedSource, document_key, import_figures

COLUMNS = (
    "iso3",
    "country_name",
    "year",
    "new_displacement",
    "new_displacement_rounded",
    "total_displacement",
    "total_displacement_rounded",
)
# measure -> (metric, count kind): new displacements are a flow over the year,
# total displacement a stock at its end.
MEASURES = {"new_displacement": ("displaced", "period_total"), "total_displacement": ("idps", "stock")}
SOURCE: StagedSource = {
    "name": "Internal Displacement Monitoring Centre (IDMC)",
    "kind": "ngo",
    "description": "Monitor of internal displacement worldwide, part of the Norwegian Refugee Council.",
}
DOCUMENT_TITLE = "Global Internal Displacement Database (GIDD): conflict and violence"
ISO3 = re.compile(r"^[A-Z]{3}$")


def _count(record: Record, name: str) -> int | None:
    """A count, or None for an empty field (a gap, not a zero)."""
    raw = (record.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise RowError(name, raw, "must be a whole number or empty")
    return int(raw)


def _key(record: Record) -> tuple[str, int]:
    iso3, year = (record.get("iso3") or "").strip(), (record.get("year") or "").strip()
    if not ISO3.match(iso3):
        raise RowError(
            "iso3",
            iso3,
            "not an ISO 3166 alpha-3 country code (IDMC's own code for an area "
            "that has none): no country to place the figure in",
        )
    if not year.isdigit() or not 1900 <= int(year) <= 2100:
        raise RowError("year", year, "must be a year between 1900 and 2100")
    return iso3, int(year)


class Rows:
    """Turns IDMC rows into figures, with the file's shared provenance."""

    def __init__(self, conn: Connection, parsed: Parsed, released: dt.date) -> None:
        self.countries, self.parsed, self.released = Countries(conn), parsed, released
        self.document = document_key(DOCUMENT_TITLE, "idmc", None)
        parsed.sources["idmc"] = SOURCE
        parsed.documents[self.document] = {
            "title": DOCUMENT_TITLE,
            "publisher_id": "idmc",
            "url": IDMC_GIDD.url,
            "published_on": None,
        }
        self.seen: set[tuple[str, int]] = set()

    def figures(self, line: int, record: Record) -> list[StagedFigure]:
        """The figures of one country-year: one per measure that has a value."""
        iso3, year = _key(record)
        values = {m: (_count(record, m), _count(record, f"{m}_rounded")) for m in MEASURES}
        if (iso3, year) in self.seen:
            raise RowError("year", str(year), f"{iso3} given twice for this year")
        self.seen.add((iso3, year))
        gaps = [m for m, (exact, rounded) in values.items() if exact is None and rounded is None]
        self.parsed.notes["gaps"] = self.parsed.notes.get("gaps", 0) + len(gaps)
        return [
            self._figure(line, record, iso3, year, measure, exact, rounded)
            for measure, (exact, rounded) in values.items()
            if measure not in gaps
        ]

    def _figure(
        self, line: int, record: Record, iso3: str, year: int, measure: str, exact: int | None, rounded: int | None
    ) -> StagedFigure:
        metric, count_kind = MEASURES[measure]
        value = exact if exact is not None else rounded
        assert value is not None  # figures() leaves out the measures with neither
        return StagedFigure(
            line=line,
            external_id=f"{iso3}:{year}:{measure}",
            metric_id=metric,
            count_kind=count_kind,
            value=value,
            qualifier="exact" if exact is not None else "approximately",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            stated_on=self.released,
            source_id="idmc",
            document_key=self.document,
            location_id=self.countries.location(self.parsed, iso3, record["country_name"]),
            dataset_attributes={"rounded": rounded} if rounded is not None else {},
        )


def parse(conn: Connection, data: DataFile, options: Options, version: str) -> Parsed:
    """Every row of an IDMC GIDD conflict displacement CSV file, validated."""
    released = options.released or (IDMC_GIDD.released if version == IDMC_GIDD.version else None)
    if released is None:
        raise ImportFailed(f"say when IDMC published version {version}: --released YYYY-MM-DD")
    parsed = Parsed()
    rows = Rows(conn, parsed, released)
    for line, record in csv_records(data, COLUMNS):
        parsed.rows_read += 1
        try:
            if None in record or None in record.values():
                raise RowError("iso3", record.get("iso3") or "", "wrong number of fields")
            figures = rows.figures(line, record)
        except RowError as error:
            parsed.problems.append(Problem(line, *error.problem))
            continue
        if not figures:
            parsed.skipped_rows += 1
            parsed.problems.append(
                Problem(
                    line,
                    "new_displacement",
                    "",
                    "no value for any measure (empty fields are gaps): nothing to import",
                    "skipped",
                )
            )
        parsed.figures.extend(figures)
    return parsed


def import_idmc(conn: Connection, path: Path, options: Options) -> Result:
    """Import an IDMC GIDD conflict displacement CSV file."""
    return import_figures(conn, IDMC_GIDD, parse, path, options)
