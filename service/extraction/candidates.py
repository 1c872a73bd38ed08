"""A text's candidate figures: every number that counts people, with what it counts, where, when, who says so and
why each field was chosen."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from . import counting
from .dates import TimeMention, time_mentions
from .metrics import Counted, count_kind, metric_for
from .model import Candidate, Context, Document, Place, family_of
from .numbers import Quantity, quantities
from .places import Gazetteer
from .placing import find_places, set_place
from .sources import Attribution, SourceBook, attribution, by_head, heads, is_pronoun
from .text import Sentence, sentences
from .words import Words, words


def extract_candidates(text: str, document: Document, gazetteer: Gazetteer, book: SourceBook) -> list[Candidate]:
    """Every candidate figure of text, in text order."""
    context = Context(text, document, find_places(text, gazetteer), sentences(text))
    for sentence in context.sentences:
        speaker = _speaker(context, sentence, book)
        tokens = words(text, sentence.start, sentence.end)
        numbers = quantities(text, sentence.start, sentence.end)
        times = time_mentions(text, sentence.start, sentence.end, document.published_on)
        taken = _taken_words(tokens, numbers)
        for i, quantity in enumerate(numbers):
            stop = numbers[i + 1].start if i + 1 < len(numbers) else sentence.end
            candidate = _candidate(context, sentence, tokens, quantity, stop, taken)
            if candidate is None:
                continue
            set_place(context, candidate, quantity, stop, tokens)
            _set_period(context, candidate, quantity, times)
            _set_source(candidate, speaker, document)
            candidate.stated_on = _stated_on(speaker, [t for t in times if t.end <= quantity.start], document)
            context.found.append(candidate)
    _headings_restate(context.found)
    return context.found


# How far below a heading the figure it restates may be, in sentences.
HEADING_REACH = 6


def _headings_restate(found: list[Candidate]) -> None:
    """A heading drops what the body says ('15 killed in airstrike' over '15 civilians killed'): a heading's number
    takes the metric and group of the same number, of the same kind of event, just below it."""
    for heading in (c for c in found if c.sentence.heading):
        for later in found[heading.n :]:
            if later.sentence.index - heading.sentence.index > HEADING_REACH:
                break
            if later.value == heading.value and family_of(later.metric) == family_of(heading.metric):
                heading.metric, heading.population_group = later.metric, later.population_group
                heading.note("metric", heading.confidence["metric"], f"the heading restates candidate {later.n}")
                break


def _taken_words(tokens: Words, numbers: list[Quantity]) -> set[int]:
    """The words right after each number (its noun and verb): no other number of the sentence takes them."""
    taken: set[int] = set()
    for quantity in numbers:
        after = tokens.after(quantity.end, 2)
        taken.update(t.start for t in after)
    return taken


def _candidate(
    context: Context, sentence: Sentence, tokens: Words, quantity: Quantity, stop: int, taken: set[int]
) -> Candidate | None:
    counted = _count(context, sentence, tokens, quantity, stop, taken)
    if counted is None:
        return None
    reading, parent, confidence = counted
    candidate = Candidate(
        n=len(context.found) + 1,
        start=quantity.start,
        end=quantity.end,
        stated_words=quantity.words,
        value=quantity.reading.value,
        low=quantity.reading.low,
        high=quantity.reading.high,
        qualifier=quantity.reading.qualifier,
        metric=reading.metric,
        population_group=reading.population_group,
        count_kind=reading.count_kind,
        sentence=sentence,
        part_of=parent.n if parent else None,
    )
    candidate.note("value", _value_confidence(quantity), _value_reason(quantity))
    candidate.note("qualifier", _value_confidence(quantity), _value_reason(quantity))
    candidate.note("metric", confidence, reading.reason)
    return candidate


def _value_confidence(quantity: Quantity) -> float:
    if quantity.reading.vague:
        return 0.7
    return 0.95 if re.search(r"\d", quantity.words) else 0.85


def _value_reason(quantity: Quantity) -> str:
    if quantity.reading.vague:
        return f"'{quantity.words}' is a vague quantity: at least twice its unit (the README's rule for vague words)"
    if quantity.hedge:
        return f"the hedge '{quantity.hedge}' before the number gives {quantity.reading.qualifier}"
    if quantity.reading.low is not None:
        return "a range: the midpoint, with both bounds"
    return "a number with no hedge: exact"


def _count(
    context: Context, sentence: Sentence, tokens: Words, quantity: Quantity, stop: int, taken: set[int]
) -> tuple[Counted, Candidate | None, float] | None:
    """The metric, group and kind of count of a number, the figure it breaks down (if any), and the confidence."""
    ahead = counting.forward(tokens, quantity, stop)
    if ahead is None or counting.hypothetical_before(tokens, quantity):
        return None
    previous = context.previous(sentence)
    parent = _parent(context, sentence, tokens, quantity)
    listed = previous if previous and previous.sentence is sentence else None
    if listed and ahead.family is None and counting.continues(context.text, listed.end, quantity):
        return _listed_after(listed, ahead.group, context, sentence)
    group = ahead.group
    if ahead.noun and ahead.noun.lower() in ("others", "more") and previous:
        group = context.root(previous).population_group  # others of the figure, not of its breakdown
    found = _event(context, tokens, quantity, ahead, group, previous, parent, taken)
    if found is None:
        return None
    family, how, confidence, group = found
    group = group or "people"
    metric = _metric(family, group, parent, sentence.text)
    reason = f"{how}; the people counted: {ahead.noun or group}"
    return Counted(metric, group, count_kind(family, False), reason), parent, confidence


def _listed_after(
    listed: Candidate, group: str | None, context: Context, sentence: Sentence
) -> tuple[Counted, Candidate | None, float]:
    """A number listed after another with no event of its own counts the same thing (a breakdown, a series)."""
    parent = context.parent_of(listed)
    group = group or listed.population_group
    metric = _metric(family_of(listed.metric), group, parent, sentence.text) if parent else listed.metric
    reason = f"listed after candidate {listed.n}, with no event of its own"
    return Counted(metric, group, listed.count_kind, reason), parent, 0.6


Event = tuple[str, str, float, str | None]


def _event(
    context: Context,
    tokens: Words,
    quantity: Quantity,
    ahead: counting.Reading,
    group: str | None,
    previous: Candidate | None,
    parent: Candidate | None,
    taken: set[int],
) -> Event | None:
    """The family of events a number counts, why, how sure, and the group: the first rule that finds one."""
    behind = counting.backward(tokens, quantity, tokens[0].start if tokens else quantity.start)
    if behind.family and behind.event_word and counting.governs(tokens, quantity, behind.event_word):
        # "killed at least 23 people and wounded 40 others": the verb right before the number is its event
        return behind.family, f"'{behind.event_word.text}' right before the number", 0.9, group or behind.group
    if ahead.family and ahead.event_word:
        return ahead.family, f"'{ahead.event_word.text}' after the number", 0.9, group
    group = group or behind.group
    if behind.family and behind.event_word and (ahead.noun or counting.next_to(tokens, quantity, behind.event_word)):
        return behind.family, f"'{behind.event_word.text}' before the number", 0.75, group
    if behind.family and behind.event_word and behind.noun and counting.ends_a_phrase(tokens, quantity):
        # "children killed in two wars, 350 in 2008-9": the people and the event named just before, listed
        return behind.family, f"'{behind.event_word.text}' and '{behind.noun}' before the number", 0.6, group
    if ahead.noun is not None and parent is None:
        near = counting.nearest_event(tokens, quantity, taken)
        if near.family and near.event_word:
            return near.family, f"'{near.event_word.text}' in the sentence", 0.6, group
    if previous and counting.coordinated(tokens, quantity):
        kept = group if group and group != "people" else previous.population_group
        return family_of(previous.metric), f"further people of candidate {previous.n}", 0.6, kept
    restated = _restated(context, quantity, group)
    if restated is not None:
        return family_of(restated.metric), f"restates candidate {restated.n}", 0.6, group
    if parent is not None and (ahead.noun or group):
        return family_of(parent.metric), f"a breakdown of candidate {parent.n}", 0.6, group
    return None


@lru_cache(maxsize=64)
def _speaks_of_siege(sentence_text: str) -> bool:
    """Children 'under siege' or 'besieged' are children under siege; read once per sentence."""
    return bool(re.search(r"\bsiege|besieged", sentence_text, re.IGNORECASE))


def _metric(family: str, group: str, parent: Candidate | None, sentence_text: str) -> str:
    """A breakdown takes its parent's metric unless its noun says otherwise (civilians inside people killed)."""
    besieged = _speaks_of_siege(sentence_text)
    if parent is not None and family_of(parent.metric) == family:
        if group in ("civilians", "fighters") and family in ("killed", "injured"):
            return metric_for(family, group)
        return parent.metric
    return metric_for(family, group, children_besieged=besieged)


