"""Place-name normalisation: the keys importers compare names and aliases by."""

from __future__ import annotations

import re
import unicodedata

# Words that say what kind of place a name is, not which place: "Aleppo
# Governorate", "Jabal Saman district", "Teir Maaleh village".
GENERIC_WORDS = frozenset(
    {
        "governorate",
        "province",
        "muhafazat",
        "muhafazah",
        "district",
        "subdistrict",
        "sub",
        "nahiyat",
        "nahiya",
        "nahiyah",
        "mintaqat",
        "markaz",
        "town",
        "village",
        "city",
    }
)

# Arabic articles as transliterations write them, assimilated or not
# (al-Bab, ar-Raqqa, as-Sweida, ash-Shaykh, ad-Dana, az-Zabadani, ...).
ARTICLES = frozenset(
    {
        "al",
        "el",
        "ar",
        "as",
        "ash",
        "ad",
        "adh",
        "az",
        "at",
        "ath",
        "an",
        "aj",
        "ed",
        "ez",
        "es",
        "et",
        "en",
        "er",
        "ul",
    }
)

# One spelling for words every transliteration writes its own way.
VARIANTS = {
    "jebel": "jabal",
    "jbel": "jabal",
    "jabel": "jabal",
    "tell": "tall",
    "tel": "tall",
    "tal": "tall",
    "dayr": "deir",
    "dair": "deir",
    "der": "deir",
    "ain": "ayn",
    "ein": "ayn",
    "ayn": "ayn",
    "sheikh": "shaykh",
    "shaikh": "shaykh",
    "shekh": "shaykh",
    "sheik": "shaykh",
    "sheykh": "shaykh",
    "albu": "abu",
    "abou": "abu",
    "kfar": "kafr",
    "kafar": "kafr",
    "beit": "bayt",
    "bait": "bayt",
}

_APOSTROPHES = re.compile(r"['’‘`´ʿʾ]")
_NOT_WORD = re.compile(r"[^\w]+|_")
_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
_VOWELS = re.compile(r"[aeiouy]")
_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("q", "k"))
_REPEATS = re.compile(r"(.)\1+")


def _fold(name: str) -> str:
    """Lower case without diacritics, Arabic letter variants unified."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().translate(_ARABIC)


def tokens(name: str) -> list[str]:
    """The words of a name that identify the place, in one spelling."""
    text = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", _fold(name)))
    words = [VARIANTS.get(word, word) for word in text.split()]
    return [word for word in words if word not in GENERIC_WORDS and word not in ARTICLES]


def normalise(name: str) -> str:
    """The key two spellings of one name share: case, diacritics, articles and kind words removed."""
    return " ".join(tokens(name))


def _skeleton(word: str) -> str:
    if len(word) > 2 and word.endswith("h") and word[-2] in "aeiou":
        word = word[:-1]  # Hamah/Hama, Raqqah/Raqqa, Hasakeh/Hasaka
    for digraph, letter in _DIGRAPHS:
        word = word.replace(digraph, letter)
    return _REPEATS.sub(r"\1", _VOWELS.sub("", word))


def loose(name: str) -> str:
    """A looser key: consonants only, so Idlib/Idleb and Suwayda/Sweida meet; use only when unique."""
    return "".join(_skeleton(word) for word in tokens(name))
