"""Disputes in the same text: a later sentence that contradicts a claim ("found no trace of ...", "denied")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Candidate
from .sources import Attribution, SourceBook, attribution
from .text import Sentence

_CONTRADICTION = re.compile(
    r"\b(?:found\s+no\s+(?:trace|evidence|sign|proof)|no\s+(?:trace|evidence|sign|proof)\s+of|denied|denies|refuted"
    r"|refutes|rejected\s+the\s+(?:claim|report|figure|toll)|disputed|disputes|contradict(?:s|ed)?|fabricated"
    r"|(?:is|was|were)\s+false|could\s+not\s+confirm)\b",
    re.IGNORECASE,
)
# How far back a contradiction reaches: the claim it answers is in the same passage.
REACH = 4
# Words too common to tie a contradiction to a claim.
_COMMON_WORDS = (
    "about after again against also among another around because before being between could during every first"
    " from have into later little local meanwhile more most other over said says since some still than that their"
    " there these they this those through under until were what when where which while with would report reported"
    " sunday monday tuesday wednesday thursday friday saturday"
)
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True)
class Dispute:
    """A sentence that contradicts a candidate: its span, its words, who says so and the cue."""

    candidate: int
    start: int
    end: int
    words: str
    cue: str
    source: Attribution | None


def disputes(text: str, sentences: list[Sentence], found: list[Candidate], book: SourceBook) -> list[Dispute]:
    """Each contradiction with the latest candidate before it, within REACH sentences, whose passage shares a word."""
    result = []
    for sentence in sentences:
        cue = _CONTRADICTION.search(sentence.text)
        if cue is None:
            continue
        claim = _claim(sentences, found, sentence)
        if claim is not None:
            speaker = attribution(text, sentence.start, sentence.end, book)
            result.append(Dispute(claim.n, sentence.start, sentence.end, sentence.text, cue.group(), speaker))
    return result


def _claim(sentences: list[Sentence], found: list[Candidate], sentence: Sentence) -> Candidate | None:
    words = _content(sentence.text)
    for candidate in reversed(found):
        distance = sentence.index - candidate.sentence.index
        if distance <= 0:
            continue
        if distance > REACH:
            return None
        passage = sentences[candidate.sentence.index : min(sentence.index, candidate.sentence.index + 2)]
        claimed = [s for s in passage if s is candidate.sentence or not _CONTRADICTION.search(s.text)]
        if words & set().union(*(_content(s.text) for s in claimed)):
            return candidate
    return None


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in _COMMON}
