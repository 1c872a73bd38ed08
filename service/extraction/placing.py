"""Where a candidate is: the places of a text (known locations and place phrases), and the rules that give a
candidate its place, its origin and its destination."""

from __future__ import annotations

import re

from . import counting
from .model import FLOWS, Candidate, Context, Place
from .numbers import Quantity
from .places import KIND_RANK, Gazetteer, PlaceMention, place_phrases
from .text import Sentence
from .words import Words

_DESTINATION_BEFORE = re.compile(r"\b(?:to|into|towards|toward|for)\s+(?:[\w\u2011-]+\s+){0,3}$", re.IGNORECASE)
_ORIGIN_BEFORE = re.compile(
    r"\b(?:from|out\s+of|left|leave|leaving|fled|flee|fleeing|escaped|escape|evacuated)\s+(?:[\w\u2011-]+\s+){0,2}$",
    re.IGNORECASE,
)


def find_places(text: str, gazetteer: Gazetteer) -> list[PlaceMention]:
    """Known locations and place phrases in the whole text; a phrase that contains a known name by 'of' names it."""
    known = gazetteer.find(text)
    mentions = list(known)
    for phrase in place_phrases(text, 0, len(text)):
        inside = [k for k in known if phrase.start <= k.start and k.end <= phrase.end]
        overlapping = [k for k in known if k.start < phrase.end and phrase.start < k.end]
        if inside and len(phrase.words) > len(inside[0].words) and re.search(r"\bof\b", phrase.words):
            named = inside[0]
            mentions.remove(named)
            mentions.append(
                PlaceMention(phrase.start, phrase.end, phrase.words, named.location, phrase.kind, named.others)
            )
        elif inside and re.search(r"\b(?:outside|near)\b", phrase.words):
            mentions.remove(inside[0])
            mentions.append(phrase)
        elif not overlapping:
            mentions.append(_resolve_back(phrase, known, gazetteer))
    return sorted(mentions, key=lambda mention: mention.start)


_DIRECTION = re.compile(r"\b(north|south|east|west)(?:ern)?\b", re.IGNORECASE)


def _resolve_back(phrase: PlaceMention, known: list[PlaceMention], gazetteer: Gazetteer) -> PlaceMention:
    """'the city', 'the decimated district', 'the province': the last known location of that kind before it; 'the
    east of the city', 'the city's eastern districts': that city's eastern part, where Tally has one."""
    direction = _DIRECTION.search(phrase.words)
    if direction and re.search(r"\bcity\b", phrase.words, re.IGNORECASE):
        cities = [k.location for k in known if k.end <= phrase.start and k.location and k.location.kind == "city"]
        part = gazetteer.part(cities[-1], direction.group(1).lower()) if cities else None
        return PlaceMention(phrase.start, phrase.end, phrase.words, part, phrase.kind)
    if not re.match(r"(?i)(?:the|that|this)\s+(?:[\w\u2011-]+\s+){0,2}(?:city|town|district|neighbourhood|neighborhood"
                    r"|village|province|governorate|country)$", phrase.words):  # fmt: skip
        return phrase
    wanted = {"city": ("city",), "village": ("village",), "neighbourhood": ("neighbourhood",),
              "admin1": ("admin1",), "country": ("country",)}.get(phrase.kind, ())  # fmt: skip
    before = [k for k in known if k.end <= phrase.start and k.location and k.location.kind in wanted]
    if not before:
        return PlaceMention(phrase.start, phrase.end, phrase.words, None, phrase.kind)
    return PlaceMention(phrase.start, phrase.end, phrase.words, before[-1].location, phrase.kind, before[-1].others)


def set_place(context: Context, candidate: Candidate, quantity: Quantity, stop: int, tokens: Words) -> None:
    """Origin and destination for flows, and the candidate's place by the first rule that gives one (_located)."""
    here = _in_sentence(context, candidate.sentence)
    flow = candidate.metric in FLOWS
    roles = {id(p): _role(context.text, p, candidate.sentence.start) if flow else "in" for p in here}
    if flow:
        candidate.origin = _first(here, roles, "origin", "'from' or a verb of leaving before it")
        candidate.destination = _first(here, roles, "destination", "'to' or 'into' before it")
    located = [p for p in here if roles[id(p)] != "destination"]
    found = _located(context, candidate, quantity, stop, located, tokens)
    if found is not None:
        place, confidence = found
        candidate.location = place
        if place.others:
            confidence = min(confidence, UNDECIDED_PLACE_CONFIDENCE)
            place.reason += "; " + undecided(place)
        candidate.note("place", confidence, place.reason)
    if flow and candidate.origin is None and candidate.location is not None:
        candidate.origin = candidate.location


