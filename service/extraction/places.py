"""Places in a text: Tally's locations found by every name and alias (English and Arabic) with one Aho-Corasick
automaton, and place phrases that name no location ("the divided city", "government-controlled areas")."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ahocorasick

from ..countries import every_country_name

# Place names that are also everyday words: as a name alone they would match every "Eastern" or "Central".
COMMON_WORDS = frozenset(
    [
        "east",
        "eastern",
        "west",
        "western",
        "north",
        "northern",
        "south",
        "southern",
        "central",
        "centre",
        "center",
        "capital",
        "city",
        "coast",
        "upper",
        "lower",
        "middle",
        "interior",
        "island",
        "islands",
        "lake",
        "lakes",
        "river",
        "mountain",
        "mountains",
        "valley",
        "border",
        "plains",
        "highlands",
        "national",
        "federal",
        "district",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "urban",
        "rural",
        "mission",
        "hope",
        "union",
        "unity",
        "liberty",
        "independence",
        "victoria",
    ]
)
# Specificity: a village is more precise than the area around it, an area than its country.
KIND_RANK = {
    "neighbourhood": 0, "village": 0, "admin4": 1, "city": 2, "admin3": 3, "area": 3, "admin2": 4,
    "admin1": 5, "country": 6,
}  # fmt: skip
# Among locations sharing a name ("Aleppo": the city and the governorate), the one a text most likely means.
_SAME_NAME_PREFERENCE = ("city", "village", "neighbourhood", "country", "admin1", "admin2", "admin3", "area")
_MODIFIER = (
    r"(?:(?:north|south|east|west)(?:[-\u2011]?(?:east|west))?(?:ern)?|central|rural|greater|besieged|divided"
    r"|[\w\u2011-]+[-\u2011](?:held|controlled|run|besieged)|rebel|opposition|government|regime|[a-z]+ated)"
)
# Common nouns that name a place, and the kind of location they stand for when they refer back to one.
PLACE_HEADS: dict[str, str] = {
    **dict.fromkeys(["city", "town", "towns"], "city"),
    **dict.fromkeys(["village", "villages"], "village"),
    **dict.fromkeys(["district", "districts", "neighbourhood", "neighbourhoods", "neighborhood", "neighborhoods",
                     "quarter", "quarters", "parts", "part", "side", "suburbs", "outskirts"], "neighbourhood"),
    **dict.fromkeys(["province", "governorate"], "admin1"),
    **dict.fromkeys(["country"], "country"),
    **dict.fromkeys(["countryside", "areas", "area", "region", "enclave", "strip", "camp", "camps", "north",
                     "south", "east", "west", "north-west", "north\u2011west", "northwest", "north-east",
                     "northeast", "south-west", "southwest", "south-east", "southeast"], "area"),
}  # fmt: skip
_HEAD = "|".join(sorted((re.escape(head) for head in PLACE_HEADS), key=len, reverse=True))
PLACE_PHRASE = re.compile(
    rf"\b(?:the|that|this|a|its)\s+(?:(?:city|country|province|region)['\u2019]s\s+)?(?:{_MODIFIER}\s+)*(?P<head>{_HEAD})"
    rf"(?:\s+of\s+(?:the\s+)?(?P<of>city|country|province|(?-i:[A-Z][\w\u2011-]+(?:\s+[A-Z][\w\u2011-]+)*)))?"
    rf"(?:\s+(?:outside|near)\s+(?-i:[A-Z][\w\u2011-]+))?\b"
    rf"|\b(?:{_MODIFIER}\s+)+(?P<bare>areas|neighbourhoods|districts|territory|territories)\b",
    re.IGNORECASE,
)
# A name Tally may not hold, after a preposition of place: "in Ghouta", "near Kafr Nabl", "in eastern Ghouta".
_NOT_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday"
    "|Thursday|Friday|Saturday|Sunday|English|Arabic|French|Twitter|Facebook|Telegram|The|A|An|Geneva|New"
)
NAMED_PLACE = re.compile(
    rf"\b(?:in|into|near|outside|from|across)\s(?P<name>(?:(?:north|south|east|west)(?:ern)?\s+)?"
    rf"(?!(?:{_NOT_NAMES})\b)[A-Z][a-z'\u2019-]+(?:\s(?!(?:{_NOT_NAMES})\b)[A-Z][a-z'\u2019-]+){{0,2}})"
)
_MODIFIERS_BEFORE = re.compile(rf"(?:\b(?:the\s+)?(?:{_MODIFIER})[\s\u00a0]+)+$", re.IGNORECASE)
_COUNTRYSIDE_AFTER = re.compile(
    r"^(?:\s+(?:city|province|governorate|countryside|region))?(?:\s+and\s+(?:its|the)\s+(?:countryside|surroundings)"
    r"|\s+and\s+surrounding\s+areas)?"
)


@dataclass(frozen=True)
class Location:
    """A location Tally holds: id, canonical name and kind."""

    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Alternative:
    """Another location the same words name, in another country, and that country's name."""

    location: Location
    country: str | None


