"""How stated words become value, low, high and qualifier: the README's hand-entry rules, declared once.

The seed, the figure-entry section of the README and the extraction assistant all read
hedges and vague words by these tables; nothing else in Tally restates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A hedge written before a number, and the qualifier it gives (longest phrases first when matched).
HEDGE_QUALIFIERS: dict[str, str] = {
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "a minimum of": "at_least",
    "more than": "more_than",
    "over": "more_than",
    "upwards of": "more_than",
    "in excess of": "more_than",
    "fewer than": "fewer_than",
    "less than": "fewer_than",
    "under": "fewer_than",
    "up to": "at_most",
    "as many as": "at_most",
    "at most": "at_most",
    "about": "approximately",
    "around": "approximately",
    "some": "approximately",
    "roughly": "approximately",
    "approximately": "approximately",
    "an estimated": "approximately",
    "estimated": "approximately",
    "close to": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
}
# Hedges whose number is an upper bound: "nearly 500,000" is approximately 500,000 with high = 500,000.
UPPER_BOUND_HEDGES = frozenset({"nearly", "almost", "close to"})
# A hedge written after the number, in the order some monitors write it ("15 at least").
TRAILING_HEDGES: dict[str, str] = {"at least": "at_least"}

# Vague quantity words: the unit they count in. "thousands" is at least 2 x 1,000, below 10 x 1,000.
VAGUE_UNITS: dict[str, int] = {
    "tens": 10,
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "millions": 1_000_000,
}


@dataclass(frozen=True)
class Reading:
    """A number read by the hand-entry rules."""

    value: int
    low: int | None
    high: int | None
    qualifier: str
    vague: bool = False


def vague_reading(word: str) -> Reading:
    """'thousands' is at least 2,000, with 2,000-9,999; 'tens' at least 20 (20-99): twice the unit, below ten times."""
    unit = VAGUE_UNITS[word.lower()]
    return Reading(value=2 * unit, low=2 * unit, high=10 * unit - 1, qualifier="at_least", vague=True)


def hedged_reading(value: int, hedge: str | None) -> Reading:
    """A number with the hedge written before it (or None): the qualifier and the bounds the hedge implies."""
    if hedge is None:
        return Reading(value=value, low=None, high=None, qualifier="exact")
    hedge = _normalise(hedge)
    qualifier = HEDGE_QUALIFIERS.get(hedge) or TRAILING_HEDGES[hedge]
    high = value if hedge in UPPER_BOUND_HEDGES else None
    return Reading(value=value, low=None, high=high, qualifier=qualifier)


def range_reading(low: int, high: int) -> Reading:
    """'between 1,500 and 5,000': approximately the midpoint, with both bounds."""
    return Reading(value=(low + high) // 2, low=low, high=high, qualifier="approximately")


def _normalise(hedge: str) -> str:
    return re.sub(r"\s+", " ", hedge.strip().lower())
