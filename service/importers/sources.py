"""Source names as datasets write them, reconciled through the alias table (migration 0017).

A dataset names who published a report in its own spelling: UCDP writes SOHR,
SOH, OHR and SHR for one monitor, and a dozen spellings of Liveuamap. Each
spelling is looked up by its key in `source_alias`:

- **key**: the spelling with accents dropped and letters lower-cased; a
  leading `http://`, `https://` and `www.` and a trailing `/` and `.com`
  dropped; apostrophes dropped and every other character that is not a letter
  or a digit read as a space; spaces collapsed. `Al-Masdar News`,
  `al Masdar  News` and `AL MASDAR NEWS` have one key, `al masdar news`;
  `http://syria.liveuamap.com/` has the key of `Syria Liveuamap`.
- A spelling whose key is an alias names that alias's source. So does one
  whose key is the key of a source's own id or name (a source needs no alias
  to be named by its name).
- Otherwise the spelling is **close** to a known one when their *loose* keys
  (the key without the words `news`, `the`, `agency` and `report`, and without
  spaces) are equal, or when both loose keys have 6 characters or more and
  difflib's ratio between them is 0.9 or more. `Kurdistan24` is close to
  `Kurdistan 24`, `Xinhua` to `Xinhua News Agency`, `Syria LiveuMap` to
  `Syria Live Map` (ratio 0.96); `AMN` is not close to `ANF` (short keys must
  be equal), nor `Daily Star` to `daily star/AFP` (0.86). A close spelling is
  attributed to the known one's source, and the import warns, naming the
  spelling it matched: an admin confirms it by adding the alias
  (POST /v1/sources/{id}/aliases). Of several close spellings the one with the
  highest ratio wins (an equal loose key counts as 1.0), then the lowest
  source id.
- A spelling close to none names a new source (the importer's slug of it):
  created, and reported.

A spelling found by a source's id or name, or that made a new source, becomes
an alias of that source when the import is written, so the next import knows
it; a close one does not: an admin confirms it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..db import Connection
from ..repositories import catalogue

# Words a publisher's name may carry or drop: "Reuters News", "The New Arab", "Xinhua News Agency".
LOOSE_WORDS = frozenset({"news", "the", "agency", "report"})
# Fuzzy matching needs this many characters: short keys (AMN, ANF, SHR) are close only when equal.
FUZZY_MIN_LENGTH = 6
FUZZY_MIN_RATIO = 0.9

_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")
_TRAILING = re.compile(r"(?:/|\.com)+$")
_APOSTROPHES = re.compile("['`\u00b4\u2019\u02bc]")  # ' ` acute, right single quotation mark, modifier letter
_SEPARATORS = re.compile(r"[\W_]+")


def source_key(name: str) -> str:
    """The normalised form a spelling is looked up by (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
    text = _TRAILING.sub("", _SCHEME.sub("", text))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_SEPARATORS.sub(" ", text).split())


def loose_key(key: str) -> str:
    """A key without the words publishers add or drop, and without spaces (never empty if the key is not)."""
    kept = "".join(word for word in key.split() if word not in LOOSE_WORDS)
    return kept or key.replace(" ", "")


def closeness(a: str, b: str) -> float:
    """How close two keys are: 1.0 when their loose keys are equal, else difflib's ratio between the loose
    keys when both have FUZZY_MIN_LENGTH characters or more, else 0."""
    loose_a, loose_b = loose_key(a), loose_key(b)
    if loose_a == loose_b:
        return 1.0
    if min(len(loose_a), len(loose_b)) < FUZZY_MIN_LENGTH:
        return 0.0
    return difflib.SequenceMatcher(None, loose_a, loose_b, autojunk=False).ratio()


def is_close(a: str, b: str) -> bool:
    """Whether two keys name the same source by the closeness rule (see the module docstring)."""
    return closeness(a, b) >= FUZZY_MIN_RATIO


