"""Who states a number: attribution cues ("according to", "said", "reported", "warned") and the speaker they name,
matched to Tally's sources by name and alias."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick

from ..importers.sources import source_key

CUE_VERBS = (
    "said|says|reported|warned|warns|told|tells|added|adds|stated|announced|announces"
    "|documented|recorded|counted|confirmed|confirms|noted|wrote|tweeted|claimed|decried|explained|revealed"
    "|denied|denies"
)
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<np>[^,;.:()\"”]+(?:\([^)]*\)[^,;.:\"”]*)?)", re.IGNORECASE)
# A closing quote: after the quoted sentence's comma or stop.
_QUOTE_THEN_SPEAKER = re.compile(
    rf"(?<=[,.!?])[\"”]\s*(?P<np>[^\"“”]{{2,160}}?)\s+(?:has\s+|had\s+|also\s+)?(?:{CUE_VERBS})\b"
)
_QUOTE_THEN_VERB = re.compile(rf"(?<=[,.!?])[\"”]\s*(?:{CUE_VERBS})\s+(?P<np>[A-Z][^,.;:\"“”]{{1,120}})")
_CUE = re.compile(rf"\b(?:has\s+|have\s+|had\s+)?(?:{CUE_VERBS})\b")
_VERB_THEN_SPEAKER = re.compile(
    r"\b(?:said|says|added|warned)\s+(?P<np>(?:[A-Z]|(?:an?|the)\s+[A-Za-z])[\w'’.-]*(?:\s+[A-Za-z][\w'’.-]*){0,8})"
    r"\s*[.,]?$"
)
# A dateline before a dash (en or em) may open the sentence: "Idlib Province \u2013 The Observatory: ...".
_COLON = re.compile(r"^(?:[^:\u2013\u2014]{0,60}[\u2013\u2014]\s*)?(?P<np>[^:]{3,80}):\s")
_PRONOUN = re.compile(r"^(?:he|she|they|it)$", re.IGNORECASE)
# Words between a speaker and the cue verb that belong to neither ("also", "on Sunday").
_FILLER = re.compile(
    r"(?:\s+(?:also|later|on|late|early|last|this|(?:mon|tues|wednes|thurs|fri|satur|sun)day|morning|has|have|had|in"
    r"))*\s*$"
)
_BOUNDARY = re.compile(r"(?:^|[,;:\"“”]|\bthat\b|\bwhile\b|\bas\b)\s*(?=[^,;:\"“”]*$)", re.IGNORECASE)
# Connectives that open a clause before its subject ("However UN envoy ...").
_CONNECTIVE = re.compile(r"^(?:however|meanwhile|but|and|also|later|earlier|elsewhere|then)\b[\s,]*", re.IGNORECASE)
_COPULA = re.compile(r"\b(?:is|are|was|were|be|been|being)\s*$", re.IGNORECASE)
# Words that make a name before a colon an organisation ("The Syrian Observatory for Human Rights: ...").
_ORGANISATION = re.compile(
    r"\b(?:Observatory|Ministry|Office|Organi[sz]ation|Committee|Agency|Council|Network|Group|Army|Forces|Command"
    r"|Cluster|Mission|Programme|Fund|Society|Crescent|Cross|Directorate|Coalition)\b"
)
_APPOSITIVE = re.compile(r"^(?:which|who|whose|where|a|an|the\s+[a-z]|[a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """A source Tally holds."""

    id: str
    name: str


@dataclass(frozen=True)
class Attribution:
    """Who a sentence says states its numbers, as written, with the span and the cue that named them."""

    start: int
    end: int
    words: str
    cue: str
    source: Source | None
    # Where the attribution clause ends: a place inside it ("X, which works in the north, said") is the speaker's.
    reach: int = 0


# How the news names United Nations agencies by what they do, by the id of the source Tally holds for each: without
# these, "the UN children's agency" would be the United Nations (its "UN") and "the UN's child agency" a new source.
AGENCY_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "unicef": ("UN children's agency", "UN child agency", "UN's children's agency", "UN's child agency",
               "United Nations children's agency", "UN children's fund"),
    "unhcr": ("UN refugee agency", "UN's refugee agency", "United Nations refugee agency",
              "UN High Commissioner for Refugees"),
    "ocha": ("UN humanitarian office", "UN's humanitarian office", "UN humanitarian affairs office",
             "UN aid coordination office", "UN Office for the Coordination of Humanitarian Affairs"),
    "who": ("UN health agency", "UN's health agency", "World Health Organization"),
    "wfp": ("UN food agency", "UN's food agency", "World Food Programme"),
    "iom": ("UN migration agency", "UN's migration agency", "International Organization for Migration"),
}  # fmt: skip


class SourceBook:
    """Every source's id, name and aliases (and, for a UN agency, AGENCY_DESCRIPTIONS), by their normalised key, in
    one Aho-Corasick automaton."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.sources: dict[str, Source] = {}
        for row in rows:
            source = Source(row["id"], row["name"])
            self.sources[source.id] = source
            described = AGENCY_DESCRIPTIONS.get(row["id"], ())
            names = (row["id"], row["name"], re.sub(r"\s*\([^)]*\)", "", row["name"]), *(row.get("aliases") or []))
            for name in (*names, *described):
                key = source_key(name)
                if len(key) >= 2:
                    self._automaton.add_word(f" {key} ", (len(key), source))
            for acronym in re.findall(r"\(([A-Z]{2,8})\)", row["name"]):
                self._automaton.add_word(f" {acronym.lower()} ", (len(acronym), source))
        self._ready = len(self._automaton) > 0
        if self._ready:
            self._automaton.make_automaton()

    def match(self, words: str) -> Source | None:
        """The source whose longest name or alias the words contain, or None."""
        if not self._ready:
            return None
        best: tuple[int, Source] | None = None
        for _end, (length, source) in self._automaton.iter(f" {source_key(words)} "):
            if best is None or length > best[0]:
                best = (length, source)
        return best[1] if best else None


