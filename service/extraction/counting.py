"""What a number in a sentence counts: the rules that find its noun and the event it belongs to."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .metrics import (
    CLAUSE_BREAKS,
    EVENT_PHRASES,
    MODALS,
    event_family,
    is_hypothetical,
    is_not_people,
    population,
)
from .numbers import Quantity
from .words import Word, Words

# How far the rules look: the noun stands within a few words of its number, the event within a clause.
NOUN_REACH = 5
FORWARD_REACH = 14
BACKWARD_REACH = 12
# How far the rule of the nearest event word looks, either side, in words.
NEAREST_REACH = 40
# Words opening a breakdown of the figure before them.
BREAKDOWN_WORDS = frozenset({"including", "includes", "include", "among"})
BREAKDOWN_PAIRS = frozenset({"of whom", "of them", "of these", "of which"})
SENTENCE_BREAKDOWNS = ("of the ", "of these ", "of them ", "among them ", "among the ", "the rest ")


@dataclass(frozen=True)
class Reading:
    """What the words around a number say it counts (family None: nothing found)."""

    noun: str | None
    group: str | None
    family: str | None
    how: str
    event_word: Word | None = None


def _family_at(tokens: list[Word], i: int) -> tuple[str | None, int]:
    """The family named at token i (a two-word phrase first), and how many tokens it takes."""
    if i + 1 < len(tokens):
        phrase = f"{tokens[i].lower} {tokens[i + 1].lower}"
        if phrase in EVENT_PHRASES:
            return EVENT_PHRASES[phrase], 2
    if i + 2 < len(tokens):
        phrase = f"{tokens[i].lower} {tokens[i + 1].lower} {tokens[i + 2].lower}"
        if phrase in EVENT_PHRASES:
            return EVENT_PHRASES[phrase], 3
    return event_family(tokens[i].text), 1


def forward(tokens: Words, quantity: Quantity, stop_at: int) -> Reading | None:
    """The noun and the event after a number, up to the next number; None when the noun counts no people or the
    clause is hypothetical ('will', 'at risk')."""
    after = tokens.after(quantity.end, FORWARD_REACH, stop_at)
    noun = group = family = None
    event: Word | None = None
    noun_open = True
    read: list[Word] = []
    for i, token in enumerate(after):
        if token.lower in CLAUSE_BREAKS or token.text in ".!?" or (family and token.text == ","):
            break
        read.append(token)
        if token.text == "," or token.lower in ("that", "who", "which"):
            noun_open = False
        if noun_open and i < NOUN_REACH and noun is None:
            if is_not_people(token.text) or (i < 2 and _counts_things(token)):
                return None
            found = population(token.text)
            if found:
                noun, group = token.text, found
        if token.lower in MODALS and noun_open and (family is None or (event and i - after.index(event) <= 3)):
            return None
        if family is None:
            family, _ = _family_at(after, i)
            event = token if family else None
            if family and noun is None and noun_open and population(token.text):
                noun, group = token.text, population(token.text)
        elif event is not None and i - after.index(event) > 3:
            break
    if is_hypothetical(" ".join(t.text for t in read)):
        return None
    return Reading(noun, group, family, "forward", event)


def backward(tokens: Words, quantity: Quantity, start_at: int) -> Reading:
    """The event (and the people) named before a number: 'killing hundreds', 'the death toll ... to 2,030'."""
    before = tokens.before(quantity.start, BACKWARD_REACH, start_at)
    family = group = noun = None
    event: Word | None = None
    for i in range(len(before) - 1, -1, -1):
        token = before[i]
        if token.text in ".;:!?":
            break
        if family is None:
            found, _ = _family_at(before, i)
            if found:
                family, event = found, token
        if noun is None and population(token.text) and token.lower not in ("more", "others"):
            noun, group = token.text, population(token.text)
    return Reading(noun, group, family, "backward", event)


def nearest_event(tokens: Words, quantity: Quantity, taken: set[int]) -> Reading:
    """The event word nearest the number anywhere in its sentence, leaving out words other numbers took."""
    best: tuple[int, str, Word] | None = None
    around = [*tokens.before(quantity.start, NEAREST_REACH), *tokens.after(quantity.start, NEAREST_REACH)]
    for i, token in enumerate(around):
        if token.start in taken:
            continue
        family, _ = _family_at(around, i)
        if family:
            distance = abs(token.start - quantity.start)
            if best is None or distance < best[0]:
                best = (distance, family, token)
    return Reading(None, None, best[1] if best else None, "sentence", best[2] if best else None)


def opens_breakdown(tokens: Words, quantity: Quantity, sentence_text: str, sentence_start: int) -> bool:
    """'including 71 children', '... of whom 12 ...', a sentence opening 'Of the ...' or 'The rest ...'."""
    before = tokens.before(quantity.start, 3)
    pairs = {f"{a.lower} {b.lower}" for a, b in itertools.pairwise(before)}
    return any(t.lower in BREAKDOWN_WORDS for t in before) or bool(pairs & BREAKDOWN_PAIRS)


def opens_sentence_breakdown(sentence_text: str, sentence_start: int, quantity: Quantity) -> bool:
    """A sentence opening 'Of the ...' or 'The rest ...' breaks down the figure before it."""
    return sentence_text.lower().startswith(SENTENCE_BREAKDOWNS) and quantity.start - sentence_start < 80


def continues(text: str, previous_end: int, quantity: Quantity) -> bool:
    """'475 children and 246 women', '350 in 2008-9 and 35 in 2012': a number listed after the one before it."""
    between = text[previous_end : quantity.start]
    return (
        len(between) <= 40
        and bool(re.search(r"(?:\band|,)\s*$", between))
        and not any(event_family(word) for word in re.findall(r"[\w-]+", between))
    )


def hypothetical_before(tokens: Words, quantity: Quantity) -> bool:
    """'there may be up to 1,500', 'could reach 3,000': a number someone expects, not one counted."""
    before = tokens.before(quantity.start, 3)
    return any(t.lower in MODALS for t in before)


def next_to(tokens: Words, quantity: Quantity, event: Word) -> bool:
    """The event word stands right before the number ('killing hundreds'), or the number ends a toll ('stood at
    more than 730', 'rose to 240')."""
    before = tokens.before(quantity.start, 1)
    return bool(before) and (before[-1] == event or before[-1].lower in ("to", "at", "reached", "of", "by"))


def coordinated(tokens: Words, quantity: Quantity) -> bool:
    """'another 2,500', 'tens of others', 'thousands more': further people of the figure before."""
    before = tokens.before(quantity.start, 1)
    after = tokens.after(quantity.end, 2)
    return any(t.lower == "another" for t in before) or any(t.lower in ("others", "more") for t in after)


def ends_a_phrase(tokens: Words, quantity: Quantity) -> bool:
    """The number is followed by a preposition or a comma, not by a noun of its own nor by the end of the text."""
    after = tokens.after(quantity.end, 1)
    return bool(after) and after[0].lower in ("in", "on", "during", "since", "over", ",", ";", "and")


# Words ending in -s right after a number that are no plural noun.
_NOT_PLURALS = frozenset(
    {"was", "is", "has", "as", "this", "thus", "its", "his", "hers", "theirs", "us", "yes", "whereas"}
)


def _counts_things(token: Word) -> bool:
    """A plural noun right after the number that names neither people nor an event: 'two floods', '12 trucks'."""
    word = token.lower
    return (
        token.text.islower()
        and word.isalpha()
        and len(word) > 3
        and word.endswith("s")
        and not word.endswith("ss")
        and word not in _NOT_PLURALS
        and population(word) is None
        and event_family(word) is None
    )


def governs(tokens: Words, quantity: Quantity, event: Word) -> bool:
    """The event word is a verb right before the number: 'killed 23', 'wounding 40'."""
    before = tokens.before(quantity.start, 1)
    return bool(before) and before[0] == event and event.lower.endswith(("ed", "ing", "s"))
