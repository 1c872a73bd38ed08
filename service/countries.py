"""Countries by name: ISO 3166's names (through pycountry) and the everyday English ones it lacks."""

from __future__ import annotations

from functools import cache

import pycountry

# Everyday English names that ISO 3166 does not give ("Russian Federation", "Türkiye"): aliases, so that a query or
# a text that writes them finds the country, and "Russia" in an article is not a district of Jamaica.
EVERYDAY_COUNTRY_NAMES = {
    "RUS": ("Russia",),
    "PSE": ("Palestine",),
    "TUR": ("Turkey",),
    "COD": ("DR Congo", "Congo-Kinshasa"),
    "COG": ("Republic of the Congo", "Congo-Brazzaville"),
    "CIV": ("Ivory Coast",),
    "CZE": ("Czech Republic",),
    "SWZ": ("Swaziland",),
    "MKD": ("Macedonia",),
    "MMR": ("Burma",),
    "TLS": ("East Timor",),
    "CPV": ("Cape Verde",),
    "GMB": ("The Gambia",),
    "GBR": ("Britain",),
}


def country_names(iso3: str) -> tuple[str | None, tuple[str, ...]]:
    """A country's name by ISO 3166 (its common name where it has one, "State of Palestine" for "Palestine, State
    of"), and its other names: ISO's own, its official name, everyday ones. (None, ()) for a code ISO lacks."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return None, EVERYDAY_COUNTRY_NAMES.get(iso3, ())
    iso_name: str = country.name
    head, _, tail = iso_name.partition(", ")
    inverted = f"{tail} {head}".removeprefix("The ") if tail.endswith((" of", " of the")) else None
    name = getattr(country, "common_name", None) or inverted or iso_name
    official = getattr(country, "official_name", None)
    written = [iso_name, official.removeprefix("the ") if official else None, *EVERYDAY_COUNTRY_NAMES.get(iso3, ())]
    return name, tuple(dict.fromkeys(other for other in written if other and other != name))


def iso_counterpart(code: str) -> str | None:
    """A country's other ISO 3166 code: SYR for SY, SS for SSD; None when code is neither."""
    if not code.isascii() or len(code) not in (2, 3):
        return None
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code.upper())
        return None if country is None else str(country.alpha_3)
    country = pycountry.countries.get(alpha_3=code.upper())
    return None if country is None else str(country.alpha_2)


@cache
def every_country_name() -> frozenset[str]:
    """Every name, lower-cased, that any ISO 3166 country goes by (ISO's, common, official, everyday)."""
    names: set[str] = set()
    for country in pycountry.countries:
        name, others = country_names(country.alpha_3)
        names.update(written.lower() for written in (name, *others) if written)
    return frozenset(names)