@dataclass(frozen=True)
class PlaceMention:
    """A place as written, with its span and the location it names (None: a phrase that names no known location).

    others: the locations in other countries that the words name too, when nothing in the text told them apart
    (no place of one of those countries named more often than of the others): the reviewer's choice, not ours.
    """

    start: int
    end: int
    words: str
    location: Location | None
    kind: str
    others: tuple[Alternative, ...] = ()


class Gazetteer:
    """Every location's names, aliases and Arabic name in one Aho-Corasick automaton (lower-cased)."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.locations: dict[str, Location] = {}
        self.names: dict[str, set[str]] = {}
        self._country: dict[str, str | None] = {}
        parents: dict[str, str | None] = {}
        named: dict[str, list[Location]] = {}
        for row in rows:
            location = Location(row["id"], row["name"], row["kind"])
            self.locations[location.id] = location
            parents[location.id] = row.get("parent_id")
            self.names[location.id] = _names(row)
            for name in self.names[location.id]:
                named.setdefault(name, []).append(location)
        self._country = {id_: _country_of(id_, parents, self.locations) for id_ in self.locations}
        self._children: dict[str, list[Location]] = {}
        for id_, parent in parents.items():
            if parent in self.locations:
                self._children.setdefault(parent, []).append(self.locations[id_])
        self._automaton = ahocorasick.Automaton()
        for name, found in named.items():
            found.sort(key=_kind_preference)
            self._automaton.add_word(name, (len(name), tuple(found)))
        if named:
            self._automaton.make_automaton()
        self._empty = not named

    def find(self, text: str) -> list[PlaceMention]:
        """Every known location named in text, longest names first where they overlap, with modifiers as written.
        A name several places share is the one in the country the text names most."""
        if self._empty:
            return []
        lower = text.lower()
        hits = []
        for end, (length, found) in self._automaton.iter(lower):
            start = end + 1 - length
            if _is_word_at(lower, start, end + 1) and _written_as_a_name(text, start, end + 1):
                hits.append((start, end + 1, _as_a_country(lower[start : end + 1], found)))
        hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
        kept: list[tuple[int, int, tuple[Location, ...]]] = []
        for hit in hits:
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        countries: dict[str, Fraction] = defaultdict(Fraction)
        for _start, _end, found in kept:
            if found:
                for country, vote in self._country_votes(found).items():
                    countries[country] += vote
        return [self._mention(text, start, end, found, countries) for start, end, found in kept]

    def _country_votes(self, found: tuple[Location, ...]) -> dict[str, Fraction]:
        """What a name says of the country a text is about: the country it names; else one vote shared between
        the countries its places lie in ("Rafah" half Egypt, half Palestine; beside "Gaza", half Mozambique, half
        Palestine, the text is about Palestine)."""
        if found[0].kind == "country":
            return {found[0].id: Fraction(1)}
        countries = {self._country[loc.id] or "" for loc in found}
        return dict.fromkeys(countries, Fraction(1, len(countries)))  # exact: thirds add up to one

    def part(self, location: Location, direction: str) -> Location | None:
        """The part of a place its name gives a direction ('east': Eastern Aleppo inside Aleppo), if Tally has it."""
        for child in self._children.get(location.id, []):
            if child.name.lower().startswith(direction):
                return child
        return None

    def _mention(
        self, text: str, start: int, end: int, found: tuple[Location, ...], countries: Mapping[str, Fraction]
    ) -> PlaceMention:
        """The place a name names: of the places sharing it, the one in the country the text points to most, then
        the likeliest kind; with the places in other countries it may name as well, when the text does not tell.
        No location when the name is a country's that Tally does not hold."""
        if not found:
            return PlaceMention(start, end, text[start:end], None, "country")
        votes = {loc.id: countries.get(self._country[loc.id] or "", Fraction(0)) for loc in found}
        location = min(found, key=lambda loc: (-votes[loc.id], _kind_preference(loc)))
        country = self._country[location.id]
        others = tuple(
            Alternative(loc, self._country_name(loc))
            for loc in found
            if self._country[loc.id] != country and votes[loc.id] >= votes[location.id]
        )
        modifiers = _MODIFIERS_BEFORE.search(text, max(0, start - 60), start)
        begin = modifiers.start() if modifiers else start
        tail = _COUNTRYSIDE_AFTER.match(text[end : end + 40])
        finish = end + (tail.end() if tail else 0)
        return PlaceMention(begin, finish, text[begin:finish], location, location.kind, others)

    def _country_name(self, location: Location) -> str | None:
        country = self._country[location.id]
        return self.locations[country].name if country else None


