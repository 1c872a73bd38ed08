"""Words of a sentence with their offsets, for the rules that look a few words before or after a number."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[\w'’\u2011-]+|[^\w\s]")


@dataclass(frozen=True)
class Word:
    """A word or a punctuation mark, with its span in the text."""

    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        """The word lower-cased, with a curly apostrophe read as a straight one."""
        return self.text.lower().replace("’", "'")


def words(text: str, start: int, end: int) -> list[Word]:
    """The words and punctuation marks of text[start:end]."""
    return [Word(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]
