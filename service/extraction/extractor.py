"""One call from a text to its proposals: the candidate figures and the disputes between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .candidates import as_json, extract_candidates
from .disputes import Dispute, disputes
from .model import Candidate, Document
from .places import Gazetteer
from .sources import SourceBook
from .text import sentences


@dataclass(frozen=True)
class Extraction:
    """What the assistant proposes for a text."""

    candidates: list[Candidate]
    disputes: list[Dispute]


def extract(text: str, document: Document, gazetteer: Gazetteer, book: SourceBook) -> Extraction:
    """The candidate figures of text and the sentences that dispute them."""
    found = extract_candidates(text, document, gazetteer, book)
    return Extraction(found, disputes(text, sentences(text), found, book))


def candidates_json(extraction: Extraction) -> list[dict[str, Any]]:
    """Each candidate as JSON, with the disputes of it."""
    disputed: dict[int, list[dict[str, Any]]] = {}
    for dispute in extraction.disputes:
        disputed.setdefault(dispute.candidate, []).append(
            {
                "span": [dispute.start, dispute.end],
                "words": dispute.words,
                "cue": dispute.cue,
                "source": dispute.source.words if dispute.source else None,
                "source_id": dispute.source.source.id if dispute.source and dispute.source.source else None,
            }
        )
    return [as_json(candidate) | {"disputed_by": disputed.get(candidate.n, [])} for candidate in extraction.candidates]