def _as_a_country(name: str, found: tuple[Location, ...]) -> tuple[Location, ...]:
    """The places a name may mean: only countries when it is a country's name ("Jordan" is the country, not a
    district of Colombia), so none when Tally does not hold that country."""
    if name in every_country_name():
        return tuple(loc for loc in found if loc.kind == "country")
    return found


def _kind_preference(location: Location) -> int:
    kind = location.kind
    return _SAME_NAME_PREFERENCE.index(kind) if kind in _SAME_NAME_PREFERENCE else len(_SAME_NAME_PREFERENCE)


def _country_of(location_id: str, parents: Mapping[str, str | None], locations: Mapping[str, Location]) -> str | None:
    """The country a location lies in, up its administrative parents."""
    seen = set()
    current: str | None = location_id
    while current is not None and current not in seen:
        if locations[current].kind == "country":
            return current
        seen.add(current)
        parent = parents.get(current)
        current = parent if parent in locations else None
    return None


def _written_as_a_name(text: str, start: int, end: int) -> bool:
    """A Latin name is written with a capital ('eastern Aleppo', not 'eastern' or 'are'); Arabic has no case."""
    written = text[start:end]
    return not written.isascii() or any(c.isupper() for c in written)


def _names(row: Mapping[str, Any]) -> set[str]:
    """A location's names, lower-cased, with a parenthesis dropped: 'Eastern Aleppo (opposition-held, 2016)'."""
    written = [row["name"], row.get("name_ar"), *(row.get("aliases") or [])]
    names = set()
    for name in filter(None, written):
        plain = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip().lower()
        if len(plain) >= 3 and not name.isupper() and plain not in COMMON_WORDS:
            names.add(plain)
    return names


def _is_word_at(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum() or (after == "'" and text[end : end + 2] != "'s"))


def place_phrases(text: str, start: int, end: int) -> list[PlaceMention]:
    """Phrases that name a place by a common noun ('the divided city', 'the city's rebel-held eastern districts'),
    and capitalised names after a preposition of place that the gazetteer may not hold ('in eastern Ghouta')."""
    named = NAMED_PLACE.finditer(text, start, end)
    found = [PlaceMention(m.start("name"), m.end(), m["name"], None, "area") for m in named]
    for match in PLACE_PHRASE.finditer(text, start, end):
        head = (match["head"] or match["bare"]).lower()
        kind = (
            "area"
            if match["of"] and match["of"].lower() not in ("city", "country", "province")
            else PLACE_HEADS.get(head, "area")
        )
        found.append(PlaceMention(match.start(), match.end(), match.group(), None, kind))
    return sorted(found, key=lambda place: place.start)
