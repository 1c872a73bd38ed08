"""What every import shares: the file and its checksum, the row-level report, and the result."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class Dataset:
    """A dataset Tally imports, with the attribution its licence asks for."""

    id: str
    name: str
    kind: str  # figures or gazetteer
    publisher: str
    url: str | None
    licence: str
    citation: str
    description: str
    version: str  # of the copy Tally ships with; --version overrides it
    released: dt.date | None = None  # when that version was published, if known

    def row(self) -> dict[str, str | None]:
        """The dataset as a row of the dataset table."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "publisher": self.publisher,
            "url": self.url,
            "licence": self.licence,
            "citation": self.citation,
            "description": self.description,
        }


@dataclass(frozen=True)
class Problem:
    """One row-level finding: rejected (invalid), skipped (nothing to import) or a warning."""

    line: int
    field: str
    value: str
    reason: str
    outcome: str = "rejected"
    file: str = ""


REPORT_COLUMNS = ("file", "line", "field", "value", "reason", "outcome")
# A row of the report, in REPORT_COLUMNS order.
ReportRow = tuple[str, int, str, str, str, str]
# A CSV record: column -> text (None where the row is short of fields); fields
# beyond the header are listed under the key None.
Record = dict[str | None, Any]


class RowError(ValueError):
    """A field of a row cannot be used."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(f"{field} {value!r}: {reason}")
        self.problem = (field, value, reason)


class ImportFailed(Exception):
    """The file cannot be imported."""


class InvalidRows(ImportFailed):
    """Some rows are invalid, so nothing was imported; --skip-invalid imports the valid ones."""

    def __init__(self, results: list[Result]) -> None:
        where = ", ".join(f"{r.rejected} in {r.file_name}" for r in results if r.rejected)
        super().__init__(
            f"invalid rows ({where}); nothing was imported (fix them, or import the valid rows with --skip-invalid)"
        )
        self.results = results


@dataclass(frozen=True)
class DataFile:
    """An input file: its name, its checksum, and its text when a parser asks for it whole."""

    path: Path
    sha256: str

    @property
    def name(self) -> str:
        """The file name, as recorded with the import."""
        return self.path.name

    @cached_property
    def text(self) -> str:
        """The file as UTF-8 text (a byte-order mark dropped); read on first use."""
        data = self.path.read_bytes()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFailed(f"{self.name} is not UTF-8 text (byte {error.start})") from None


def read_file(path: Path) -> DataFile:
    """A file to import and the checksum of its bytes, read in chunks (large files are streamed, not held)."""
    try:
        with path.open("rb") as file:
            return DataFile(path, hashlib.file_digest(file, "sha256").hexdigest())
    except OSError as error:
        raise ImportFailed(f"cannot read {path}: {error.strerror}") from None


# Real files have long fields (UCDP's source lists, pasted reports); the csv
# module's default limit of 131,072 characters would refuse them.
csv.field_size_limit(1 << 30)


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, fields) for every record of a UTF-8 CSV file, blank lines left out."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader, start = csv.reader(file), 1
        for fields in reader:
            if fields:
                yield start, fields
            start = reader.line_num + 1


def record_lines(path: Path, records: Iterable[int], header_records: int = 1) -> dict[int, int]:
    """The line each of the given data records (1 for the first after the header) starts on.

    Read from the file again, and only as far as the last record asked for:
    quoted fields may span lines, so a record's line cannot be computed.
    """
    wanted = set(records)
    lines: dict[int, int] = {}
    for number, (line, _) in enumerate(_records(path), start=1 - header_records):
        if len(lines) == len(wanted):
            break
        if number in wanted:
            lines[number] = line
    return lines


def count_records(path: Path) -> int:
    """How many records a CSV reader finds in the file, its header included."""
    return sum(1 for _ in _records(path))


def _record(header: list[str], row: list[str]) -> Record:
    """A row as a dict; missing fields are None, extra ones are listed under None."""
    if len(row) == len(header):
        return dict(zip(header, row, strict=True))
    # Padded when short; when long, the extra fields are cut here and listed below.
    padded: list[str | None] = [*row, *[None] * (len(header) - len(row))]
    record: Record = dict(zip(header, padded, strict=False))
    return record | {None: row[len(header) :]} if len(row) > len(header) else record


def csv_records(data: DataFile, required: tuple[str, ...]) -> list[tuple[int, Record]]:
    """(line where the record starts, record) for every record; quoted newlines stay inside their field."""
    reader = csv.reader(io.StringIO(data.text, newline=""), strict=True)
    records: list[tuple[int, Record]] = []
    start = 1
    try:
        header = next(reader, [])
        missing = [name for name in required if name not in header]
        if missing:
            raise ImportFailed(f"{data.name}: missing column(s) {', '.join(missing)}")
        start = reader.line_num + 1
        for row in reader:
            records.append((start, _record(header, row)))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFailed(f"{data.name}, line {start}: {error}") from None
    return records


@dataclass(frozen=True)
class Options:
    """How to import: who imports, which version, and whether to write at all."""

    actor: str
    version: str | None = None
    released: dt.date | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    # How far a point may lie from the admin3 centroid it is placed in.
    max_distance_km: float = 25.0
    # Told what the import is doing as each step starts (the command line shows it on a terminal).
    progress: Callable[[str], None] | None = None


@dataclass
class Result:
    """What an import did, or would do on a dry run."""

    dataset: Dataset
    version: str
    file_name: str
    sha256: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Importer-specific facts for the import record (JSON): counts, matched names, ...
    notes: dict[str, Any] = field(default_factory=dict)
    import_id: int | None = None
    committed: bool = False

    def counts(self) -> dict[str, int]:
        """The counts kept with the import record."""
        return {
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
        }

    @property
    def changed(self) -> bool:
        """Whether the import writes anything."""
        return bool(self.inserted or self.updated)


def count_problem_rows(problems: list[Problem], outcome: str) -> int:
    """How many distinct rows have a problem with this outcome."""
    return len({(p.file, p.line) for p in problems if p.outcome == outcome})


def report_rows(results: list[Result]) -> list[ReportRow]:
    """The row-level report of one or more imports (REPORT_COLUMNS), by file, line and field."""
    rows = [
        (p.file or result.file_name, p.line, p.field, p.value, p.reason, p.outcome)
        for result in results
        for p in result.problems
    ]
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return rows


def report_dicts(result: Result, limit: int) -> list[dict[str, str | int]]:
    """The first rows of an import's row-level report, as dicts of REPORT_COLUMNS."""
    return [dict(zip(REPORT_COLUMNS, row, strict=True)) for row in report_rows([result])[:limit]]


def write_report_csv(out: TextIO, rows: Iterable[tuple[object, ...]]) -> None:
    """Report rows (REPORT_COLUMNS) as CSV, under their header: the --report file and the API's report."""
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(rows)


def write_report(path: Path, results: list[Result]) -> int:
    """The row-level report of one or more imports as a CSV file; returns its row count."""
    rows = report_rows(results)
    with path.open("w", newline="", encoding="utf-8") as out:
        write_report_csv(out, rows)
    return len(rows)