@dataclass(frozen=True)
class Named:
    """What a spelling names: its source and how it was found.

    how: `alias` (its key is an alias), `source` (the key of a source's id or name), `close` (attributed by
    closeness to `matched`, a known spelling) or `new` (a new source, named by the dataset's slug of it).
    """

    source_id: str
    how: str
    matched: str | None = None


@dataclass
class SourceNames:
    """The known spellings (aliases, and each source's id and name) and what each new spelling was found to
    name, in the order the dataset gives them."""

    known: dict[str, tuple[str, str, str]]  # key -> (spelling, source id, how)
    source_ids: set[str]
    answers: dict[str, Named] = field(default_factory=dict)  # spelling -> what it names
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (spelling, source id) to add
    citations: Counter[str] = field(default_factory=Counter)  # spelling -> citations
    rows: dict[str, set[int]] = field(default_factory=dict)  # unknown spelling -> rows citing it

    @classmethod
    def load(cls, conn: Connection) -> SourceNames:
        """The alias table and the sources, read once."""
        known: dict[str, tuple[str, str, str]] = {}
        source_ids: set[str] = set()
        for row in catalogue.source_spellings(conn):
            source_ids.add(row["source_id"])
            key = source_key(row["spelling"])
            if key and key not in known:  # aliases come first: an alias outranks a source's own name
                known[key] = (row["spelling"], row["source_id"], row["how"])
        return cls(known, source_ids)

    def name(self, spelling: str, slug: str, line: int | None = None) -> Named:
        """The source a spelling names (slug: the id a new source would take); a new one becomes known."""
        self.citations[spelling] += 1
        if spelling not in self.answers:
            self.answers[spelling] = self._find(spelling, slug)
        named = self.answers[spelling]
        if named.how in ("close", "new") and line is not None:
            self.rows.setdefault(spelling, set()).add(line)
        return named

    def _find(self, spelling: str, slug: str) -> Named:
        key = source_key(spelling)
        if key in self.known:
            _, source_id, how = self.known[key]
            if how == "alias":
                return Named(source_id, "alias")
            self.aliases.setdefault(key, (spelling, source_id))
            return Named(source_id, "source")  # its id or name, or the key of a spelling that made it
        if slug in self.source_ids:
            self.aliases.setdefault(key, (spelling, slug))
            return Named(slug, "source")
        scored = (
            (closeness(key, known_key), spelling, source_id)
            for known_key, (spelling, source_id, _) in self.known.items()
        )
        close = sorted(
            (-score, source_id, spelling) for score, spelling, source_id in scored if score >= FUZZY_MIN_RATIO
        )
        if close:
            _, source_id, matched = close[0]
            return Named(source_id, "close", matched)
        self.known[key] = (spelling, slug, "new")
        self.source_ids.add(slug)
        self.aliases[key] = (spelling, slug)
        return Named(slug, "new")

    def reason(self, spelling: str) -> str | None:
        """Why an import warns about a spelling, or None when the spelling is known."""
        named = self.answers[spelling]
        if named.how == "close":
            return (
                f"unknown source spelling, attributed to source {named.source_id!r} as close to its spelling "
                f"{named.matched!r}; confirm it by adding the alias (POST /v1/sources/{named.source_id}/aliases)"
            )
        if named.how == "new":
            return (
                f"unknown source spelling, close to no known one: new source {named.source_id!r} "
                f"(if it is another source's, add the alias to that source and import again)"
            )
        return None

    def unknown(self) -> list[dict[str, Any]]:
        """The spellings an import did not know, with what they were taken for and how often they occur."""
        return [
            {
                "name": spelling,
                "source": named.source_id,
                "outcome": "attributed" if named.how == "close" else "new_source",
                "matched_alias": named.matched,
                "rows": len(self.rows.get(spelling, ())),
                "citations": self.citations[spelling],
            }
            for spelling, named in self.answers.items()
            if named.how in ("close", "new")
        ]
