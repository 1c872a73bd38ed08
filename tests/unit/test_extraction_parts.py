"""The extraction assistant's parts, one rule at a time, on sentences written for these tests."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from service.extraction.dates import time_mentions
from service.extraction.hedges import Reading
from service.extraction.numbers import number_value, quantities
from service.extraction.places import Gazetteer
from service.extraction.sources import SourceBook, attribution
from service.extraction.text import sentences
from tests.unit.extraction_support import LOCATIONS, gazetteer, source_book


def _read(text: str) -> list[tuple[str, Reading]]:
    return [(q.words, q.reading) for q in quantities(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thousands of people", [("thousands", Reading(2000, 2000, 9999, "at_least", vague=True))]),
        ("tens of others", [("tens", Reading(20, 20, 99, "at_least", vague=True))]),
        ("hundreds of thousands fled", [("hundreds of thousands", Reading(200000, 200000, 999999, "at_least", True))]),
        ("nearly 8,200 children", [("nearly 8,200", Reading(8200, None, 8200, "approximately"))]),
        ("almost 40 villagers", [("almost 40", Reading(40, None, 40, "approximately"))]),
        ("up to 600 patients", [("up to 600", Reading(600, None, None, "at_most"))]),
        ("more than 1,250 people", [("more than 1,250", Reading(1250, None, None, "more_than"))]),
        ("over 90 people", [("over 90", Reading(90, None, None, "more_than"))]),
        ("fewer than 30 people", [("fewer than 30", Reading(30, None, None, "fewer_than"))]),
        ("at least 17 people", [("at least 17", Reading(17, None, None, "at_least"))]),
        ("31 at least were killed", [("31 at least", Reading(31, None, None, "at_least"))]),
        ("around 4,400 residents", [("around 4,400", Reading(4400, None, None, "approximately"))]),
        (
            "an estimated half a million people",
            [("an estimated half a million", Reading(500000, None, None, "approximately"))],
        ),
        ("between 200 and 300 people", [("between 200 and 300", Reading(250, 200, 300, "approximately"))]),
        ("seventy-two people", [("seventy-two", Reading(72, None, None, "exact"))]),
        ("1.2 million people", [("1.2 million", Reading(1200000, None, None, "exact"))]),
    ],
)
def test_numbers_are_read_by_the_hand_entry_rules(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a 34-year-old teacher",
        "the seven-year conflict",
        "over the past 21 days",
        "two kilometres from the border",
        "three nautical miles out",
        "on 14 March",
        "March 14, 2015",
        "in 1998",
        "published 2021-05-04",
        "the 3rd of June",
        "12 percent of homes",
        "no one knows",
        "aged 61",
    ],
)
def test_years_dates_ages_durations_and_distances_are_no_counts(text):
    assert _read(text) == []


def test_a_number_word_with_a_fraction():
    assert (number_value("quarter-million"), number_value("a quarter of a million")) == (250000, 250000)


PUBLISHED = date(2021, 3, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "words", "start", "end"),
    [
        ("clashes on Monday", "on Monday", date(2021, 3, 8), date(2021, 3, 8)),
        ("they said Wednesday", "Wednesday", PUBLISHED, PUBLISHED),
        ("since last Wednesday", "last Wednesday", date(2021, 3, 3), date(2021, 3, 3)),
        ("over the past 10 days", "over the past 10 days", date(2021, 3, 1), PUBLISHED),
        ("in the last two weeks", "in the last two weeks", date(2021, 2, 24), PUBLISHED),
        ("since early January", "since early January", date(2021, 1, 1), PUBLISHED),
        ("since late November", "since late November", date(2020, 11, 21), PUBLISHED),
        ("since 2 February", "since 2 February", date(2021, 2, 2), PUBLISHED),
        ("as of 28 February", "as of 28 February", None, date(2021, 2, 28)),
        ("since the start of the month", "since the start of the month", date(2021, 3, 1), PUBLISHED),
        ("since the beginning of the year", "since the beginning of the year", date(2021, 1, 1), PUBLISHED),
        ("so far this year", "so far this year", date(2021, 1, 1), PUBLISHED),
        ("earlier this month", "earlier this month", date(2021, 3, 1), PUBLISHED),
        ("this week", "this week", date(2021, 3, 8), PUBLISHED),  # from Monday
        ("this year so far", "this year so far", date(2021, 1, 1), PUBLISHED),
        ("killed last week", "last week", date(2021, 3, 1), date(2021, 3, 7)),  # the calendar week before
        ("last month", "last month", date(2021, 2, 1), date(2021, 2, 28)),
        ("last year", "last year", date(2020, 1, 1), date(2020, 12, 31)),
        ("over the past week", "over the past week", date(2021, 3, 3), PUBLISHED),
        ("in the last month", "in the last month", date(2021, 2, 10), PUBLISHED),
        ("between 3 January and 9 February", "between 3 January and 9 February", date(2021, 1, 3), date(2021, 2, 9)),
        ("three days ago", "three days ago", date(2021, 3, 7), date(2021, 3, 7)),
        ("yesterday", "yesterday", date(2021, 3, 9), date(2021, 3, 9)),
        ("in 2019", "in 2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("in 2017-18", "in 2017-18", date(2017, 1, 1), date(2018, 12, 31)),
        (
            "since the army closed the road in late December",
            "since the army closed the road in late December",
            date(2020, 12, 21),
            PUBLISHED,
        ),
    ],
)
def test_relative_dates_resolve_against_the_published_date(text, words, start, end):
    found = time_mentions(text, 0, len(text), PUBLISHED)
    assert [(m.words, m.period_start, m.period_end) for m in found] == [(words, start, end)]


def test_no_published_date_resolves_nothing():
    assert time_mentions("on Monday", 0, 9, None) == []


def _speaker(text: str) -> tuple[str, str, str | None] | None:
    found = attribution(text, 0, len(text), source_book())
    return None if found is None else (found.words, found.cue, found.source.id if found.source else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nine people died, according to the health ministry.",
            ("the health ministry", "according to", "health-ministry"),
        ),
        ("The FMN, which tracks the war from abroad, said 40 people were hurt.", ("The FMN", "said", "fmn")),
        ("Village elders reported 12 dead.", ("Village elders", "reported", None)),
        (
            '"We counted 80 bodies," Dr Lina Haddad, a surgeon at the clinic, said.',
            ("Dr Lina Haddad, a surgeon at the clinic", "quoted", None),
        ),
        (
            "However the Freedonia Monitoring Network warned Monday that 300 were trapped.",
            ("the Freedonia Monitoring Network", "warned", "fmn"),
        ),
        ("Freedonia Monitoring Network: shelling killed 6 people.", ("Freedonia Monitoring Network", "colon", "fmn")),
        ("Little is reported from the valley.", None),
        ("Nine people died in the flood.", None),
        # After the figures, a speaker of a few words after an article, and the verb before its speaker.
        (
            "Some 80 people were hurt, 20 of them badly, a hospital director told the FMN.",
            ("a hospital director", "told", None),
        ),
        ("Some 80 people were hurt, said a medic.", ("a medic", "said", None)),
        ("Some 80 people were hurt, said the FMN.", ("the FMN", "said", "fmn")),
    ],
)
def test_attribution_names_who_states_the_numbers(text, expected):
    assert _speaker(text) == expected


def test_places_are_matched_by_name_alias_and_arabic_with_their_modifiers():
    text = "Shelling hit rebel-held eastern Harrow and Millbrook; in هارو and in Kessel, Freedonia, calm returned."
    found = [(m.words, m.location.id if m.location else None) for m in gazetteer().find(text)]
    assert found == [
        ("rebel-held eastern Harrow", "east-harrow"),
        ("Millbrook", "millbrook"),
        ("هارو", "harrow-city"),
        ("Kessel", "kessel"),
        ("Freedonia", "XY"),
    ]


def test_a_name_two_countries_share_is_the_one_in_the_country_the_text_names():
    text = "Kessel, a town in Otherland, was quiet."
    assert [m.location.id for m in gazetteer().find(text) if m.location] == ["ZZ-kessel", "ZZ"]


def test_a_name_two_countries_share_is_the_one_in_the_country_of_the_other_places_the_text_names():
    """Kessel is a city in Otherland and a village in Freedonia: by kind alone, the city; beside Millbrook, which
    only Freedonia has, the village."""
    found = gazetteer().find("Shelling hit Millbrook, then Kessel.")
    assert [(m.location.id, m.others) for m in found if m.location] == [("millbrook", ()), ("kessel", ())]


def test_two_names_each_shared_by_two_countries_are_in_the_country_they_have_in_common():
    """Kessel is in Otherland or Freedonia, Brill in Westria or Freedonia: together, both in Freedonia, though each
    alone would be the city abroad rather than the village."""
    found = gazetteer().find("Shelling hit Kessel and Brill.")
    assert [(m.location.id, m.others) for m in found if m.location] == [("kessel", ()), ("brill", ())]
    (alone,) = gazetteer().find("Shelling hit Brill.")
    assert alone.location is not None and alone.location.id == "WW-brill"
    assert [(other.location.id, other.country) for other in alone.others] == [("brill", "Freedonia")]


def test_a_name_two_countries_share_with_nothing_to_tell_them_apart_names_both():
    (found,) = gazetteer().find("Shelling hit Kessel.")
    assert found.location is not None and found.location.id == "ZZ-kessel"  # a city before a village
    assert [(other.location.id, other.country) for other in found.others] == [("kessel", "Freedonia")]


def test_a_countrys_name_names_the_country_not_a_place_abroad_that_shares_it():
    """Colombia has a district named Jordan: "in Jordan" is the country, or no place Tally holds."""
    rows = [*LOCATIONS, {"id": "CO-jordan", "name": "Jordan", "kind": "admin2", "parent_id": "ZZ", "aliases": []}]
    (without,) = Gazetteer(rows).find("Refugees in Jordan.")
    assert (without.words, without.location, without.kind) == ("Jordan", None, "country")
    jordan = {"id": "JOR", "name": "Jordan", "kind": "country", "parent_id": None, "aliases": ["JOR"]}
    (found,) = Gazetteer([*rows, jordan]).find("Refugees in Jordan.")
    assert found.location is not None and (found.location.id, found.others) == ("JOR", ())


def test_a_place_name_that_is_an_everyday_word_is_no_place():
    assert gazetteer().find("The eastern and Eastern roads are closed.") == []


def test_a_heading_is_a_sentence_of_its_own():
    text = "Title line\n2021-03-10\n\nFloods in Harrow\nWater rose. People fled."
    assert [(s.text, s.heading) for s in sentences(text)] == [
        ("Title line", True),
        ("2021-03-10", True),
        ("Floods in Harrow", True),
        ("Water rose.", False),
        ("People fled.", False),
    ]


def test_a_run_of_digits_or_a_number_past_any_count_is_no_count():
    assert (number_value("9" * 13), number_value("2,000,000,000,000"), number_value("999,999")) == (None, None, 999999)
    assert _read("9" * 500) == []


def test_a_long_run_without_spaces_is_cut_into_sentences_quickly():
    text = "," * 20_000 + " Then 12 people fled."
    assert [s.text[-21:] for s in sentences(text)] == [", Then 12 people fled."[-21:]]


def test_the_app_and_the_command_line_load_spacy_only_when_something_is_extracted():
    """spaCy costs a process about 65 MB and 0.6 s: a worker that never extracts, or a `tally db upgrade`, is
    spared it."""
    script = (
        "import sys, service.app, service.cli; loaded = 'spacy' in sys.modules; "
        "from service.extraction.text import sentences; sentences('One. Two.'); "
        "print(loaded, 'spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("speaker", "source"),
    [
        ("the UN's child agency", "unicef"),
        ("the UN children's agency", "unicef"),  # not the United Nations, whose "UN" it contains
        ("the United Nations refugee agency", "unhcr"),
        ("the UN", "un"),
        ("the UN humanitarian office", "un"),  # no OCHA in this book: the words it names
    ],
)
def test_un_agencies_named_by_what_they_do_are_the_agencies_tally_holds(speaker, source):
    book = SourceBook(
        [
            {"id": "un", "name": "United Nations", "aliases": ["UN"]},
            {"id": "unicef", "name": "UNICEF (United Nations Children's Fund)", "aliases": []},
            {"id": "unhcr", "name": "UNHCR", "aliases": []},
        ]
    )
    found = book.match(speaker)
    assert found is not None and found.id == source