# How sure a place is whose words name places in several countries that nothing in the text tells apart.
UNDECIDED_PLACE_CONFIDENCE = 0.3


def undecided(place: Place) -> str:
    """Why a place's words leave the reviewer a choice: the places in other countries they name as well."""
    assert place.location is not None
    others = ", ".join(
        f"{o.location.name} ({o.location.id}{', ' + o.country if o.country else ''})" for o in place.others
    )
    return (
        f"'{place.words}' also names {others}, and no other place in the text tells which: "
        f"{place.location.id} was chosen by its kind alone"
    )


def _in_sentence(context: Context, sentence: Sentence) -> list[PlaceMention]:
    """The places of a sentence, leaving out those in its attribution clause (the speaker's, not the figure's)."""
    clause = _source_span(context, sentence)
    here = context.places_in(sentence.start, sentence.end)
    return [p for p in here if not (clause and clause[0] <= p.start < clause[1])]


def _located(
    context: Context, candidate: Candidate, quantity: Quantity, stop: int, located: list[PlaceMention], tokens: Words
) -> tuple[Place, float] | None:
    """The origin of a movement; the place of the figure it breaks down; the first place after the number in its
    clause; the place of the figure it continues ('and tens of others'); the nearest place before it; a place later
    in the sentence; else one from the context."""
    sentence = candidate.sentence
    previous, parent = context.previous(sentence), context.parent_of(candidate)
    after = [p for p in located if quantity.end <= p.start < stop]
    before = [p for p in located if p.end <= quantity.start]
    later = [p for p in located if p.start >= stop]
    continued = previous is not None and previous.sentence is sentence and previous.location is not None
    if candidate.origin is not None:
        return _again(candidate.origin, "the origin of the movement"), 0.8
    if parent is not None and parent.location is not None:
        return _again(parent.location, f"the place of candidate {parent.n}, which this one breaks down"), 0.7
    if after:
        return _place(after[0], "the first place named after the number in its clause"), 0.75
    if continued and counting.coordinated(tokens, quantity):
        assert previous is not None and previous.location is not None
        return _again(previous.location, f"the place of candidate {previous.n}, which this number continues"), 0.7
    if before:
        return _place(before[-1], "the nearest place named before the number in its sentence"), 0.65
    if later:
        return _place(later[0], "the place named later in its sentence, after the numbers listed"), 0.6
    from_context = _from_context(context, sentence)
    return (from_context, 0.4) if from_context else None


def _again(place: Place, reason: str) -> Place:
    """A place found before, given again for another reason."""
    return Place(place.start, place.end, place.words, place.location, reason, place.others)


def _role(text: str, place: PlaceMention, floor: int) -> str:
    before = text[max(floor, place.start - 40) : place.start]
    to, out = _DESTINATION_BEFORE.search(before), _ORIGIN_BEFORE.search(before)
    if to and (out is None or to.start() > out.start()):
        return "destination"
    return "origin" if out else "in"


def _first(places: list[PlaceMention], roles: dict[int, str], role: str, why: str) -> Place | None:
    for place in places:
        if roles[id(place)] == role:
            return _place(place, f"the {role}: {why}")
    return None


def _place(mention: PlaceMention, reason: str) -> Place:
    return Place(mention.start, mention.end, mention.words, mention.location, reason, mention.others)


def _from_context(context: Context, sentence: Sentence) -> Place | None:
    """When the figure's own sentence names no place: the place of the figure just before (within two sentences),
    else the last place named in the sentence before, else the most precise place the headline names."""
    previous_figure = context.previous(sentence)
    if previous_figure is not None and previous_figure.location is not None:
        return _again(previous_figure.location, f"the place of candidate {previous_figure.n}")
    if sentence.index > 0:
        previous = context.sentences[sentence.index - 1]
        named = context.places_in(previous.start, previous.end)
        if named:
            return _place(named[-1], "no place in the sentence: the last place named in the sentence before")
    headline = context.sentences[0] if context.sentences else None
    known = [p for p in context.places_in(0, headline.end) if p.location] if headline else []
    if not known:
        return None
    precise = min(known, key=lambda p: KIND_RANK.get(p.kind, len(KIND_RANK)))
    return _place(precise, "no place in the sentence or the one before: the place the headline names")


def _source_span(context: Context, sentence: Sentence) -> tuple[int, int] | None:
    """The sentence's attribution clause: the speaker up to the cue verb."""
    speaker = context.speakers[-1] if context.speakers else None
    if speaker and sentence.start <= speaker.start < sentence.end:
        return speaker.start, max(speaker.end, speaker.reach)
    return None