def _parent(context: Context, sentence: Sentence, tokens: Words, quantity: Quantity) -> Candidate | None:
    """The figure a number breaks down ('including 71 children'), followed up to the top of the breakdown."""
    previous = context.previous(sentence)
    if previous is None:
        return None
    if counting.opens_breakdown(tokens, quantity, sentence.text, sentence.start):
        return previous
    if not counting.opens_sentence_breakdown(sentence.text, sentence.start, quantity):
        return None
    return context.root(previous)


# How many candidates back a number said again is looked for.
RESTATED_REACH = 50


def _restated(context: Context, quantity: Quantity, group: str | None) -> Candidate | None:
    """An earlier candidate of the same value: a number said again ('There are 50,000 people ...')."""
    if group is None:
        return None
    for candidate in reversed(context.found[-RESTATED_REACH:]):
        if candidate.value == quantity.reading.value and not quantity.reading.vague:
            return candidate
    return None


def _set_period(context: Context, candidate: Candidate, quantity: Quantity, times: list[TimeMention]) -> None:
    """The time expression nearest the number in its sentence; else the period of the figure it breaks down or
    continues; else the day the document was published (a figure stated on a day covers that day)."""
    usable = [t for t in times if t.end <= quantity.start or t.start >= quantity.end]
    if usable:
        nearest = min(usable, key=lambda t: min(abs(t.start - quantity.end), abs(quantity.start - t.end)))
        candidate.period_start, candidate.period_end = nearest.period_start, nearest.period_end
        candidate.period_words, candidate.period_span = nearest.words, (nearest.start, nearest.end)
        candidate.note("period", 0.8, f"'{nearest.words}' resolved against the published date")
    else:
        related = _related(context, candidate)
        if related is not None and related.period_end is not None:
            candidate.period_start, candidate.period_end = related.period_start, related.period_end
            candidate.note("period", 0.5, f"no time in the sentence: the period of candidate {related.n}")
        elif context.document.published_on is not None:
            published = context.document.published_on
            candidate.period_start = candidate.period_end = published
            candidate.note("period", 0.4, "no time in the sentence: the day the document was published")
    has_period = candidate.period_start is not None and candidate.period_start != candidate.period_end
    candidate.count_kind = count_kind(family_of(candidate.metric), has_period)


