"""Source spellings: the key they are looked up by, and when two are close (no database)."""

from __future__ import annotations

import pytest

from service.importers.sources import SourceNames, closeness, is_close, loose_key, source_key


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("SOHR", "sohr"),
        ("SDF PRESS OFFICE", "sdf press office"),
        ("SDF Press Office", "sdf press office"),
        ("al-Masdar News", "al masdar news"),
        ("Al Masdar  News", "al masdar news"),
        ("http://syria.liveuamap.com", "syria liveuamap"),
        ("http://syria.liveuamap.com/", "syria liveuamap"),
        ("https://www.syria.liveuamap.com//", "syria liveuamap"),
        ("syria.liveuamap", "syria liveuamap"),
        ("Syria Liveuamap", "syria liveuamap"),
        ("Jewish & Israel News Algemeiner.com", "jewish israel news algemeiner"),
        ("http://www.syriahr.com/en/?p=64904", "syriahr com en p 64904"),  # only a trailing .com goes
        ("IHS Jane's Terrorism Watch Report", "ihs janes terrorism watch report"),  # apostrophes dropped
        ("Jane’s", "janes"),
        ("Heyva Sor A Kurd/Kurdish Red Crescent", "heyva sor a kurd kurdish red crescent"),
        ("  Élysée Café  ", "elysee cafe"),  # accents dropped
        ("Hürriyet", "hurriyet"),
        ("المرصد السوري", "المرصد السوري"),  # other scripts kept
        ("S/2016/1037", "s 2016 1037"),
        ("!!", ""),
    ],
)
def test_the_key_drops_case_accents_punctuation_and_web_address_parts(spelling, key):
    assert source_key(spelling) == key


def test_the_loose_key_drops_the_words_publishers_add_and_the_spaces():
    assert loose_key("reuters news") == "reuters"
    assert loose_key("the new arab") == "newarab"
    assert loose_key("xinhua news agency") == loose_key("xinhua") == "xinhua"
    assert loose_key("waha report") == loose_key("waha") == "waha"
    assert loose_key("the news") == "thenews"  # never empty: all its words are dropped words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Syria LiveuMap", "Syria Live Map"),  # ratio 0.96
        ("Kurdistan24", "Kurdistan 24"),  # equal without spaces
        ("Xinhua", "Xinhua News Agency"),
        ("New Arab", "The New Arab"),
        ("Waha", "Waha Report"),
        ("VOA", "VOA News"),  # short, but equal once "news" is dropped
        ("Reuter News", "Reuters"),  # ratio 0.92
        ("Human Rights Watc", "Human Rights Watch"),
        ("Syria Live-U-Map", "SyriaLiveuMap"),
    ],
)
def test_close_spellings(a, b):
    assert is_close(source_key(a), source_key(b))
    assert is_close(source_key(b), source_key(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("AMN", "ANF"),  # short keys are close only when equal
        ("SOHR", "SOH"),  # (one source, but not by closeness: the alias table says so)
        ("SNHR", "SOHR"),
        ("CNN", "CNN Arabic"),
        ("Daily Star", "daily star/AFP"),  # ratio 0.86
        ("BBC Monitoring Middle East", "BBC Monitoring European"),
        ("Syrian Network for Human Rights", "Syrian Observatory for Human Rights"),  # ratio 0.83
        ("Associated Press", "Associated Press Newswires"),
        ("The News", "News"),
    ],
)
def test_spellings_that_are_not_close(a, b):
    assert not is_close(source_key(a), source_key(b))


def test_the_fuzzy_edges_are_6_characters_and_a_ratio_of_0_9():
    assert closeness("abcdef", "abcdeg") == pytest.approx(5 / 6)  # 6 characters: compared, but 0.83
    assert closeness("abcdefghij", "abcdefghik") == pytest.approx(0.9)  # exactly 0.9: close
    assert is_close("abcdefghij", "abcdefghik")
    assert closeness("abcde", "abcdf") == 0.0  # 5 characters: equal or nothing


