"""What may be added up: the rules behind every total Tally serves, as pure functions.

The rules, in the order they apply:

1. Figures of different sources are never added together; each source gets its own total
   (per bucket when the request groups by month, year, location level or dataset; figures
   entered by hand form the dataset null).
2. Disputed and retracted figures are left out unless the request includes them.
3. With month or year buckets, a figure goes to the bucket of its reference period (a stock:
   of its period's end, the date it is "as of"); a count whose period crosses a bucket
   boundary cannot be split honestly and is left out (``spans_buckets``).
4. Stocks and counts never mix: one source's stocks make one total (basis ``stock``), its
   events and period totals another (basis ``count``).
5. Stocks never add up over time: of one source's stocks for the same place the latest
   (period end, then stated-on date, then id) stands, the others are left out (``stock``).
   Stocks for two places one of which contains the other are not both added: the stock of
   the containing place stands (``containing_place``).
6. Period totals add up unless two of them count the same people twice: their periods
   overlap and their places are the same (``overlap``) or one contains the other
   (``containing_place``). Then one stands: the one for the containing place, else the
   latest stated, else the latest entered (highest id).
7. Events are distinct incidents and always add up with each other. An event is left out
   only when one of the same source's period totals that stands already counts it
   (``covered``): the total's place is the event's or contains it, and the total's period
   holds the event's whole period. Overlap is not enough, and a figure for a containing place
   is never left out for one inside it.
8. Figures entered by hand and those of a dataset are never combined: every total is per
   source and per dataset (null: entered by hand).

Places are compared by their paths: the administrative chain from the root, then every area
that also holds the place, then the place; a place contains another when it lies on the
other's path, by any containment. A flow
(displacement) is a place triple - where it was recorded, its origin and destination - and
two flows are the same or nested only when all three are; an unknown origin or
destination may be anywhere, so it is treated as containing every place; but stocks of
unknown origin (UNHCR's UNK, stateless people) are groups of their own, holding no other stock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

REASONS = ("disputed", "retracted", "spans_buckets", "stock", "overlap", "containing_place", "covered")
PERIOD_BUCKETS = ("month", "year")
# Administrative levels a total can be grouped by (admin_level() in the database).
LEVELS = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "admin4": 4}

Path = tuple[str, ...]


class Candidate(NamedTuple):
    """A figure as the rules see it: who stated how much of what kind, where and when."""

    id: int
    source_id: str
    count_kind: str
    value: int
    qualifier: str
    status: str
    period_start: dt.date
    period_end: dt.date
    stated_on: dt.date
    location_path: Path
    location_levels: tuple[int | None, ...] = ()
    origin_path: Path | None = None
    destination_path: Path | None = None
    dataset_id: str | None = None

    @property
    def basis(self) -> str:
        """stock, or count (events and period totals)."""
        return "stock" if self.count_kind == "stock" else "count"

    @property
    def places(self) -> tuple[Path | None, Path | None, Path | None]:
        """Location, origin and destination paths."""
        return self.location_path, self.origin_path, self.destination_path


@dataclass(frozen=True)
class LeftOut:
    """A figure a total did not add, why, and which figure stood instead."""

    figure_id: int
    reason: str
    kept_figure_id: int | None
    detail: str


@dataclass
class Total:
    """One source's total in one bucket: the figures added and those left out."""

    source_id: str
    period: str | None
    location_id: str | None
    basis: str
    dataset_id: str | None = None
    used: list[Candidate] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The total as plain data (source and location as ids)."""
        used = sorted(self.used, key=lambda c: c.id)
        return {
            "source": self.source_id,
            "period": self.period,
            "location": self.location_id,
            "basis": self.basis,
            "dataset": self.dataset_id,
            # None, not 0, when nothing could be added: no data is not zero.
            "sum": sum(c.value for c in used) if used else None,
            "figure_ids": [c.id for c in used],
            "qualifiers": sorted({c.qualifier for c in used}),
            "period_start": min((c.period_start for c in used), default=None),
            "period_end": max((c.period_end for c in used), default=None),
            "left_out": [vars(x) for x in sorted(self.left_out, key=lambda x: x.figure_id)],
        }


def place_relation(a: Candidate, b: Candidate) -> str | None:
    """'same' or 'nested' when two figures' places may count the same people, else None."""
    # A flow of unknown origin may be anywhere, so it may hold a known one. A stock of people of unknown
    # origin (UNHCR's UNK) is a group of its own: it holds none of the known origins' stocks.
    unknown_is_apart = a.count_kind == b.count_kind == "stock"
    relations = [_path_relation(x, y, unknown_is_apart) for x, y in zip(a.places, b.places, strict=True)]
    if None in relations:
        return None
    return "same" if all(r == "same" for r in relations) else "nested"


