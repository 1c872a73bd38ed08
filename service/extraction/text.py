"""A text cut into sentences with spaCy's rule-based sentencizer: lines first, so a title, heading or caption line
is a sentence of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy

# Sentences of a paragraph longer than this are cut by the sentencizer alone; a paragraph is rarely this long.
_LINE = re.compile(r"[^\n]+")


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
    """spaCy's English tokenizer and sentencizer: rules only, no statistical model, nothing downloaded."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[Sentence]:
    """The sentences of every non-blank line of text, in order, with offsets into text."""
    lines = [match for match in _LINE.finditer(text) if match.group().strip()]
    found: list[Sentence] = []
    for paragraph, (line, doc) in enumerate(zip(lines, pipeline().pipe(m.group() for m in lines), strict=True)):
        for sent in doc.sents:
            words = sent.text.strip()
            if not words:
                continue
            start = line.start() + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            heading = len(list(doc.sents)) == 1 and not re.search(r"[.!?\"”')\]]\s*$", words)
            found.append(Sentence(len(found), start, start + len(words), words, paragraph, heading))
    return found
