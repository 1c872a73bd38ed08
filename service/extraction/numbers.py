"""Numbers in a sentence, with the hedge before them, read by the hand-entry rules; dates, ages, durations and
distances left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .hedges import (
    HEDGE_QUALIFIERS,
    VAGUE_UNITS,
    Reading,
    hedged_reading,
    range_reading,
    vague_reading,
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_FRACTIONS = {"quarter": 0.25, "half": 0.5, "a quarter": 0.25, "a half": 0.5, "three-quarters": 0.75}

_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_CARDINAL_WORDS = rf"(?:{'|'.join(_TENS)})[-\u2011 ](?:{'|'.join(list(_UNITS)[1:10])})|(?:{_WORD})"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:[ \u00a0](?:hundred|thousand|million|billion))"
_NUMBER = rf"(?:(?:{_DIGITS}){_SCALE}?|(?:{_CARDINAL_WORDS})(?:[ \u00a0]hundred)?{_SCALE}?)"
# "quarter-million", "a quarter of a million", "half a million".
_FRACTION = (
    r"(?:a[ \u00a0])?(?:quarter|half|three-quarters)(?:[-\u2011 \u00a0](?:of[ \u00a0])?(?:a[ \u00a0])?)"
    r"(?:million|billion)"
)
_VAGUE = "|".join(sorted(VAGUE_UNITS, key=len, reverse=True))
_HEDGE = "|".join(sorted(HEDGE_QUALIFIERS, key=len, reverse=True)).replace(" ", r"\s+")

QUANTITY = re.compile(
    rf"(?<![\w.,\u2011-])(?:(?P<hedge>{_HEDGE})\s+)?"
    rf"(?:between\s+(?P<low>{_NUMBER})\s+and\s+(?P<high>{_NUMBER})"
    rf"|(?P<from>{_DIGITS})\s+(?:to|and)\s+(?P<to>{_DIGITS})(?=\s+(?:people|civilians|persons))"
    rf"|(?P<fraction>{_FRACTION})|(?P<vague>{_VAGUE})|(?P<number>{_NUMBER}))"
    rf"(?P<trailing>\s+at\s+least)?(?![\w\u2011]|,\d|\.\d)",
    re.IGNORECASE,
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# What follows a number that is no count of people: units of time, distance and money, ages, ordinals.
_NOT_PEOPLE_AFTER = re.compile(
    rf"^(?:[-\u2011\s]*(?:year|month|week|day|hour|minute|second|km|kilomet|mile|metre|meter|nautical|percent|per\s*cent"
    rf"|%|hrs|am\b|pm\b|o'clock|times?\b|decade|centur|dollar|euro|usd|\$|tons?|tonnes|kg|litre|st\b|nd\b|rd\b|th\b"
    rf"|{_MONTHS}\b)|\s*\(\d|[-\u2011][\dA-Za-z]|/\d|:\d)",
    re.IGNORECASE,
)
_DATE_BEFORE = re.compile(rf"(?:\b(?:{_MONTHS})\.?\s*|\b(?:aged|age|since|in|of|year|years|by)\s+|[$€£]\s*)$", re.I)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Quantity:
    """A number phrase in a text: its span (hedge included, noun left out), its words and its reading."""

    start: int
    end: int
    words: str
    reading: Reading
    hedge: str | None


# No count of people has more digits than this; a longer run of digits is an identifier, not a figure.
MAX_DIGITS = 12
# Nor is one larger than this (a figure's value must also fit the database).
MAX_VALUE = 10**12


def number_value(words: str) -> int | None:
    """The integer written in digits or English words ('1,700', 'four', 'quarter-million', '2.5 million')."""
    text = re.sub(r"[\s\u00a0\u2011-]+", " ", words.lower().replace(",", "")).strip()
    total, current = 0.0, 0.0
    for word in re.sub(r"\bof\b|\ba\b", " ", text).split():
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            if len(word) > MAX_DIGITS:
                return None
            current += float(word)
        elif word in _UNITS or word in _TENS:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word in _FRACTIONS:
            current += _FRACTIONS[word]
        elif word == "hundred":
            current *= 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            return None
    value = total + current
    return round(value) if value <= MAX_VALUE else None


def quantities(text: str, start: int, end: int) -> list[Quantity]:
    """Every count-like number phrase in text[start:end], dates, years, ages, durations and distances left out."""
    found = []
    for match in QUANTITY.finditer(text, start, end):
        quantity = _read(match)
        if quantity is not None and not _is_not_a_count(text, match):
            found.append(quantity)
    return found


def _read(match: re.Match[str]) -> Quantity | None:
    hedge = match["hedge"]
    if match["vague"]:
        if hedge:  # "some thousands": the vague word alone decides
            return _quantity(match, vague_reading(match["vague"]), None, match.start("vague"))
        return _quantity(match, vague_reading(match["vague"]), None)
    if match["low"] or match["from"]:
        low, high = number_value(match["low"] or match["from"]), number_value(match["high"] or match["to"])
        if low is None or high is None or low > high:
            return None
        return _quantity(match, range_reading(low, high), hedge)
    value = number_value(match["fraction"] or match["number"])
    if value is None:
        return None
    if match["trailing"] and not hedge:
        return _quantity(match, hedged_reading(value, "at least"), "at least")
    return _quantity(match, hedged_reading(value, hedge), hedge)


def _quantity(match: re.Match[str], reading: Reading, hedge: str | None, start: int | None = None) -> Quantity:
    begin = match.start() if start is None else start
    end = match.end("trailing") if match["trailing"] else match.end() - len(match["trailing"] or "")
    return Quantity(begin, end, match.string[begin:end], reading, hedge)


def _is_not_a_count(text: str, match: re.Match[str]) -> bool:
    """A year, a date, an age, a duration, a distance, an amount: not a count of people."""
    number = match["number"]
    after = text[match.end() : match.end() + 16]
    before = text[max(0, match.start() - 12) : match.start()]
    if _ISO_DATE.match(text, match.start()) or _NOT_PEOPLE_AFTER.match(after):
        return True
    if number and re.fullmatch(r"\d{4}", number) and 1800 <= int(number) <= 2100:
        return True  # a year ("in 2012"); counts of thousands are written with a comma
    if match["trailing"] is None and number and not match["hedge"] and _DATE_BEFORE.search(before):
        return bool(re.fullmatch(r"\d{1,2}", number)) or before.rstrip().lower().endswith(("aged", "age"))
    return number is not None and number.lower() == "one" and not match["hedge"]
