"""Name matching for importers: p-code, normalised names and aliases, looser spellings, never a guess."""

from __future__ import annotations

import pytest

from service.countries import country_names
from service.importers.names import loose, normalise
from service.importers.places import Gazetteer, Place


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jabal Saman district", "Jebel Saman"),
        ("Aleppo Governorate", "Aleppo"),
        ("Mount Simeon Sub-district", "mount simeon"),
        ("Teir Maaleh village", "Teir Maaleh"),
        ("Damascus city", "Damascus"),
        ("Al-Hasakeh", "al Hasakeh"),
        ("Ḩuraytān", "Huraytan"),
        ("Ras al-Ain", "Ras al Ayn"),
        ("Tell Abiad", "Tall Abiad"),
        ("Albu Kamal district", "Abu Kamal"),
        ("ash-Sheikh Maqsoud", "Sheikh Maqsoud"),
        ("Dar'a", "Dara"),
        ("حلب", "حلب"),
    ],
)
def test_spellings_of_one_name_share_a_key(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Idlib Governorate", "Idleb"),
        ("As Suwayda Governorate", "As-Sweida"),
        ("Hamah Governorate", "Hama"),
        ("Ar Raqqah Governorate", "Ar-Raqqa"),
        ("Latakia Governorate", "Lattakia"),
        ("Maarat al-Numaan district", "Maarrat al Numan"),
        ("Jisr ash Shughur district", "Jisr-Ash-Shugur"),
    ],
)
def test_transliterations_meet_on_the_loose_key_only(a, b):
    assert normalise(a) != normalise(b)
    assert loose(a) == loose(b)


@pytest.mark.parametrize(("a", "b"), [("Homs", "Hama"), ("Aleppo", "Idlib"), ("Azaz", "Afrin")])
def test_different_places_keep_different_keys(a, b):
    assert normalise(a) != normalise(b)
    assert loose(a) != loose(b)


def _gazetteer() -> Gazetteer:
    places = [
        Place("SY", "SY", "Syria", "سوريا", ("SYR",), "country", None),
        Place("SY02", "SY02", "Aleppo", "حلب", (), "admin1", "SY"),
        Place("SY05", "SY05", "Hama", None, (), "admin1", "SY"),
        Place("SY0200", "SY0200", "Jebel Saman", None, ("Mount Simeon",), "admin2", "SY02"),
        Place("SY0204", "SY0204", "A'zaz", None, (), "admin2", "SY02"),
        Place("SY020001", "SY020001", "Atareb", None, ("Atarib",), "admin3", "SY0200"),
        Place("SY0501", "SY0501", "Hama", None, (), "admin2", "SY05"),
        Place("SY0502", "SY0502", "As-Suqaylabiyah", None, ("Hama",), "admin2", "SY05"),
    ]
    return Gazetteer({p.id: p for p in places})


@pytest.mark.parametrize(
    ("name", "within", "kinds", "expected", "method"),
    [
        ("SY0204", "SY02", ("admin2",), "SY0204", "pcode"),
        ("Jabal Saman district", "SY02", ("admin2", "admin3"), "SY0200", "name"),
        ("Mintaqat Azaz district", "SY02", ("admin2", "admin3"), "SY0204", "name"),
        ("Atarib district", "SY02", ("admin2", "admin3"), "SY020001", "name"),
        ("Aleppo Governorate", "SY", ("admin1",), "SY02", "name"),
        ("Syria", None, ("country",), "SY", "name"),
    ],
)
def test_names_lead_to_the_one_place_of_the_first_kind_that_has_them(name, within, kinds, expected, method):
    match = _gazetteer().match(name, within=within, kinds=kinds)
    assert (match.location_id, match.method) == (expected, method)


def test_a_name_two_places_answer_to_is_no_match_and_names_both():
    match = _gazetteer().match("Hama district", within="SY05", kinds=("admin2",))
    assert match.location_id is None
    assert match.method == "ambiguous"
    assert match.candidates == ("SY0501", "SY0502")


def test_a_name_outside_the_unit_is_not_found_there():
    assert _gazetteer().match("Jabal Saman district", within="SY05", kinds=("admin2",)).location_id is None
    assert _gazetteer().match("Atlantis", within=None, kinds=("country",)).location_id is None


@pytest.mark.parametrize(
    ("iso3", "name", "others"),
    [
        ("SYR", "Syria", ("Syrian Arab Republic",)),  # ISO's common name first
        ("RUS", "Russian Federation", ("Russia",)),  # an everyday name ISO lacks, as an alias
        ("PSE", "State of Palestine", ("Palestine, State of", "Palestine")),  # "X, Y of" read as "Y X"
        (
            "COD",
            "Democratic Republic of the Congo",
            ("Congo, The Democratic Republic of the", "DR Congo", "Congo-Kinshasa"),
        ),
        ("BES", "Bonaire, Sint Eustatius and Saba", ()),  # a comma that is no inversion stays
        ("XKX", None, ()),  # a code ISO 3166 does not assign
    ],
)
def test_countries_are_named_by_iso_3166_with_their_everyday_names_as_aliases(iso3, name, others):
    assert country_names(iso3) == (name, others)
