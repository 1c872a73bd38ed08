"""UNHCR population statistics: refugees and IDPs per year, as end-of-year stocks.

Countries are read from the ISO columns (coo_iso, coa_iso), never from
UNHCR's own codes (its ARE is Egypt). UNK is an unknown country, XXA stateless.
An explicit 0 is a stock of 0; an empty field is a gap. The file is COPYed as
it is and read set-based (imports.sql, unhcr_*).

The refugees R package names each release by its data: YYYY.12.x is Global
Trends YYYY (every year to YYYY as of 31 December), YYYY.6.x is Mid-Year
Trends YYYY, whose latest year YYYY stands as of 30 June (the package's
NEWS.md). The copy Tally ships, 2025.12.1, is end-of-year throughout.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from psycopg import sql

from ..db import Connection, one, queries
from .core import DataFile, ImportFailed, Options, Problem, Result, record_lines
from .datasets import UNHCR_POPULATION
from .figures import Parsed, StagedSource, document_key, import_figures

# Every column of the file, as the staging table has them.
COLUMNS = (
    "year",
    "coo_name",
    "coo",
    "coo_iso",
    "coa_name",
    "coa",
    "coa_iso",
    "refugees",
    "asylum_seekers",
    "returned_refugees",
    "idps",
    "returned_idps",
    "stateless",
    "ooc",
    "oip",
    "hst",
)
REQUIRED = ("year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso", "refugees", "idps")
SOURCE: StagedSource = {
    "name": "UNHCR, the UN Refugee Agency",
    "kind": "un_agency",
    "description": "Office of the United Nations High Commissioner for Refugees.",
}
DOCUMENT_TITLE = "UNHCR Refugee Population Statistics Database"
# A Mid-Year Trends release of the R package: 2025.6.0, 2025.06.1.
MID_YEAR_VERSION = re.compile(r"^(\d{4})\.0?6\.")


def _header(data: DataFile) -> list[str]:
    """The file's columns, all of which must be known ones."""
    header = next(csv.reader(io.StringIO(data.text, newline="")), [])
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        raise ImportFailed(
            f"{data.name}: "
            + "; ".join(
                part
                for part in (
                    missing and f"missing column(s) {', '.join(missing)}",
                    unknown and f"unknown column(s) {', '.join(unknown)}",
                )
                if part
            )
        )
    return header


def _copy(conn: Connection, data: DataFile, header: list[str]) -> None:
    """COPY the whole file into unhcr_row."""
    statement = sql.SQL("COPY unhcr_row ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(
        sql.SQL(", ").join(map(sql.Identifier, header))
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(data.text)


def parse(conn: Connection, data: DataFile, options: Options, version: str) -> Parsed:
    """Stage a UNHCR population CSV file's figures, set-based."""
    released = options.released or (UNHCR_POPULATION.released if version == UNHCR_POPULATION.version else None)
    if released is None:
        raise ImportFailed(f"say when UNHCR published version {version}: --released YYYY-MM-DD")
    named = queries("imports")
    header = _header(data)
    conn.execute(named["create_unhcr_staging"])
    _copy(conn, data, header)
    rejected = conn.execute(named["unhcr_problems"]).fetchall()
    params = {"rejected": sorted({row["record"] for row in rejected})}
    conn.execute(named["unhcr_measures"], params)
    conn.execute(sql.SQL(named["unhcr_countries"]).format(country_codes=sql.SQL(named["country_codes"])))
    key = document_key(DOCUMENT_TITLE, "unhcr", None)
    mid_year = _mid_year(version)
    conn.execute(named["unhcr_figures"], {"stated_on": released, "document_key": key, "mid_year": mid_year})
    counts = one(conn.execute(named["unhcr_counts"], params))
    parsed = Parsed(rows_read=counts["rows_read"], skipped_rows=counts["skipped"], notes=_notes(counts, mid_year))
    parsed.sources["unhcr"] = SOURCE
    parsed.documents[key] = {
        "title": DOCUMENT_TITLE,
        "publisher_id": "unhcr",
        "url": UNHCR_POPULATION.url,
        "published_on": None,
    }
    parsed.problems = _problems(data, rejected, counts["unplaced"])
    return parsed


def _mid_year(version: str) -> int | None:
    """The year a Mid-Year Trends version ends with (its figures stand as of 30 June), else None."""
    found = MID_YEAR_VERSION.match(version)
    return int(found.group(1)) if found else None


def _notes(counts: dict[str, Any], mid_year: int | None) -> dict[str, Any]:
    """What the report says of zeros, gaps and a mid-year latest year."""
    notes = {
        "zero_stocks": counts["zero_stocks"],
        "gaps": counts["gaps"],
        "cross_border_idp_zeros": counts["cross_border_idp_zeros"],
    }
    if mid_year is not None:
        notes["mid_year"] = {"year": mid_year, "period_end": dt.date(mid_year, 6, 30).isoformat()}
    return notes


def _problems(data: DataFile, rejected: list[dict[str, Any]], unplaced: list[int]) -> list[Problem]:
    """Rejected fields, and the stocks with nowhere to go, on the lines they are on."""
    lines = record_lines(data.path, [r["record"] for r in rejected] + unplaced)
    problems = [Problem(lines[r["record"]], r["field"], r["value"] or "", r["reason"]) for r in rejected]
    problems += [
        Problem(
            lines[record],
            "coa_iso",
            "UNK",
            "country of asylum unknown: no place to count the stock in; not imported",
            "skipped",
        )
        for record in unplaced
    ]
    return problems


def import_unhcr(conn: Connection, path: Path, options: Options) -> Result:
    """Import a UNHCR population CSV file."""
    return import_figures(conn, UNHCR_POPULATION, parse, path, options)
