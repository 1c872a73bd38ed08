"""Scoring the extractor against annotated texts (the format of shared/extraction/README.md): one `.txt` and one
`.gold.json` per text; a proposal matches a gold figure when their spans overlap."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .candidates import extract_candidates
from .model import Candidate, Document, Place
from .places import Gazetteer
from .sources import SourceBook

FIELDS = ("value", "metric", "qualifier", "place", "period", "source", "origin", "destination")
# The aliases the format's README lists as known in its texts; a source matches its gold under any of them.
KNOWN_ALIASES = (
    ("the syrian observatory for human rights", "sohr", "the observatory", "the britain-based observatory"),
    ("unicef", "the un's child agency"),
    ("the local co-ordination committees", "lcc"),
    ("the un office for the coordination of humanitarian affairs", "ocha"),
    ("the union of medical care and relief organizations", "uossm"),
    ("the international committee for the red cross", "icrc"),
)


@dataclass
class Score:
    """Counts for one text or for all of them."""

    figures: int = 0
    found: int = 0
    proposals: int = 0
    matched: int = 0
    subgroup_figures: int = 0
    subgroup_found: int = 0
    false_not_figures: int = 0
    false_hard: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    judged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    metric_plain_right: int = 0
    metric_plain_judged: int = 0
    milliseconds: list[float] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Add another text's counts to these."""
        for name in ("figures", "found", "proposals", "matched", "subgroup_figures", "subgroup_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("false_not_figures", "false_hard", "metric_plain_right", "metric_plain_judged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in FIELDS:
            self.right[name] += other.right[name]
            self.judged[name] += other.judged[name]
        self.milliseconds += other.milliseconds

    def line(self) -> str:
        """figures=<n> precision=<x> recall=<x> and the share right of each field."""
        shares = " ".join(f"{name}={_ratio(self.right[name], self.judged[name])}" for name in FIELDS)
        return (
            f"figures={self.figures} precision={_ratio(self.matched, self.proposals)} "
            f"recall={_ratio(self.found, self.figures)} {shares}"
        )

    def details(self) -> str:
        """The secondary numbers: without subgroups, metric without ambiguous figures, not-figures proposed."""
        main = self.figures - self.subgroup_figures
        return (
            f"proposals={self.proposals} matched={self.matched} recall_without_subgroups="
            f"{_ratio(self.found - self.subgroup_found, main)} metric_without_ambiguous="
            f"{_ratio(self.metric_plain_right, self.metric_plain_judged)} not_figures_proposed={self.false_not_figures}"
            f" (hard {self.false_hard}) median_ms={statistics.median(self.milliseconds):.1f}"
        )


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def texts(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each `.txt` with its gold annotations, in name order."""
    for gold_path in sorted(folder.glob("*.gold.json")):
        text_path = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        yield text_path, json.loads(gold_path.read_text("utf-8"))


def header(text: str) -> Document:
    """The title (line 1) and publication date (line 2) of a text in the format."""
    lines = text.split("\n", 2)
    title = None if lines[0].startswith("[title not") else lines[0]
    published = date.fromisoformat(lines[1].strip()) if re.fullmatch(r"\d{4}-\d\d-\d\d", lines[1].strip()) else None
    return Document(published_on=published, title=title)


def score_text(text: str, gold: dict[str, Any], gazetteer: Gazetteer, book: SourceBook, runs: int = 3) -> Score:
    """Extract from one text (timed, after one warm-up run) and score the proposals against its gold."""
    document = header(text)
    extract_candidates(text, document, gazetteer, book)
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        proposals = extract_candidates(text, document, gazetteer, book)
        timings.append((time.perf_counter() - began) * 1000)
    score = Score(milliseconds=[statistics.median(timings)])
    _match(score, proposals, gold, gazetteer, book)
    return score


def _match(
    score: Score, proposals: list[Candidate], gold: dict[str, Any], gazetteer: Gazetteer, book: SourceBook
) -> None:
    figures = gold["figures"]
    pairs = []
    for g in figures:
        for p in proposals:
            overlap = min(p.end, g["span"][1]) - max(p.start, g["span"][0])
            if overlap > 0:
                pairs.append((-overlap, g["span"][0], g["id"], p.n))
    used_gold: dict[str, Candidate] = {}
    used_proposals: set[int] = set()
    by_n = {p.n: p for p in proposals}
    for _overlap, _start, gold_id, n in sorted(pairs):
        if gold_id not in used_gold and n not in used_proposals:
            used_gold[gold_id] = by_n[n]
            used_proposals.add(n)
    canonical = [g for g in figures if g["dup_of"] is None]
    matched_canonical = {g["dup_of"] or g["id"] for g in figures if g["id"] in used_gold}
    score.figures = len(canonical)
    score.found = sum(g["id"] in matched_canonical for g in canonical)
    score.subgroup_figures = sum(g["part_of"] is not None for g in canonical)
    score.subgroup_found = sum(g["part_of"] is not None and g["id"] in matched_canonical for g in canonical)
    score.proposals = len(proposals)
    score.matched = len(used_gold)
    for p in proposals:
        if p.n not in used_proposals:
            hits = [n for n in gold["not_figures"] if p.start < n["span"][1] and n["span"][0] < p.end]
            score.false_not_figures += bool(hits)
            score.false_hard += any(n["hard"] for n in hits)
    for g in figures:
        if g["id"] in used_gold:
            _judge(score, used_gold[g["id"]], g, gazetteer, book)


def _judge(score: Score, p: Candidate, g: dict[str, Any], gazetteer: Gazetteer, book: SourceBook) -> None:
    verdicts = {
        "value": p.value == g["value"] if g["value"] is not None else None,
        "metric": p.metric == g["metric"] if g["metric"] else None,
        "qualifier": p.qualifier == g["qualifier"] if g["qualifier"] else None,
        "place": _place_right(p, g, gazetteer),
        "period": _period_right(p, g),
        "source": _source_right(p, g, book),
        "origin": _movement_end_right(p.origin, g["origin"], gazetteer),
        "destination": _movement_end_right(p.destination, g["destination"], gazetteer),
    }
    for name, verdict in verdicts.items():
        if verdict is not None:
            score.judged[name] += 1
            score.right[name] += verdict
    if not g["ambiguous"] and g["metric"]:
        score.metric_plain_judged += 1
        score.metric_plain_right += p.metric == g["metric"]


def _plain(words: str) -> str:
    return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", words.replace("\u2011", "-").strip().lower()))


def place_matches(place: Place | None, written: str, gazetteer: Gazetteer) -> bool:
    """The place as written, or the location it names under one of its names, is the gold place as written."""
    if place is None:
        return False
    if _plain(place.words) == _plain(written):
        return True
    return place.location is not None and _plain(written) in {_plain(n) for n in gazetteer.names[place.location.id]}


def _place_right(p: Candidate, g: dict[str, Any], gazetteer: Gazetteer) -> bool | None:
    """The figure's place (its origin where the gold gives no place for a movement)."""
    written = g["location"] or g["origin"]
    if written is None:
        return None
    return place_matches(p.location, written, gazetteer) or place_matches(p.origin, written, gazetteer)


def _movement_end_right(place: Place | None, written: str | None, gazetteer: Gazetteer) -> bool | None:
    """A movement's origin or destination, judged where the gold gives one (its alternatives split by ' / ')."""
    if written is None:
        return None
    return any(place_matches(place, alternative, gazetteer) for alternative in written.split(" / "))


def _period_right(p: Candidate, g: dict[str, Any]) -> bool | None:
    """Each end the gold sets, compared at the gold's precision ('2016-08' accepts any day of August 2016)."""
    wanted = [(g["period_start"], p.period_start), (g["period_end"], p.period_end)]
    judged = [(gold, ours) for gold, ours in wanted if gold]
    if not judged:
        return None
    return all(ours is not None and ours.isoformat().startswith(gold) for gold, ours in judged)


def _source_right(p: Candidate, g: dict[str, Any], book: SourceBook) -> bool | None:
    gold = g["source"]
    if gold is None:
        return None
    if gold == "article":
        return p.source is None
    if p.source is None:
        return False
    ours, theirs = _plain(p.source.words), _plain(gold)
    person, _, role = gold.partition(",")
    if ours in (theirs, _plain(person)) or _same_alias(ours, theirs):
        return True
    named = book.match(p.source.words)
    return named is not None and named in (book.match(gold), book.match(role) if role else None)


def _same_alias(ours: str, theirs: str) -> bool:
    return any(ours in {_plain(a) for a in group} and theirs in {_plain(a) for a in group} for group in KNOWN_ALIASES)


def evaluate(folder: Path, gazetteer: Gazetteer, book: SourceBook) -> Iterator[tuple[str, Score]]:
    """Each text's score, then the overall score under the name 'overall'."""
    total = Score()
    for text_path, gold in texts(folder):
        score = score_text(text_path.read_text("utf-8"), gold, gazetteer, book)
        total.add(score)
        yield text_path.name, score
    yield "overall", total
