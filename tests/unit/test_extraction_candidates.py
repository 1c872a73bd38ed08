"""The extraction assistant end to end on a made-up report: what it proposes, and what it leaves out."""

from __future__ import annotations

from datetime import date

from service.extraction.candidates import as_json, extract_candidates
from service.extraction.extractor import candidates_json, extract
from service.extraction.model import Document
from tests.unit.extraction_support import gazetteer, source_book

PUBLISHED = date(2021, 3, 10)  # a Wednesday

REPORT = (
    "Floods and shelling in Harrow\n"
    "\n"
    "More than 140 civilians have been killed in eastern Harrow over the past 10 days, according to the "
    "Freedonia Monitoring Network.\n"
    "The FMN said nearly 6,000 residents had fled Millbrook to Kessel on Monday, and another 900 to the coast.\n"
    "Village elders reported 12 people killed in a strike on Kessel, including 5 children, and dozens of others "
    "wounded.\n"
    "A 34-year-old nurse said the seven-year war had emptied the city, two kilometres from the front.\n"
    "Thousands of fighters from the south backed the offensive.\n"
    "The health ministry warned that 80,000 people could be at risk if the dam breaks.\n"
    "Officials counted 14 destroyed homes and 3 families missing.\n"
)


def _candidates():
    return extract_candidates(REPORT, Document(PUBLISHED), gazetteer(), source_book())


def _span(words: str, after: int = 0) -> list[int]:
    start = REPORT.index(words, after)
    return [start, start + len(words)]


def test_every_figure_is_proposed_with_what_it_counts_and_nothing_else():
    found = [(c.stated_words, c.value, c.low, c.high, c.qualifier, c.metric) for c in _candidates()]
    assert found == [
        ("More than 140", 140, None, None, "more_than", "civilians_killed"),
        ("nearly 6,000", 6000, None, 6000, "approximately", "displaced"),
        ("900", 900, None, None, "exact", "displaced"),
        ("12", 12, None, None, "exact", "people_killed"),
        ("5", 5, None, None, "exact", "people_killed"),
        ("dozens", 24, 24, 119, "at_least", "people_injured"),
    ]


def test_a_candidate_carries_its_span_place_period_source_and_quote():
    first = as_json(_candidates()[0])
    assert first["span"] == _span("More than 140")
    assert first["location"] == {
        "words": "eastern Harrow",
        "span": _span("eastern Harrow"),
        "location": "east-harrow",
        "name": "East Harrow (besieged)",
        "others": [],
    }
    assert (first["period_start"], first["period_end"], first["period_words"]) == (
        "2021-03-01",
        "2021-03-10",
        "over the past 10 days",
    )
    assert first["source"] == {
        "words": "the Freedonia Monitoring Network",
        "span": _span("the Freedonia Monitoring Network"),
        "source": "fmn",
        "name": "Freedonia Monitoring Network",
    }
    assert first["quote"].startswith("More than 140 civilians") and first["quote"].endswith("Network.")
    assert first["count_kind"] == "period_total"
    fields = {"value", "qualifier", "metric", "place", "period", "source"}
    assert set(first["confidence"]) == set(first["reasons"]) == fields


def test_a_flow_has_an_origin_and_a_destination():
    fled = _candidates()[1]
    assert (fled.origin.words, fled.origin.location.id) == ("Millbrook", "millbrook")
    assert (fled.destination.words, fled.destination.location.id) == ("Kessel", "kessel")
    assert (fled.period_start, fled.period_end) == (date(2021, 3, 8), date(2021, 3, 8))
    assert fled.source.words == "The FMN" and fled.source.source.id == "fmn"


def test_a_breakdown_names_its_parent_and_others_take_the_place_of_the_figure_before():
    by_words = {c.stated_words: c for c in _candidates()}
    assert by_words["5"].part_of == by_words["12"].n
    assert by_words["dozens"].location.words == "Kessel"
    assert by_words["12"].source.words == "Village elders" and by_words["12"].source.source is None


def test_a_figure_with_no_time_of_its_own_covers_the_published_day():
    strike = {c.stated_words: c for c in _candidates()}["12"]
    assert (strike.period_start, strike.period_end, strike.count_kind) == (PUBLISHED, PUBLISHED, "event")


def test_without_a_published_date_no_period_is_invented():
    found = extract_candidates(REPORT, Document(None), gazetteer(), source_book())
    assert {(c.period_start, c.period_end) for c in found} == {(None, None)}


DISPUTED = (
    "Rebels said on Friday that a gas attack on Kessel had injured 31 villagers.\n"
    "The army denied the claim and said it had found no trace of gas in Kessel.\n"
    "Separately, 4 soldiers were killed near Harrow.\n"
    "A spokesman denied there was any truce.\n"
)


def test_a_later_sentence_that_contradicts_a_claim_is_proposed_as_its_dispute():
    found = extract(DISPUTED, Document(PUBLISHED), gazetteer(), source_book())
    assert [c.stated_words for c in found.candidates] == ["31", "4"]
    [dispute] = found.disputes
    assert (dispute.candidate, dispute.cue, dispute.source.words) == (1, "denied", "The army")
    assert dispute.words == DISPUTED.splitlines()[1]
    assert candidates_json(found)[1]["disputed_by"] == []


PLACES = (
    "Siege tightens on Harrow\n"
    "Shelling resumed in Harrow on Monday.\n"
    "In the east of the city, doctors said 48 people were wounded, including 9 children.\n"
    "The FMN, which works from Kessel, said 70 people were killed.\n"
    "There are 3,000 people, including 800 children, still trapped in that part of the city.\n"
    "Water ran out. Nobody knew why. Officials counted 12 more bodies.\n"
)


