"""UCDP GED: one figure per event and measure (civilians killed; people killed as low/best/high).

The numbers are UCDP's own estimates, coded from the reports it cites, so UCDP
states every figure (source `ucdp`, document: the dataset). The reports
(source_office, e.g. SOHR; source_headline; source_date) are the figure's
citations, every one in UCDP's order. UCDP gives no date per event, so a
figure is stated on the date of the first report it cites.

An office is named as UCDP writes it (kept on the citation as name_as_written)
and reconciled through the alias table (service/importers/sources.py): SOH,
OHR and SHR are SOHR's spellings, so their reports are SOHR's. A spelling
that is no alias but close to one (same key once the words news, the, agency,
report and the spaces are dropped; or a difflib ratio of 0.9 or more between
such keys of 6 characters or more) is attributed to that alias's source; one
close to none becomes a new source (kind media unless SOURCE_KINDS knows it).
Both are warnings on the row, and the report's notes list them as
unknown_sources, with how many rows and citations name them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from ..db import Connection, queries
from .core import DataFile, Options, Problem, Record, Result, RowError, csv_records
from .datasets import UCDP_GED
from .figures import Parsed, StagedFigure, StagedSource, document_key, import_figures
from .places import Gazetteer, Match
from .sources import SourceNames

COLUMNS = (
    "id",
    "country",
    "adm_1",
    "adm_2",
    "where_prec",
    "where_coordinates",
    "latitude",
    "longitude",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_civilians",
    "low",
    "best",
    "high",
    "source_office",
    "source_date",
    "source_headline",
    "source_article",
    "number_of_sources",
    "source_original",
)
# Codes kept as given on each figure (dataset_attributes), beside the columns Tally maps.
KEPT = (
    "where_coordinates",
    "adm_1",
    "adm_2",
    "type_of_violence",
    "conflict_name",
    "dyad_name",
    "side_a",
    "side_b",
    "event_clarity",
    "number_of_sources",
    "source_original",
    "deaths_a",
    "deaths_b",
    "deaths_unknown",
)
INTEGER_KEPT = frozenset(
    {"type_of_violence", "event_clarity", "number_of_sources", "deaths_a", "deaths_b", "deaths_unknown"}
)
# UCDP where_prec 1: the exact place; 2: within 25 km of it. Coarser events stay at the unit named.
POINT_PRECISIONS = frozenset({1, 2})

SOURCE: StagedSource = {
    "name": "Uppsala Conflict Data Program (UCDP)",
    "kind": "dataset",
    "description": "Compiles the Georeferenced Event Dataset (GED) of organised violence, coding each event's "
    "deaths (low, best, high) from the reports it cites.",
}
DOCUMENT_TITLE = "UCDP Georeferenced Event Dataset (GED), Syria"

# Kinds of offices by the id a new source would take (source_id); UCDP's
# source_office names the outlet that published the report, so any other new
# source is recorded as media. The offices of the GED Syria file are all in
# the alias table (migration 0017), with their sources' kinds.
SOURCE_KINDS = {
    "sohr": "monitor",
    "airwars": "monitor",
    "air-wars": "monitor",
    "vdc": "monitor",
    "snhr": "monitor",
    "sn4hr": "monitor",
    "hrw": "ngo",
    "human-rights-watch": "ngo",
    "amnesty-international": "ngo",
    "amnesty": "ngo",
    "icg": "ngo",
    "heyva-sor-a-kurd-kurdish-red-crescent": "ngo",
    "msf": "ngo",
    "carnegie": "ngo",
    "ocha": "un_agency",
    "un-news-centre": "un_agency",
    "sdf-press-office": "armed_group",
    "sdf-media-center": "armed_group",
    "sdf-press-center": "armed_group",
}


@functools.cache
def source_id(office: str) -> str:
    """The id a new source takes from an office name as UCDP writes it (Enab Baladi -> enab-baladi)."""
    ascii_name = unicodedata.normalize("NFKD", office).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:63].rstrip("-")


def _int(record: Record, name: str, low: int = 0, high: int | None = None) -> int:
    raw = (record.get(name) or "").strip()
    if not re.fullmatch(r"\d+", raw) or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"between {low} and {high}" if high is not None else f"a whole number >= {low}"
        raise RowError(name, raw, f"must be {bounds}")
    return int(raw)


def _date(record: Record, name: str) -> dt.date:
    raw = (record.get(name) or "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RowError(name, raw, "must be a date as YYYY-MM-DD") from None


def _point(record: Record) -> tuple[float, float] | None:
    raw_lat, raw_lon = (record.get("latitude") or "").strip(), (record.get("longitude") or "").strip()
    if not raw_lat and not raw_lon:
        return None
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        raise RowError("latitude", f"{raw_lat},{raw_lon}", "coordinates must be decimal degrees") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RowError("latitude", f"{raw_lat},{raw_lon}", "coordinates out of range")
    return lat, lon


# Where one entry of source_article starts: "office,date, (spaces tolerated).
_ENTRY = re.compile(r'"\s*(?P<office>[^",;]*?)\s*,\s*(?P<date>\d{4}-\d{2}-\d{2})\s*,')


@dataclass(frozen=True)
class Citation:
    """One report UCDP cites for an event."""

    office: str
    published_on: dt.date
    headline: str


def citations(record: Record) -> list[Citation]:
    """The reports an event cites, in UCDP's order.

    source_office and source_date are ';'-joined lists; headlines may hold ';'
    themselves, so they are cut out of source_article, whose entries read
    "office,date,headline" (quoted, joined with ';').
    """
    offices = [o.strip() for o in record["source_office"].split(";")]
    dates = [d.strip() for d in record["source_date"].split(";")]
    if len(offices) != len(dates):
        raise RowError("source_office", record["source_office"], "source_office and source_date differ in length")
    if not all(source_id(office) for office in offices):
        raise RowError("source_office", record["source_office"], "an entry names no source")
    try:
        days = [dt.date.fromisoformat(d) for d in dates]
    except ValueError:
        raise RowError("source_date", record["source_date"], "must be ';'-joined dates as YYYY-MM-DD") from None
    headlines = _headlines(record, offices, dates)
    return [Citation(o, d, h) for o, d, h in zip(offices, days, headlines, strict=True)]


def _headlines(record: Record, offices: list[str], dates: list[str]) -> list[str]:
    """Each citation's headline, from source_article, else from source_headline."""
    article, wanted = record["source_article"], list(zip(offices, dates, strict=True))
    spans: list[re.Match[str]] = []
    for found in _ENTRY.finditer(article):
        if len(spans) < len(wanted) and (found["office"], found["date"]) == wanted[len(spans)]:
            spans.append(found)
    if len(spans) == len(offices):
        ends = [s.start() for s in spans[1:]] + [len(article)]
        return [
            article[s.end() : end].rstrip().rstrip(";").rstrip().removesuffix('"').strip()
            for s, end in zip(spans, ends, strict=True)
        ]
    parts = record["source_headline"].split(";")
    if len(parts) == len(offices):
        return [p.strip() for p in parts]
    return [record["source_headline"].strip()] + [""] * (len(offices) - 1)


