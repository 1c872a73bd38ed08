"""Words of a sentence with their offsets, for the rules that look a few words before or after a number."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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


class Words(list[Word]):
    """A sentence's words in order, found around a position by bisection: rules look a few words either side of
    each number, and a sentence of thousands of numbers must not cost a scan per number."""

    def __init__(self, items: list[Word]) -> None:
        super().__init__(items)
        self._starts = [word.start for word in items]
        self._ends = [word.end for word in items]

    def after(self, position: int, limit: int, stop: int | None = None) -> list[Word]:
        """Up to limit words starting at or after position (and before stop)."""
        first = bisect_left(self._starts, position)
        last = len(self) if stop is None else bisect_left(self._starts, stop)
        return self[first : min(last, first + limit)]

    def before(self, position: int, limit: int, floor: int = 0) -> list[Word]:
        """Up to limit words ending at or before position (and starting at or after floor), nearest last."""
        last = bisect_right(self._ends, position)
        first = max(bisect_left(self._starts, floor), last - limit)
        return self[first:last] if first < last else []


def words(text: str, start: int, end: int) -> Words:
    """The words and punctuation marks of text[start:end]."""
    return Words([Word(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)])