def test_places_by_direction_breakdown_clause_and_headline():
    found = {c.stated_words: c for c in extract_candidates(PLACES, Document(PUBLISHED), gazetteer(), source_book())}
    wounded = found["48"]
    assert (wounded.location.words, wounded.location.location.id) == ("the east of the city", "east-harrow")
    # A breakdown is of its figure's place.
    assert (found["9"].location.words, found["9"].location.location) == (
        "the east of the city",
        wounded.location.location,
    )
    assert found["9"].location.reason == f"the place of candidate {wounded.n}, which this one breaks down"
    # Kessel is where the speaker works, inside the attribution: the figure has the place of the one before.
    assert found["70"].location.words == "the east of the city"
    assert found["3,000"].location.words == found["800"].location.words == "that part of the city"
    # Two sentences with no place and no figure: the headline's place.
    assert (found["12"].location.words, found["12"].location.location.id) == ("Harrow", "harrow-city")


def test_numbers_listed_after_the_people_and_the_event_they_count():
    text = "The toll passed that of villagers killed in the two earlier floods in Harrow, 40 in 2009 and 12 in 2015.\n"
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.stated_words, c.metric, c.period_start, c.period_end) for c in found] == [
        ("40", "people_killed", date(2009, 1, 1), date(2009, 12, 31)),
        ("12", "people_killed", date(2015, 1, 1), date(2015, 12, 31)),
    ]
    # A number that ends the text with no noun of its own is none.
    assert (
        extract_candidates("Villagers were evacuated from two", Document(PUBLISHED), gazetteer(), source_book()) == []
    )


def test_a_source_shortened_after_its_full_name_and_a_speaker_by_the_organisation_of_their_role():
    text = (
        "The Freedonia Monitoring Network said 30 people were killed in Kessel.\n"
        "Later the Network said 12 more were wounded.\n"
        "Eleven people were hurt, according to Jane Roe, an official with the health ministry.\n"
    )
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.source.words, c.source.source.id) for c in found] == [
        ("The Freedonia Monitoring Network", "fmn"),
        ("the Network", "fmn"),
        ("Jane Roe", "health-ministry"),
    ]


def test_stated_on_is_the_day_after_the_cue_else_the_published_date():
    text = (
        "The health ministry warned Monday that 400 people were trapped in Kessel.\n"
        "The FMN said 25 people fled Kessel on Tuesday.\n"
    )
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.stated_words, c.stated_on) for c in found] == [("400", date(2021, 3, 8)), ("25", PUBLISHED)]
    assert as_json(found[0])["stated_on"] == "2021-03-08"


def test_the_verb_right_before_a_number_is_its_event_and_compound_adjectives_are_no_counts():
    text = (
        "Shelling killed at least 23 people and wounded 40 others in eastern Brackwater on Friday, rescuers said.\n"
        "A 3,000-strong force and a 12-year-old boy arrived; floods displaces thousands every year.\n"
    )
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.stated_words, c.metric, c.location.words if c.location else None) for c in found] == [
        ("at least 23", "people_killed", "eastern Brackwater"),
        ("40", "people_injured", "eastern Brackwater"),
        ("thousands", "displaced", "eastern Brackwater"),
    ]
    assert found[0].source.words == "rescuers" and found[0].source.source is None
    assert found[0].location.location is None  # a name the gazetteer does not hold, kept as written


def test_a_heading_takes_the_metric_of_the_figure_it_restates_below():
    text = "31 killed in Kessel\nThe FMN said 31 civilians were killed in Kessel on Monday.\n"
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.stated_words, c.metric, c.sentence.heading) for c in found] == [
        ("31", "civilians_killed", True),
        ("31", "civilians_killed", False),
    ]
    assert found[0].reasons["metric"] == "the heading restates candidate 2"


def test_a_place_the_text_leaves_undecided_between_countries_is_shown_with_the_others_and_little_confidence():
    (candidate,) = extract_candidates(
        "Shelling killed 12 people in Kessel.", Document(PUBLISHED), gazetteer(), source_book()
    )
    shown = as_json(candidate)
    assert shown["location"] == {
        "words": "Kessel",
        "span": [29, 35],
        "location": "ZZ-kessel",
        "name": "Kessel",
        "others": [{"location": "kessel", "name": "Kessel", "country": "Freedonia"}],
    }
    assert shown["confidence"]["place"] == 0.3
    assert shown["reasons"]["place"] == (
        "the first place named after the number in its clause; 'Kessel' also names Kessel (kessel, Freedonia), "
        "and no other place in the text tells which: ZZ-kessel was chosen by its kind alone"
    )


def test_a_place_the_text_decides_has_no_others():
    text = "Shelling killed 12 people in Kessel, near Millbrook."
    (candidate,) = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert as_json(candidate)["location"]["location"] == "kessel"
    assert as_json(candidate)["location"]["others"] == []
    assert candidate.confidence["place"] == 0.75


def test_refugees_hosted_or_under_temporary_protection_are_refugees():
    text = (
        "Some 200,000 refugees are registered in Harrow, the FMN said, while Kessel hosts about 90,000.\n"
        "In Millbrook, 40,000 people live under temporary protection.\n"
    )
    found = extract_candidates(text, Document(PUBLISHED), gazetteer(), source_book())
    assert [(c.stated_words, c.value, c.metric, c.count_kind) for c in found] == [
        ("Some 200,000", 200000, "refugees", "stock"),
        ("about 90,000", 90000, "refugees", "stock"),
        ("40,000", 40000, "refugees", "stock"),
    ]
