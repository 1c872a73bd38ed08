"""Time expressions in a sentence, resolved against the published date: "on Sunday", "over the past 13 days",
"since late August", "as of 20 August", "between 1 May and 18 August", "in 2012"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_DAY_MONTH = rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{_MONTHS})\.?(?:\s+\d{{4}})?"
_MONTH_DAY = rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
_A_DAY = rf"(?:{_DAY_MONTH}|{_MONTH_DAY})"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "a": 1, "an": 1,
}  # fmt: skip
_COUNT = rf"(?:\d+|{'|'.join(_NUMBER_WORDS)})"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("between", rf"\bbetween\s+(?P<a>{_A_DAY})\s+and\s+(?P<b>{_A_DAY})(?:\s+(?:of\s+)?this\s+year)?"),
        ("since_day", rf"\bsince\s+(?P<a>{_A_DAY})"),
        ("since_month", rf"\bsince\s+(?:the\s+)?(?P<part>early|mid|late|end\s+of|beginning\s+of|start\s+of)?[\s-]*"
                        rf"(?P<month>{_MONTHS})\b(?:\s+(?P<year>\d{{4}}))?"),
        ("as_of", rf"\bas\s+of\s+(?P<a>{_A_DAY})"),
        ("so_far", r"\b(?:since\s+the\s+(?:start|beginning)\s+of|(?:so\s+far\s+|earlier\s+)?this)\s+"
                   r"(?:the\s+)?(?P<unit>week|month|year)\b(?:\s+so\s+far)?"),
        ("past_unit", r"\b(?:(?:over|in|during|within|for)\s+)?the\s+(?:past|last|previous)\s+"
                      r"(?P<unit>week|month|year)\b"),
        ("last_unit", r"\blast\s+(?P<unit>week|month|year)\b"),
        ("window", rf"\b(?:over|in|during|within|for)\s+(?:the\s+)?(?:past|last|previous)?\s*"
                   rf"(?:about\s+|nearly\s+|almost\s+|around\s+)?(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?|months?|years?)\b"),
        ("ago", rf"\b(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?|months?)\s+ago\b"),
        ("day", rf"\b(?:on\s+)?{_A_DAY}"),
        ("weekday", rf"\b(?:on\s+|last\s+|this\s+|later\s+|early\s+|late\s+)?(?P<weekday>{'|'.join(_WEEKDAYS)})"
                    r"(?:\s+(?:morning|afternoon|evening|night))?\b"),
        ("relative_day", r"\b(?:today(?:\s+morning)?|this\s+(?:morning|afternoon|evening)|tonight|yesterday|now)\b"),
        ("month", rf"\b(?P<since>since\b[^.;]{{0,60}}?)?\bin\s+(?:(?P<part>early|mid|late)\s+)?(?P<month>{_MONTHS})\b"
                  rf"(?:\s+(?P<year>\d{{4}}))?"),
        ("years", r"\b(?:in\s+)?(?P<y1>(?:19|20)\d\d)[-\u2011\u2013/](?P<y2>\d{1,4})\b"),
        ("year", r"\bin\s+(?P<year>(?:19|20)\d\d)\b"),
    )
)  # fmt: skip
_PART_DAY = {"early": 1, "beginning of": 1, "start of": 1, "mid": 11, "late": 21, "end of": 21}


@dataclass(frozen=True)
class TimeMention:
    """A time expression as written, with the period it gives (start None: only the end is known)."""

    start: int
    end: int
    words: str
    period_start: date | None
    period_end: date | None


def time_mentions(text: str, start: int, end: int, published: date | None) -> list[TimeMention]:
    """Every time expression in text[start:end] that resolves against the published date, in text order."""
    if published is None:
        return []
    found: list[TimeMention] = []
    taken = bytearray(end - start)  # the characters an earlier, more specific pattern has read
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(taken[match.start() - start : match.end() - start]):
                continue
            period = _RESOLVERS[name](match, published)
            if period is not None:
                found.append(TimeMention(match.start(), match.end(), match.group(), *period))
                taken[match.start() - start : match.end() - start] = b"\x01" * (match.end() - match.start())
    return sorted(found, key=lambda mention: mention.start)


Period = tuple[date | None, date | None]


def _day(words: str, published: date) -> date | None:
    """A day written with its month ('4th of February 2018', '20 August'): in the published year, or the year
    before when that would be after the published date."""
    cleaned = re.sub(r"\b(?:the|of|on)\b|(?<=\d)(?:st|nd|rd|th)\b", " ", words, flags=re.IGNORECASE)
    try:
        day = dateparser.parse(cleaned, default=datetime(published.year, published.month, 1)).date()
    except (ValueError, OverflowError):
        return None
    if not re.search(r"\d{4}", words) and day > published:
        day = day.replace(year=day.year - 1)
    return day


def _between(match: re.Match[str], published: date) -> Period | None:
    return _day(match["a"], published), _day(match["b"], published)


def _since_day(match: re.Match[str], published: date) -> Period | None:
    return _day(match["a"], published), published


def _month_start(match: re.Match[str], published: date) -> date:
    month = _month_number(match["month"])
    year = int(match["year"]) if match["year"] else published.year - (month > published.month)
    part = re.sub(r"\s+", " ", (match.groupdict().get("part") or "early").lower())
    return date(year, month, _PART_DAY.get(part, 1))


def _since_month(match: re.Match[str], published: date) -> Period | None:
    return _month_start(match, published), published


def _so_far(match: re.Match[str], published: date) -> Period | None:
    """'since the start of the month', 'so far this year', 'earlier this week': from the first day of the
    published date's week (Monday), month or year to the published date."""
    unit = match["unit"].lower()
    if unit == "week":
        return published - timedelta(days=published.weekday()), published
    return (published.replace(day=1) if unit == "month" else published.replace(month=1, day=1)), published


