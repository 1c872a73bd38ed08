"""Importing locations: the gazetteers merged with the places Tally has, written in one transaction.

A place is found, in this order, by its key in the same gazetteer (a re-run),
its p-code, its ISO3 code (countries), or its name among the places of its kind
(the seed's neighbourhoods). Found places keep their id; a gazetteer's name
replaces theirs, and the old name stays as an alias.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import Connection, Rollback, one, queries
from .core import InvalidRows, Options, Problem, Result, RowError, count_problem_rows, read_file
from .datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from .figures import copy_rows, finish_import
from .gazetteers import ALEPPO_CITY, Entry, Gazetteers, read_neighbourhoods, read_ocha, read_opensyria
from .places import Gazetteer

FIELDS = (
    "pcode",
    "name",
    "name_ar",
    "aliases",
    "kind",
    "parent_id",
    "latitude",
    "longitude",
    "iso3",
    "gazetteer_id",
    "gazetteer_version",
    "gazetteer_key",
)
GAZETTEERS = (OCHA_PCODES, OPENSYRIA_SUBDISTRICTS, CSR_NEIGHBOURHOODS)


@dataclass
class Merger:
    """Decides the state of every place the gazetteers touch, against what Tally has."""

    existing: dict[str, dict[str, Any]]
    gazetteer: Gazetteer
    country_codes: dict[str, str]
    desired: dict[str, dict[str, Any]] = field(default_factory=dict)
    decided_by: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    matched: list[dict[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_key = {
            (r["gazetteer_id"], r["gazetteer_key"]): i for i, r in self.existing.items() if r["gazetteer_id"]
        }
        self.pcode_ids = {r["pcode"]: i for i, r in self.existing.items() if r["pcode"]}

    def find(self, entry: Entry) -> tuple[str | None, str | None]:
        """The id of the place Tally already has for entry, if any, and how it was found."""
        found, how = self.by_key.get((entry.gazetteer.id, entry.key)), "key"
        if found is None and entry.pcode and entry.kind != "country":
            found, how = self.pcode_ids.get(entry.pcode), "pcode"
        if found is None and entry.iso3:
            found, how = self.country_codes.get(entry.iso3), "iso3"
        if found is None and entry.kind == "neighbourhood" and entry.name is not None:
            match = self.gazetteer.match(entry.name, within=ALEPPO_CITY, kinds=("neighbourhood",))
            found, how = match.location_id, "name"
            if found:
                self.matched.append({"name": entry.name, "location": found, "method": match.method})
        if found in self.desired:
            raise RowError("name", entry.name or entry.key, f"matches {found}, which another entry already is")
        return found, (how if found else None)

    def parent_id(self, entry: Entry) -> str | None:
        """The id of entry's parent, which must exist or come earlier in this import."""
        if entry.parent is None:
            return None
        how, code = entry.parent
        parent = {
            "pcode": self.pcode_ids.get(code),
            "iso3": self.country_codes.get(code),
            "id": code if code in self.existing or code in self.desired else None,
        }[how]
        if parent is None:
            raise RowError(
                "parent",
                code,
                f"no location with this {'id' if how == 'id' else how} (load the seed or the parent gazetteer first)",
            )
        return parent

    def merge(self, entry: Entry) -> None:
        """Decide the state of entry's place (new, or the one found) and remember it."""
        found, _ = self.find(entry)
        parent = self.parent_id(entry)
        place_id = found or entry.new_id
        if found is None and (place_id in self.existing or place_id in self.desired):
            raise RowError("id", place_id, "already the id of another location")
        old = self.existing.get(place_id)
        state = _merged(entry, old, place_id, parent, self.gazetteer)
        self.desired[place_id], self.decided_by[place_id] = state, entry
        if state["pcode"]:
            self.pcode_ids[state["pcode"]] = place_id
        if state["iso3"]:
            self.country_codes[state["iso3"]] = place_id

    def add_aliases(self, pcode: str, aliases: list[str], entry: Entry) -> None:
        """Aliases another gazetteer gives a unit already decided (or already in Tally)."""
        place_id = self.pcode_ids.get(pcode)
        if place_id is None:
            return
        state = self.desired.get(place_id) or dict(self.existing[place_id])
        new = [a for a in aliases if a not in state["aliases"] and a not in (state["name"], state["name_ar"])]
        if new:
            self.desired[place_id] = state | {"aliases": state["aliases"] + new}
            self.decided_by.setdefault(place_id, entry)