def _names(*spellings: tuple[str, str, str]) -> SourceNames:
    """Names as SourceNames.load reads them: (spelling, source id, how), aliases first."""
    known = {}
    for spelling, source_id, how in spellings:
        known.setdefault(source_key(spelling), (spelling, source_id, how))
    return SourceNames(known, {s for _, s, _ in spellings})


def test_what_a_spelling_names_and_what_an_import_says_of_it():
    names = _names(
        ("SOHR", "sohr", "alias"),
        ("Syria LiveuMap", "liveuamap", "alias"),
        ("AMN", "al-masdar-news", "alias"),
        ("Reuters", "reuters", "alias"),
        ("United Nations", "un", "source"),
    )
    assert names.name(" Sohr ", "sohr", 1) == names.name("SOHR", "sohr", 1)  # one key
    assert names.name("sohr", "sohr").how == "alias"
    spaced = names.name("S.O.H.R.", "s-o-h-r", 1)  # key "s o h r": close (equal without spaces), not one key
    assert (spaced.source_id, spaced.how, spaced.matched) == ("sohr", "close", "SOHR")
    found_by_name = names.name("UNITED NATIONS", "united-nations", 2)
    assert (found_by_name.source_id, found_by_name.how) == ("un", "source")
    close = names.name("Syria Live Map", "syria-live-map", 3)
    assert (close.source_id, close.how, close.matched) == ("liveuamap", "close", "Syria LiveuMap")
    new = names.name("ANF", "anf", 4)
    assert (new.source_id, new.how) == ("anf", "new")
    again = names.name("anf", "anf", 5)  # the key of a spelling that made a new source
    assert (again.source_id, again.how) == ("anf", "source")
    assert names.name("Syria Live Map", "syria-live-map", 6).how == "close"
    assert names.reason("SOHR") is None and names.reason("UNITED NATIONS") is None
    assert "'liveuamap'" in names.reason("Syria Live Map") and "'Syria LiveuMap'" in names.reason("Syria Live Map")
    assert "new source 'anf'" in names.reason("ANF")
    assert names.unknown() == [
        {
            "name": "S.O.H.R.",
            "source": "sohr",
            "outcome": "attributed",
            "matched_alias": "SOHR",
            "rows": 1,
            "citations": 1,
        },
        {
            "name": "Syria Live Map",
            "source": "liveuamap",
            "outcome": "attributed",
            "matched_alias": "Syria LiveuMap",
            "rows": 2,
            "citations": 2,
        },
        {"name": "ANF", "source": "anf", "outcome": "new_source", "matched_alias": None, "rows": 1, "citations": 1},
    ]
    # Aliases the import adds: found by a source's name, or the spelling that made a new source; never a close one.
    assert names.aliases == {"united nations": ("UNITED NATIONS", "un"), "anf": ("ANF", "anf")}


def test_of_several_close_spellings_the_closest_wins_then_the_lowest_source_id():
    names = _names(
        ("Reuters", "reuters", "alias"), ("Reuters News", "reuters", "alias"), ("Reutersx", "another", "alias")
    )
    close = names.name("Reuter News", "reuter-news")
    assert (close.source_id, close.matched) == ("reuters", "Reuters")  # 0.92 for both of reuters' spellings
    names = _names(("Syria Live Map", "zz-map", "alias"), ("SyriaLiveMap", "aa-map", "alias"))
    assert names.name("Syria Live Mapp", "syria-live-mapp").source_id == "aa-map"  # 0.96 for both


def test_a_new_source_is_close_to_the_next_spelling_of_it():
    names = _names()
    assert names.name("Enab Baladi", "enab-baladi").how == "new"
    close = names.name("Enab Baladii", "enab-baladii")
    assert (close.source_id, close.how, close.matched) == ("enab-baladi", "close", "Enab Baladi")