class Placer:
    """Matches an event's names (country, adm_1, adm_2) to locations, remembering every answer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.answers: dict[tuple[str, str | None, str], Match] = {}
        self.rows: Counter[tuple[str, str | None, str]] = Counter()

    def _match(self, field: str, name: str, within: str | None, kinds: tuple[str, ...]) -> Match:
        key = (field, within, name)
        if key not in self.answers:
            self.answers[key] = self.gazetteer.match(name, within=within, kinds=kinds)
        self.rows[key] += 1
        return self.answers[key]

    def place(self, record: Record) -> tuple[str, str, list[tuple[str, str, str]]]:
        """(unit the names lead to, which name got there, unmatched names as problems) for one event."""
        country = self._match("country", record["country"].strip(), None, ("country",))
        if country.location_id is None:
            raise RowError("country", record["country"], "not a country Tally knows (import locations first)")
        scope, placement = country.location_id, "country"
        unmatched: list[tuple[str, str, str]] = []
        for field, kinds in (("adm_1", ("admin1",)), ("adm_2", ("admin2", "admin3"))):
            name = (record.get(field) or "").strip()
            if not name:
                continue
            found = self._match(field, name, scope, kinds)
            if found.location_id is None:
                unmatched.append((field, name, f"no single {'/'.join(kinds)} of that name in {scope}"))
                continue
            scope, placement = found.location_id, field
        return scope, placement, unmatched

    def report(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Names matched (with how) and names left unmatched, with the rows they cover."""
        matched: list[dict[str, Any]] = []
        unmatched: list[dict[str, Any]] = []
        for (field, within, name), found in sorted(self.answers.items(), key=lambda kv: (kv[0][0], kv[0][2])):
            entry = {"field": field, "name": name, "within": within, "rows": self.rows[(field, within, name)]}
            if found.location_id:
                matched.append(entry | {"location": found.location_id, "method": found.method})
            else:
                unmatched.append(entry | {"candidates": list(found.candidates)})
        return matched, unmatched


def _attributes(record: Record, date_prec: int, where_prec: int) -> dict[str, Any]:
    """UCDP's own codes for the event, kept with its figures."""
    kept: dict[str, Any] = {"event_id": int(record["id"]), "date_prec": date_prec, "where_prec": where_prec}
    for name in KEPT:
        raw = (record.get(name) or "").strip()
        if raw:
            kept[name] = int(raw) if name in INTEGER_KEPT and raw.isdigit() else raw
    return kept


class _Shared(TypedDict):
    """What the two figures of an event share."""

    line: int
    period_start: dt.date
    period_end: dt.date
    stated_on: dt.date
    source_id: str
    document_key: str
    latitude: float | None
    longitude: float | None
    dataset_attributes: dict[str, Any]
    citation_group: str
    scope_id: str
    place_by_point: bool
    placement: str