def _merged(
    entry: Entry, old: dict[str, Any] | None, place_id: str, parent: str | None, gazetteer: Gazetteer
) -> dict[str, Any]:
    """The state of a place after entry: the gazetteer's facts over the old ones, nothing lost.

    A p-coded unit takes the gazetteer's name. A place without a p-code (a
    neighbourhood the seed has) was found by one of its names, so it keeps its
    own name and the gazetteer's spelling becomes an alias. So does a country
    named already (by the seed, a dataset or an editor): OCHA names no country,
    and ISO 3166's name only stands in for its code.
    """
    named_country = old is not None and entry.kind == "country" and old["name"] not in (None, entry.iso3)
    keep_name = old is not None and (entry.pcode is None or named_country)
    old = old or {
        "id": place_id,
        "name": None,
        "name_ar": None,
        "aliases": [],
        "pcode": None,
        "iso3": None,
        "parent_id": None,
        "latitude": None,
        "longitude": None,
        "gazetteer_id": None,
    }
    name = (old["name"] if keep_name else None) or entry.name or old["name"] or entry.iso3 or entry.key
    name_ar = (old["name_ar"] if keep_name else None) or entry.name_ar or old["name_ar"]
    aliases: list[str] = []
    for alias in [*old["aliases"], old["name"], entry.name, entry.name_ar, *entry.aliases]:
        if alias and alias not in aliases and alias not in (name, name_ar):
            aliases.append(alias)
    # A place the seed put somewhere more precise (Bustan al-Basha inside eastern
    # Aleppo) stays there when the gazetteer only knows the city.
    if (
        old["parent_id"]
        and parent
        and old["parent_id"] in gazetteer.places
        and parent in gazetteer.ancestors(old["parent_id"])
    ):
        parent = old["parent_id"]
    latitude, longitude = entry.point if entry.point else (old["latitude"], old["longitude"])
    owns = old["gazetteer_id"] in (None, entry.gazetteer.id)
    return {
        "id": place_id,
        "pcode": old["pcode"] or entry.pcode,
        "name": name,
        "name_ar": name_ar,
        "aliases": aliases,
        "kind": entry.kind,
        "parent_id": parent,
        "latitude": latitude,
        "longitude": longitude,
        "iso3": entry.iso3 or old["iso3"],
        "gazetteer_id": entry.gazetteer.id if owns else old["gazetteer_id"],
        "gazetteer_version": entry.version if owns else old["gazetteer_version"],
        "gazetteer_key": entry.key if owns else old["gazetteer_key"],
    }


def _read(paths: dict[str, Path]) -> tuple[Gazetteers, dict[str, tuple[str, str]]]:
    """Read the three files; (entries, gazetteer id -> (file name, sha256))."""
    found = Gazetteers()
    files: dict[str, tuple[str, str]] = {}
    readers = {
        OCHA_PCODES.id: lambda data: read_ocha(data, found),
        OPENSYRIA_SUBDISTRICTS.id: lambda data: read_opensyria(data, found, OPENSYRIA_SUBDISTRICTS.version),
        CSR_NEIGHBOURHOODS.id: lambda data: read_neighbourhoods(data, found, CSR_NEIGHBOURHOODS.version),
    }
    for dataset in GAZETTEERS:
        data = read_file(paths[dataset.id])
        files[dataset.id] = (data.name, data.sha256)
        readers[dataset.id](data)
    return found, files


def _merge(conn: Connection, found: Gazetteers) -> Merger:
    """Merge every entry, in hierarchy order, into the places Tally has."""
    named = queries("imports")
    existing = {row["id"]: row for row in conn.execute(named["existing_locations"]).fetchall()}
    codes = {row["code"]: row["id"] for row in conn.execute(named["country_codes"]).fetchall()}
    merger = Merger(existing, Gazetteer.load(conn), codes)
    for entry in found.entries:
        try:
            merger.merge(entry)
        except RowError as error:
            merger.problems.append(Problem(entry.line, *error.problem, "rejected", entry.file))
    opensyria = next((e for e in found.entries if e.gazetteer is OPENSYRIA_SUBDISTRICTS), None)
    if opensyria is not None:
        for pcode, aliases in found.extra_aliases.items():
            merger.add_aliases(pcode, aliases, opensyria)
    return merger