def _past_unit(match: re.Match[str], published: date) -> Period | None:
    """'over the past week': the week (month, year) up to the published date, as 'over the past 1 week' would be."""
    return published - _SPAN[match["unit"].lower()], published


def _last_unit(match: re.Match[str], published: date) -> Period | None:
    """'last week' is the calendar week (Monday to Sunday) before the published date's; 'last month' and 'last
    year' the calendar month and year before."""
    unit = match["unit"].lower()
    if unit == "week":
        monday = published - timedelta(days=published.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        end = published.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    return date(published.year - 1, 1, 1), date(published.year - 1, 12, 31)


def _as_of(match: re.Match[str], published: date) -> Period | None:
    return None, _day(match["a"], published)


def _window(match: re.Match[str], published: date) -> Period | None:
    """'over the past 13 days' ends on the published date and counts it: 15-27 November for 27 November."""
    count = _count(match["n"])
    unit = match["unit"].lower().rstrip("s")
    if unit == "day":
        return published - timedelta(days=count - 1), published
    return published - _SPAN[unit] * count, published


# One week, month or year back: what a window of that unit covers before the published date.
_SPAN = {"week": relativedelta(weeks=1), "month": relativedelta(months=1), "year": relativedelta(years=1)}


def _ago(match: re.Match[str], published: date) -> Period | None:
    count = _count(match["n"])
    unit = match["unit"].lower().rstrip("s")
    day = published - {"day": relativedelta(days=count), "week": relativedelta(weeks=count)}.get(
        unit, relativedelta(months=count)
    )
    return day, day


def _on_day(match: re.Match[str], published: date) -> Period | None:
    day = _day(match.group(), published)
    return (day, day) if day else None


def _weekday(match: re.Match[str], published: date) -> Period | None:
    """A weekday is the last such day on or before the published date ('last Sunday' before a Sunday: a week back)."""
    wanted = _WEEKDAYS.index(match["weekday"].lower())
    back = (published.weekday() - wanted) % 7
    if back == 0 and match.group().lower().startswith("last"):
        back = 7
    day = published - timedelta(days=back)
    return day, day


def _relative_day(match: re.Match[str], published: date) -> Period | None:
    day = published - timedelta(days=1) if match.group().lower() == "yesterday" else published
    return day, day


def _month(match: re.Match[str], published: date) -> Period | None:
    """'in April' is that month; 'since ... in late August' runs from then to the published date."""
    first = _month_start(match, published)
    if match["since"]:
        return first, published
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, min(last, published)


def _years(match: re.Match[str], published: date) -> Period | None:
    first, second = match["y1"], match["y2"]
    last = int(first[: 4 - len(second)] + second)
    if not int(first) <= last <= published.year:
        return None
    return date(int(first), 1, 1), date(last, 12, 31)


def _year(match: re.Match[str], published: date) -> Period | None:
    year = int(match["year"])
    return (date(year, 1, 1), min(date(year, 12, 31), published)) if year <= published.year else None


def _count(words: str) -> int:
    return int(words) if words.isdigit() else _NUMBER_WORDS[words.lower()]


def _month_number(name: str) -> int:
    return next(i for i, full in enumerate(calendar.month_name) if full and full.lower().startswith(name.lower()[:3]))


_RESOLVERS = {
    "between": _between,
    "since_day": _since_day,
    "since_month": _since_month,
    "as_of": _as_of,
    "so_far": _so_far,
    "past_unit": _past_unit,
    "last_unit": _last_unit,
    "window": _window,
    "ago": _ago,
    "day": _on_day,
    "weekday": _weekday,
    "relative_day": _relative_day,
    "month": _month,
    "years": _years,
    "year": _year,
}