def _event(line: int, record: Record, placer: Placer, names: SourceNames, parsed: Parsed) -> list[StagedFigure]:
    """The two figures of one event, with its sources and documents added to parsed."""
    event_id = str(_int(record, "id", low=1))
    start, end = _date(record, "date_start"), _date(record, "date_end")
    if start > end:
        raise RowError("date_end", record["date_end"], f"is before date_start {start}")
    date_prec, where_prec = _int(record, "date_prec", 1, 5), _int(record, "where_prec", 1, 7)
    civilians = _int(record, "deaths_civilians")
    low: int | None
    high: int | None
    low, best, high = _int(record, "low"), _int(record, "best"), _int(record, "high")
    point = _point(record)
    cited = citations(record)
    scope, placement, unmatched = placer.place(record)
    for field, name, reason in unmatched:
        parsed.problems.append(
            Problem(line, field, name, f"{reason}; placed by the names that did match or by coordinates", "warning")
        )
    attributes = _attributes(record, date_prec, where_prec) | {"placement": placement}
    if not low <= best <= high:
        parsed.problems.append(
            Problem(
                line,
                "best",
                f"{low}/{best}/{high}",
                "best is outside low..high: bounds left off the figure, kept in dataset_attributes",
                "warning",
            )
        )
        attributes |= {"low": low, "high": high}
        low = high = None
    _add_provenance(line, event_id, cited, names, parsed)
    first = cited[0]
    common: _Shared = {
        "line": line,
        "period_start": start,
        "period_end": end,
        "stated_on": first.published_on,
        "source_id": "ucdp",
        "document_key": DATASET_DOCUMENT,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "dataset_attributes": attributes,
        "citation_group": event_id,
        "scope_id": scope,
        "place_by_point": point is not None and where_prec in POINT_PRECISIONS,
        "placement": placement,
    }
    exact = low is not None and low == best == high
    return [
        StagedFigure(
            external_id=f"{event_id}:civilians_killed",
            metric_id="civilians_killed",
            count_kind="event",
            value=civilians,
            population_group="civilians",
            **common,
        ),
        StagedFigure(
            external_id=f"{event_id}:people_killed",
            metric_id="people_killed",
            count_kind="event",
            value=best,
            low=low,
            high=high,
            qualifier="exact" if exact else "approximately",
            **common,
        ),
    ]


DATASET_DOCUMENT = document_key(DOCUMENT_TITLE, "ucdp", None)


def _add_provenance(line: int, event_id: str, cited: list[Citation], names: SourceNames, parsed: Parsed) -> None:
    """The reports one event cites: their sources (named through the alias table; a new one staged) and
    documents, and the event's citations; a spelling the alias table lacks is a warning on the row."""
    warned: set[str] = set()
    for position, report in enumerate(cited, start=1):
        named = names.name(report.office, source_id(report.office), line)
        publisher = named.source_id
        if named.how == "new":
            parsed.sources.setdefault(
                publisher,
                {
                    "name": report.office,
                    "kind": SOURCE_KINDS.get(publisher, "media"),
                    "description": "Cited as source office in the UCDP Georeferenced Event Dataset.",
                },
            )
        reason = names.reason(report.office)
        if reason and report.office not in warned:
            warned.add(report.office)
            parsed.problems.append(Problem(line, "source_office", report.office, reason, "warning"))
        key = document_key(report.headline or "(no headline given)", publisher, report.published_on)
        parsed.documents.setdefault(
            key,
            {
                "title": report.headline or "(no headline given)",
                "publisher_id": publisher,
                "published_on": report.published_on,
            },
        )
        parsed.citations.append((event_id, position, publisher, key, report.office))


def parse(conn: Connection, data: DataFile, options: Options, version: str) -> Parsed:
    """Every event of a UCDP GED CSV file, validated and placed by name."""
    parsed, seen = Parsed(), set()
    parsed.sources["ucdp"] = SOURCE
    parsed.documents[DATASET_DOCUMENT] = {
        "title": DOCUMENT_TITLE,
        "publisher_id": "ucdp",
        "url": UCDP_GED.url,
        "published_on": None,
    }
    placer, names = Placer(Gazetteer.load(conn)), SourceNames.load(conn)
    for line, record in csv_records(data, COLUMNS):
        parsed.rows_read += 1
        try:
            if None in record or None in record.values():
                raise RowError("id", record.get("id") or "", "wrong number of fields")
            if record["id"].strip() in seen:
                raise RowError("id", record["id"], "event id given twice in the file")
            figures = _event(line, record, placer, names, parsed)
        except RowError as error:
            parsed.problems.append(Problem(line, *error.problem))
            continue
        seen.add(record["id"].strip())
        parsed.figures.extend(figures)
    parsed.notes["matched_names"], parsed.notes["unmatched_names"] = placer.report()
    parsed.notes["unknown_sources"] = names.unknown()
    parsed.source_aliases = names.aliases
    return parsed


def place(conn: Connection, options: Options) -> None:
    """Refine placement by coordinates (set-based), then fall back to the unit the names matched."""
    named = queries("imports")
    conn.execute(named["place_by_point"], {"max_km": options.max_distance_km})
    conn.execute(named["place_in_scope"])


def import_ucdp(conn: Connection, path: Path, options: Options) -> Result:
    """Import a UCDP GED CSV file."""
    return import_figures(conn, UCDP_GED, parse, path, options, place=place)