# (insert | update | unchanged, the place's state, the entry that decided it)
Decision = tuple[str, dict[str, Any], Entry]


def _actions(merger: Merger) -> list[Decision]:
    """(insert | update | unchanged, state, deciding entry) for every place decided."""
    decided: list[Decision] = []
    for place_id, state in merger.desired.items():
        old = merger.existing.get(place_id)
        if old is None:
            action = "insert"
        elif all(old[f] == state[f] for f in FIELDS):
            action = "unchanged"
        else:
            action = "update"
        decided.append((action, state, merger.decided_by[place_id]))
    return decided


def _results(
    found: Gazetteers, merger: Merger, decided: list[Decision], files: dict[str, tuple[str, str]]
) -> dict[str, Result]:
    """One result per gazetteer, counting what its entries did."""
    results = {}
    problems = found.problems + merger.problems
    for dataset in GAZETTEERS:
        file_name, sha256 = files[dataset.id]
        own = [p for p in problems if p.file == file_name]
        counts = Counter(action for action, _, entry in decided if entry.gazetteer is dataset)
        results[dataset.id] = Result(
            dataset,
            dataset.version,
            file_name,
            sha256,
            rows_read=found.rows_read[dataset.id],
            inserted=counts["insert"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            rejected=count_problem_rows(own, "rejected"),
            problems=own,
        )
    results[CSR_NEIGHBOURHOODS.id].notes = found.notes.get("neighbourhoods", {}) | {"matched_existing": merger.matched}
    return results


def _write(conn: Connection, decided: list[Decision], results: dict[str, Result], options: Options) -> None:
    """Insert and update the places decided, then record an import per gazetteer that changed something
    (not on a dry run: an import record rolled back would still use up an id)."""
    named = queries("imports")
    for result in results.values():
        conn.execute(named["upsert_dataset"], result.dataset.row())
    conn.execute(named["create_location_staging"])
    with conn.cursor() as cur:
        copy_rows(
            cur,
            "staged_location",
            ("line", "action", "id", *FIELDS),
            (
                (entry.line, action, state["id"], *(state[f] for f in FIELDS))
                for action, state, entry in decided
                if action != "unchanged"
            ),
        )
    conn.execute(named["insert_locations"])
    conn.execute(named["update_locations"])
    for result in results.values():
        if result.changed and not options.dry_run:
            _record(conn, named, result, options.actor)


def _record(conn: Connection, named: dict[str, str], result: Result, actor: str) -> None:
    """The import record of one gazetteer."""
    result.import_id = one(
        conn.execute(
            named["start_import"],
            {
                "dataset": result.dataset.id,
                "version": result.version,
                "file_name": result.file_name,
                "sha256": result.sha256,
                "imported_by": actor,
            },
        )
    )["id"]
    finish_import(conn, result)


def import_locations(conn: Connection, paths: dict[str, Path], options: Options) -> list[Result]:
    """Import the gazetteers (dataset id -> file) in one transaction; nothing is written on a dry run,
    when a row is invalid (unless skip_invalid) or when nothing would change."""
    started = time.monotonic()
    found, files = _read(paths)
    with conn.transaction():
        conn.execute(queries("imports")["lock_locations"])
        merger = _merge(conn, found)
        decided = _actions(merger)
        results = _results(found, merger, decided, files)
        rejected = sum(r.rejected for r in results.values())
        if rejected and not options.skip_invalid:
            raise InvalidRows(list(results.values()))
        committed = not options.dry_run and any(r.changed for r in results.values())
        if any(r.changed for r in results.values()):
            _write(conn, decided, results, options)  # on a dry run too: the database checks it all
        if not committed:
            raise Rollback()
    for result in results.values():
        result.committed = committed
        result.import_id = result.import_id if committed else None
        result.notes["seconds"] = round(time.monotonic() - started, 2)
    return list(results.values())