def attribution(text: str, start: int, end: int, book: SourceBook) -> Attribution | None:
    """The speaker a sentence names for its numbers, by the first cue that names one."""
    sentence = text[start:end]
    for find in (_according_to, _quote_attribution, _colon, _subject_of_cue, _verb_then_speaker):
        found = find(sentence)
        if found is not None:
            begin, finish, cue, reach = found
            words = sentence[begin:finish].strip(" ,")
            offset = start + begin + (len(sentence[begin:finish]) - len(sentence[begin:finish].lstrip(" ,")))
            if words and len(words.split()) <= 16:
                source = book.match(words) or _organisation_after(sentence, finish, book)
                return Attribution(offset, offset + len(words), words, cue, source, start + reach)
    return None


_APPOSITIVE_AFTER = re.compile(r",\s+(?:an?|the)\s+[^,;.]{3,120}")


def _organisation_after(sentence: str, end: int, book: SourceBook) -> Source | None:
    """The organisation a speaker's role names ('Jane Doe, an official with the Red Crescent'), when the speaker's
    own name is no source."""
    role = _APPOSITIVE_AFTER.match(sentence, end)
    return book.match(role.group()) if role else None


def heads(name: str) -> list[str]:
    """The words of a source's name a text may shorten it to: 'Observatory' for the Syrian Observatory for Human
    Rights ('the Observatory', 'the Britain-based Observatory')."""
    return _ORGANISATION.findall(name)


def by_head(words: str, known: dict[str, Source]) -> Source | None:
    """The source named earlier in the text whose head word these words use, capitalised ('the Observatory')."""
    for word in re.findall(r"\b[A-Z][a-z]+\b", words):
        if word in known:
            return known[word]
    return None


def is_pronoun(words: str) -> bool:
    """He, she, they or it: a speaker named earlier."""
    return bool(_PRONOUN.match(words))


# (start, end) of the speaker, the cue, and where the attribution clause ends.
Found = tuple[int, int, str, int] | None


def _according_to(sentence: str) -> Found:
    match = _ACCORDING.search(sentence)
    return (match.start("np"), match.end("np"), "according to", match.end("np")) if match else None


def _quote_attribution(sentence: str) -> Found:
    match = _QUOTE_THEN_SPEAKER.search(sentence)
    if match and (match["np"][:1].isupper() or match["np"].lower().startswith(("the ", "he", "she", "they"))):
        return match.start("np"), match.end("np"), "quoted", match.end()
    match = _QUOTE_THEN_VERB.search(sentence)
    return (match.start("np"), match.end("np"), "quoted", match.end("np")) if match else None


def _colon(sentence: str) -> Found:
    match = _COLON.match(sentence)
    if match and _ORGANISATION.search(match["np"]) and len(match["np"].split()) <= 10:
        return match.start("np"), match.end("np"), "colon", match.end("np")
    return None


def _subject_of_cue(sentence: str) -> Found:
    """The noun phrase before a cue verb: 'The monitor, which counts ..., said' gives 'The monitor'."""
    for cue in _CUE.finditer(sentence):
        before = sentence[: cue.start()]
        if _COPULA.search(before):  # "is reported", "has been documented": no speaker named
            continue
        filler = _FILLER.search(before)
        stop = filler.start() if filler else len(before)
        span = _subject(before, stop)
        if span is not None:
            return span[0], span[1], cue.group().split()[-1], cue.end()
    return None


def _subject(before: str, stop: int) -> tuple[int, int] | None:
    head = before[:stop].rstrip()
    if head.endswith(","):  # an appositive or relative clause between the subject and its verb
        inner_start = head.rfind(",", 0, len(head) - 1)
        inner = head[inner_start + 1 : -1].strip()
        if inner_start >= 0 and _APPOSITIVE.match(inner):
            head = head[:inner_start]
        elif inner_start >= 0:
            return inner_start + 1, len(head) - 1
        else:
            return None
    boundary = _BOUNDARY.search(head)
    begin = boundary.end() if boundary else 0
    connective = _CONNECTIVE.match(head, begin)
    begin = connective.end() if connective else begin
    words = head[begin:].strip()
    # A lower-case subject after a comma is one word or two ("..., rescuers said", "..., local activists said"),
    # or up to four after an article ("..., a hospital director told Reuters").
    short = len(words.split()) <= 2 or (len(words.split()) <= 4 and words.lower().startswith(("a ", "an ")))
    plain = short and head[:begin].rstrip().endswith(",") and words.replace(" ", "").isalpha()
    if not words or not (words[0].isupper() or words.lower().startswith("the ") or plain) or len(words.split()) > 12:
        return None
    return begin + (len(head[begin:]) - len(head[begin:].lstrip())), len(head)


def _verb_then_speaker(sentence: str) -> Found:
    match = _VERB_THEN_SPEAKER.search(sentence)
    if match is None:
        return None
    end = match.end("np") - match["np"].endswith(".")  # the sentence's stop, not the speaker's
    return match.start("np"), end, "said", end
