"""Matching place names to Tally's locations: p-code, then names and aliases, then looser spellings.

Coordinates are the last resort; that step is set-based SQL (imports.sql,
place_by_point) because it runs once per row, not once per distinct name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..db import Connection, queries
from .names import loose, normalise

# Tiers in the order they are trusted; within a tier a name must point at one place.
_KEYS: tuple[tuple[str, Callable[[str], str]], ...] = (("name", normalise), ("loose", loose))


@dataclass(frozen=True)
class Place:
    """A location as the matcher sees it."""

    id: str
    pcode: str | None
    name: str
    name_ar: str | None
    aliases: tuple[str, ...]
    kind: str
    parent_id: str | None

    def names(self) -> Iterable[str]:
        """Every name the place goes by."""
        yield self.name
        if self.name_ar:
            yield self.name_ar
        yield from self.aliases


@dataclass(frozen=True)
class Match:
    """Where a name led: a location id (None if nowhere) and how it was found."""

    location_id: str | None
    method: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    """The locations of the database, indexed for name matching."""

    places: dict[str, Place]
    children: dict[str | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_pcode: dict[str, str] = field(default_factory=dict)
    # (root, kind, tier) -> name key -> place ids
    _index: dict[tuple[str | None, str, str], dict[str, set[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for place in self.places.values():
            self.children[place.parent_id].append(place.id)
            if place.pcode:
                self.by_pcode[place.pcode] = place.id

    @classmethod
    def load(cls, conn: Connection) -> Gazetteer:
        """Every location, read once."""
        rows = conn.execute(queries("imports")["gazetteer_places"]).fetchall()
        return cls(
            {
                row["id"]: Place(
                    row["id"],
                    row["pcode"],
                    row["name"],
                    row["name_ar"],
                    tuple(row["aliases"]),
                    row["kind"],
                    row["parent_id"],
                )
                for row in rows
            }
        )

    def descendants(self, root: str | None, kind: str) -> list[str]:
        """Ids of the places of one kind inside root (everywhere when root is None)."""
        found, todo = [], list(self.children[root]) if root else [p for p in self.places]
        while todo:
            place_id = todo.pop()
            if self.places[place_id].kind == kind:
                found.append(place_id)
            if root:
                todo.extend(self.children[place_id])
        return found

    def ancestors(self, place_id: str) -> list[str]:
        """Ids of the places that contain place_id, nearest first."""
        chain, parent = [], self.places[place_id].parent_id
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.places[parent].parent_id
        return chain

    def _keys(self, root: str | None, kind: str, tier: str) -> dict[str, set[str]]:
        """name key -> place ids, for one kind inside root, built on first use."""
        index_key = (root, kind, tier)
        if index_key not in self._index:
            key_of = dict(_KEYS)[tier]
            index: dict[str, set[str]] = defaultdict(set)
            for place_id in self.descendants(root, kind):
                for name in self.places[place_id].names():
                    if key := key_of(name):
                        index[key].add(place_id)
            self._index[index_key] = index
        return self._index[index_key]

    def match(self, name: str, *, within: str | None, kinds: tuple[str, ...]) -> Match:
        """The one place of the first kind that has it called name, inside within.

        A p-code wins; then normalised names and aliases; then the looser key.
        Kinds are tried in order (a "district" is an admin2 before it is an admin3).
        Two places answering at the same step is no match: it is reported, never guessed.
        """
        pcode_id = self.by_pcode.get(name.strip())
        if pcode_id is not None and self.places[pcode_id].kind in kinds:
            return Match(pcode_id, "pcode")
        for kind in kinds:
            for tier, key_of in _KEYS:
                found = self._keys(within, kind, tier).get(key_of(name), set())
                if len(found) == 1:
                    return Match(next(iter(found)), tier)
                if found:
                    return Match(None, "ambiguous", tuple(sorted(found)))
        return Match(None)