def _path_relation(a: Path | None, b: Path | None, unknown_is_apart: bool = False) -> str | None:
    """'same', 'nested' (one contains the other) or None; an unknown place may be anywhere, unless it is apart."""
    if a is None or b is None:
        if a is None and b is None:
            return "same"
        return None if unknown_is_apart else "nested"
    if a == b:
        return "same"
    return "nested" if a[-1] in b or b[-1] in a else None


def periods_overlap(a: Candidate, b: Candidate) -> bool:
    """Whether two reference periods (inclusive) share a day."""
    return a.period_start <= b.period_end and b.period_start <= a.period_end


def _contains(outer: Path | None, inner: Path | None) -> bool:
    """Whether the place outer holds everything at inner (outer may be inner); an unknown outer may be
    anywhere and holds everything, an unknown inner may be anywhere and lies inside no known place."""
    if outer is None:
        return True
    return inner is not None and outer[-1] in inner


def covers(total: Candidate, event: Candidate) -> bool:
    """Whether a period total counts an event: its places hold the event's and its period holds the event's.

    Overlap is not enough: a total for eastern Aleppo over 13 days does not
    count an event in western Aleppo, nor one running on past its last day.
    """
    return (
        all(_contains(outer, inner) for outer, inner in zip(total.places, event.places, strict=True))
        and total.period_start <= event.period_start
        and event.period_end <= total.period_end
    )


def conflict(candidate: Candidate, kept: Candidate) -> str | None:
    """Why candidate may not be added beside kept (a reason), or None when both add up."""
    if candidate.count_kind == "event":
        # Events add up with each other; one is left out only when a standing total covers it.
        return "covered" if kept.count_kind == "period_total" and covers(kept, candidate) else None
    relation = place_relation(candidate, kept)
    if relation is None:
        return None
    if kept.count_kind == "stock":
        return "stock" if relation == "same" else "containing_place"
    if not periods_overlap(candidate, kept):
        return None
    return "overlap" if relation == "same" else "containing_place"


def _depth(c: Candidate) -> tuple[int, ...]:
    """How deep each place lies; an unknown place counts as the widest."""
    return tuple(len(p) if p else 0 for p in c.places)


def preference(c: Candidate) -> tuple[tuple[int, ...] | int, ...]:
    """Sort key: the figure that stands comes first (containing place, then latest)."""
    if c.count_kind == "stock":
        return _depth(c), -c.period_end.toordinal(), -c.stated_on.toordinal(), -c.id
    return _depth(c), -c.stated_on.toordinal(), -c.id


def resolve(candidates: Iterable[Candidate]) -> tuple[list[Candidate], list[LeftOut]]:
    """Split one source's figures of one bucket and basis into those added and those left out."""
    ranked = sorted((c for c in candidates if c.count_kind != "event"), key=preference)
    events = sorted((c for c in candidates if c.count_kind == "event"), key=lambda c: c.id)
    kept: list[Candidate] = []
    left_out: list[LeftOut] = []
    index = _KeptIndex()
    for candidate in ranked + events:
        rival = index.first_conflict(candidate)
        if rival is None:
            kept.append(candidate)
            # Events never block anything: they add up with each other and come last.
            if candidate.count_kind != "event":
                index.add(candidate)
        else:
            left_out.append(LeftOut(candidate.id, rival[1], rival[0].id, explain(candidate, *rival)))
    return kept, left_out


class _KeptIndex:
    """The figures that stand so far, by place and month, so a candidate meets only its possible rivals.

    A rival's place is the candidate's, one containing it, or one inside it; a count's rival also
    shares a month with it (a stock's rival may be of any time).
    """

    def __init__(self) -> None:
        self._at: dict[tuple[str, int], list[Candidate]] = {}  # figures at a place
        self._within: dict[tuple[str, int], list[Candidate]] = {}  # figures at a place or inside it
        self._order: dict[int, int] = {}

    def add(self, c: Candidate) -> None:
        """Let c stand."""
        self._order[c.id] = len(self._order)
        for month in _months(c):
            self._at.setdefault((c.location_path[-1], month), []).append(c)
            for place in c.location_path:
                self._within.setdefault((place, month), []).append(c)

    def first_conflict(self, c: Candidate) -> tuple[Candidate, str] | None:
        """The earliest-standing figure c may not be added beside, with the reason; None if none."""
        found = []
        for month in _months(c):
            near = [
                *self._within.get((c.location_path[-1], month), ()),
                *(k for place in c.location_path[:-1] for k in self._at.get((place, month), ())),
            ]
            found += [(k, reason) for k in near if (reason := conflict(c, k))]
        return min(found, key=lambda pair: self._order[pair[0].id], default=None)


