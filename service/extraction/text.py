"""A text cut into sentences with spaCy's rule-based sentencizer: lines first, so a title, heading or caption line
is a sentence of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

_LINE = re.compile(r"[^\n]+")
# spaCy's tokenizer takes time quadratic in the length of a run without spaces (it peels punctuation off both ends
# one character at a time): a run this long (a URL, a line of dashes) is read as letters of the same length.
_LONG_RUN = re.compile(r"\S{40,}")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span in the text, its paragraph (line) number and whether it is a heading (no final stop)."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    heading: bool


@cache
def pipeline() -> Any:
    """spaCy's English tokenizer and sentencizer: rules only, no statistical model, nothing downloaded.

    spaCy is imported here, at a worker's first extraction, not with the app: it costs every process that loads
    it about 65 MB and 0.6 s, and most workers and commands never extract anything."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[Sentence]:
    """The sentences of every non-blank line of text, in order, with offsets into text."""
    lines = [match for match in _LINE.finditer(text) if match.group().strip()]
    found: list[Sentence] = []
    plain = (_LONG_RUN.sub(lambda run: "x" * len(run.group()), m.group()) for m in lines)
    for paragraph, (line, doc) in enumerate(zip(lines, pipeline().pipe(plain), strict=True)):
        parts = list(doc.sents)
        for sent in parts:
            written = line.group()[sent.start_char : sent.end_char]
            words = written.strip()
            if not words:
                continue
            start = line.start() + sent.start_char + (len(written) - len(written.lstrip()))
            heading = len(parts) == 1 and not re.search(r"[.!?\"”')\]]\s*$", words)
            found.append(Sentence(len(found), start, start + len(words), words, paragraph, heading))
    return found
