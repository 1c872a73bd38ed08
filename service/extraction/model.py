"""What the extractor builds: candidates and their places, the document they come from, and what one pass over a
text keeps."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from .places import Alternative, Location, PlaceMention
from .sources import Attribution, Source
from .text import Sentence

FLOWS = frozenset({"displaced", "refugees"})


@dataclass
class Place:
    """A place of a candidate: the words it was read from and the location they name, if Tally holds it, with the
    locations in other countries they may name as well (PlaceMention.others)."""

    start: int
    end: int
    words: str
    location: Location | None
    reason: str
    others: tuple[Alternative, ...] = ()


@dataclass
class Candidate:
    """One proposed figure, tied to the characters it was read from."""

    n: int
    start: int
    end: int
    stated_words: str
    value: int
    low: int | None
    high: int | None
    qualifier: str
    metric: str
    population_group: str
    count_kind: str
    sentence: Sentence
    location: Place | None = None
    origin: Place | None = None
    destination: Place | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_words: str | None = None
    period_span: tuple[int, int] | None = None
    stated_on: date | None = None
    source: Attribution | None = None
    part_of: int | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def note(self, name: str, confidence: float, reason: str) -> None:
        """Record how sure the extractor is of a field, and why it chose it."""
        self.confidence[name] = confidence
        self.reasons[name] = reason


@dataclass(frozen=True)
class Document:
    """What the text was published as: its date resolves relative dates."""

    published_on: date | None
    title: str | None = None


@dataclass
class Context:
    """What one pass over a text keeps: the places it found, the speakers named so far, the candidates so far."""

    text: str
    document: Document
    places: list[PlaceMention]
    sentences: list[Sentence]
    found: list[Candidate] = field(default_factory=list)
    speakers: list[Attribution] = field(default_factory=list)
    # Head words of the sources named so far ('Observatory'), for the shortened names that follow.
    heads: dict[str, Source] = field(default_factory=dict)
    _starts: list[int] | None = None

    def places_in(self, start: int, end: int) -> list[PlaceMention]:
        """The places that start in [start, end), by bisection (places are in text order)."""
        starts = [place.start for place in self.places] if self._starts is None else self._starts
        self._starts = starts
        return self.places[bisect_left(starts, start) : bisect_left(starts, end)]

    def previous(self, sentence: Sentence) -> Candidate | None:
        """The candidate before, in this sentence or the two before it."""
        if self.found and sentence.index - self.found[-1].sentence.index <= 2:
            return self.found[-1]
        return None

    def root(self, candidate: Candidate) -> Candidate:
        """The figure a breakdown belongs to, at the top of the breakdown."""
        while candidate.part_of is not None:
            candidate = self.found[candidate.part_of - 1]
        return candidate

    def parent_of(self, candidate: Candidate) -> Candidate | None:
        """The figure a candidate breaks down, if any."""
        return self.found[candidate.part_of - 1] if candidate.part_of else None


def family_of(metric: str) -> str:
    """The family of events of a metric: civilians_killed and people_killed are 'killed'."""
    for family in ("killed", "injured"):
        if metric.endswith(family):
            return family
    return {"people_trapped": "trapped", "children_under_siege": "trapped"}.get(metric, metric)