def _months(c: Candidate) -> range:
    """The months a count's period touches (as month numbers); one bucket for every stock."""
    if c.count_kind == "stock":
        return range(1)
    first = c.period_start.year * 12 + c.period_start.month
    return range(first, c.period_end.year * 12 + c.period_end.month + 1)


def explain(candidate: Candidate, kept: Candidate, reason: str) -> str:
    """One sentence on why candidate was left out in favour of kept."""
    if reason == "stock":
        return f"Stocks do not add up over time: figure {kept.id} for the same place, as of {kept.period_end}, stands."
    if reason == "covered":
        where = "this place" if kept.places == candidate.places else "a place containing this one"
        return (
            f"Period total {kept.id} of the same source, for {where} and a period holding this one "
            f"({kept.period_start}..{kept.period_end}), already counts this incident."
        )
    if reason == "containing_place":
        return (
            f"One place contains the other{'' if candidate.basis == 'stock' else ' and the periods overlap'}; "
            f"figure {kept.id} {_why_kept(candidate, kept)}."
        )
    return (
        f"Its period overlaps that of figure {kept.id} for the same place; "
        f"figure {kept.id} {_why_kept(candidate, kept)}."
    )


def _why_kept(candidate: Candidate, kept: Candidate) -> str:
    """Which preference decided between two conflicting figures."""
    if _depth(kept) != _depth(candidate):
        return "is for the containing place and stands"
    if kept.basis == "stock" and kept.period_end != candidate.period_end:
        return f"is the later stock (as of {kept.period_end}) and stands"
    if kept.stated_on != candidate.stated_on:
        return f"was stated later ({kept.stated_on}) and stands"
    return "was entered later and stands"


def status_reason(c: Candidate, *, include_disputed: bool, include_retracted: bool) -> str | None:
    """disputed or retracted when the figure's status keeps it out of totals, else None."""
    if c.status == "disputed" and not include_disputed:
        return "disputed"
    if c.status == "retracted" and not include_retracted:
        return "retracted"
    return None


def period_bucket(c: Candidate, by: str | None) -> tuple[str | None, bool]:
    """The month (YYYY-MM) or year (YYYY) a figure belongs to, and whether its period spans several."""
    if by is None:
        return None, False
    label = _label(c.period_end, by)
    if c.count_kind == "stock":
        return label, False
    return label, _label(c.period_start, by) != label


def _label(day: dt.date, by: str) -> str:
    return f"{day:%Y-%m}" if by == "month" else f"{day:%Y}"


def location_bucket(c: Candidate, level: int | None) -> str | None:
    """The deepest administrative unit at or above level that contains the figure's place."""
    if level is None:
        return None
    # Not strict: a candidate built without location_levels (the default, ()) has no administrative units.
    levels = zip(c.location_path, c.location_levels, strict=False)
    units = [place for place, lvl in levels if lvl is not None and lvl <= level]
    # A place under no administrative unit at all stands for itself.
    return units[-1] if units else c.location_path[-1]


def compute_totals(
    candidates: Iterable[Candidate],
    *,
    by: str | None = None,
    level: int | None = None,
    include_disputed: bool = False,
    include_retracted: bool = False,
) -> list[Total]:
    """Every source's totals per dataset and bucket, by the rules of this module."""
    # (period, location bucket, dataset, source, basis); "" where a bucket is not grouped by.
    totals: dict[tuple[str, str, str, str, str], Total] = {}
    pending: dict[tuple[str, str, str, str, str], list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: c.id):
        period, spans = period_bucket(c, by)
        dataset = c.dataset_id  # never combined across datasets, whether grouped by dataset or not
        key = (period or "", location_bucket(c, level) or "", dataset or "", c.source_id, c.basis)
        total = totals.setdefault(key, Total(c.source_id, period, location_bucket(c, level), c.basis, dataset))
        reason = status_reason(c, include_disputed=include_disputed, include_retracted=include_retracted)
        if reason:
            total.left_out.append(LeftOut(c.id, reason, None, _status_detail(reason)))
        elif spans:
            total.left_out.append(
                LeftOut(
                    c.id,
                    "spans_buckets",
                    None,
                    (
                        f"Its period {c.period_start}..{c.period_end} crosses a {by} boundary; "
                        f"it cannot be split between {by}s."
                    ),
                )
            )
        else:
            pending.setdefault(key, []).append(c)
    for key, group in pending.items():
        used, left_out = resolve(group)
        totals[key].used += used
        totals[key].left_out += left_out
    return [totals[key] for key in sorted(totals)]


def _status_detail(reason: str) -> str:
    return f"Its status is {reason}; ask with include_{reason}=true to add it."