def _related(context: Context, candidate: Candidate) -> Candidate | None:
    """The figure this one breaks down, or the figure of the same kind just before it."""
    if candidate.part_of is not None:
        return context.parent_of(candidate)
    previous = context.previous(candidate.sentence)
    if previous is not None and family_of(previous.metric) == family_of(candidate.metric):
        return previous
    return None


def _speaker(context: Context, sentence: Sentence, book: SourceBook) -> Attribution | None:
    """Who the sentence says states its numbers: its own attribution; for a sentence opening a quote, the
    attribution of the sentence that closes it; a pronoun is the speaker named last."""
    found = attribution(context.text, sentence.start, sentence.end, book)
    if found is None and sentence.text[:1] in "\"“'":
        for later in context.sentences[sentence.index + 1 : sentence.index + 4]:
            if later.paragraph != sentence.paragraph:
                break
            found = attribution(context.text, later.start, later.end, book)
            if found is not None:
                break
    if found is not None and is_pronoun(found.words):
        named = context.speakers[-1] if context.speakers else None
        if named is None:
            return None
        found = Attribution(
            named.start, named.end, named.words, f"'{found.words}' {found.cue}", named.source, found.reach
        )
    if found is not None and found.source is None:
        named_before = by_head(found.words, context.heads)
        if named_before is not None:
            found = replace(found, source=named_before, cue=f"{found.cue}, a short name of {named_before.name}")
    if found is not None:
        context.speakers.append(found)
        if found.source is not None:
            context.heads.update(dict.fromkeys(heads(found.source.name), found.source))
    return found


# How far after its cue verb a day still dates the statement ("warned Sunday", "told reporters in Paris Thursday").
_STATED_REACH = 30


def _stated_on(speaker: Attribution | None, times: list[TimeMention], document: Document) -> date | None:
    """The day the source stated it: a day right after the cue and before the number ('warned Sunday that 500'),
    else the published date."""
    for time in times:
        on_day = time.period_start is not None and time.period_start == time.period_end
        if speaker is not None and on_day and 0 <= time.start - speaker.reach <= _STATED_REACH:
            return time.period_end
    return document.published_on


def _set_source(candidate: Candidate, speaker: Attribution | None, document: Document) -> None:
    candidate.source = speaker
    if speaker is None:
        candidate.note("source", 0.6, "no attribution in the sentence: the document's own voice")
    elif speaker.source is not None:
        candidate.note("source", 0.9, f"'{speaker.words}' ({speaker.cue}) is {speaker.source.name}")
    else:
        candidate.note("source", 0.6, f"'{speaker.words}' ({speaker.cue}) is no source Tally holds: a new source")


def as_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate as plain JSON values."""
    return {
        "n": candidate.n,
        "span": [candidate.start, candidate.end],
        "stated_words": candidate.stated_words,
        "value": candidate.value,
        "low": candidate.low,
        "high": candidate.high,
        "qualifier": candidate.qualifier,
        "metric": candidate.metric,
        "population_group": candidate.population_group,
        "count_kind": candidate.count_kind,
        "location": _place_json(candidate.location),
        "origin": _place_json(candidate.origin),
        "destination": _place_json(candidate.destination),
        "period_start": candidate.period_start.isoformat() if candidate.period_start else None,
        "period_end": candidate.period_end.isoformat() if candidate.period_end else None,
        "period_words": candidate.period_words,
        "stated_on": candidate.stated_on.isoformat() if candidate.stated_on else None,
        "source": _source_json(candidate.source),
        "quote": candidate.sentence.text,
        "quote_span": [candidate.sentence.start, candidate.sentence.end],
        "part_of": candidate.part_of,
        "confidence": candidate.confidence,
        "reasons": candidate.reasons,
    }


def _place_json(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    location = place.location
    return {
        "words": place.words,
        "span": [place.start, place.end],
        "location": location.id if location else None,
        "name": location.name if location else None,
        "others": [{"location": o.location.id, "name": o.location.name, "country": o.country} for o in place.others],
    }


def _source_json(source: Attribution | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {
        "words": source.words,
        "span": [source.start, source.end],
        "source": source.source.id if source.source else None,
        "name": source.source.name if source.source else None,
    }
