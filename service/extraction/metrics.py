"""What a number counts: the metric, the population group and the kind of count, from the words around it."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _each(words: str) -> list[str]:
    """The words of a space-separated list."""
    return words.split()


# Event words and the family of metrics they name. A phrase counts as a whole ("death toll", "under siege").
EVENT_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _each(
            "killed dead died die dying deaths death fatalities martyrs martyred killing kill kills slain "
            "casualties toll bodies massacred executed perished"
        ),
        "killed",
    ),
    **dict.fromkeys(_each("wounded injured injuries wounding wounds injuring injures hurt maimed"), "injured"),
    **dict.fromkeys(
        _each(
            "displaced fled flee fleeing flees escaped escape escaping evacuated evacuating evacuation "
            "evacuees moving move moved uprooted relocated displacement movements displacements left leave "
            "leaving displaces displacing evacuates uproots"
        ),
        "displaced",
    ),
    **dict.fromkeys(_each("refugees refugee hosts hosting hosted"), "refugees"),
    **dict.fromkeys(_each("trapped besieged stranded encircled"), "trapped"),
    "idps": "idps",
}
EVENT_PHRASES: dict[str, str] = {
    "death toll": "killed",
    "lost their lives": "killed",
    "under siege": "trapped",
    "brought out": "displaced",
    "forced from": "displaced",
    "driven from": "displaced",
    "internally displaced": "idps",
    "sought refuge": "refugees",
    "crossed into": "refugees",
    "temporary protection": "refugees",
}
# Nouns that count people, and the population group they name.
PEOPLE_NOUNS: dict[str, str] = {
    **dict.fromkeys(_each("civilians civilian citizens citizen noncombatants"), "civilians"),
    **dict.fromkeys(_each("children child kids minors girls boys babies infants students pupils"), "children"),
    **dict.fromkeys(_each("women woman elderly"), "civilians"),
    **dict.fromkeys(
        _each(
            "fighters fighter militants militant rebels rebel soldiers soldier troops combatants members "
            "insurgents gunmen jihadists policemen"
        ),
        "fighters",
    ),
    **dict.fromkeys(
        _each(
            "people persons person residents employees staff volunteers detainees prisoners hostages passengers "
            "protesters demonstrators teachers doctors nurses medics paramedics farmers fishermen pilgrims "
            "worshippers inhabitants individuals men victims patients workers "
            "journalists others more locals villagers migrants evacuees refugees idps casualties dead "
            "wounded injured displaced martyrs bodies"
        ),
        "people",
    ),
}
# Nouns after a number that say it counts no people.
NOT_PEOPLE_NOUNS = frozenset(
    _each(
        "families family households homes houses buildings convoys buses trucks vehicles raids strikes "
        "airstrikes attacks shells rockets missiles barrel bombs schools hospitals facilities villages "
        "towns towns cities conflicts wars times tonnes tons dollars meals rations tents kits doses beds "
        "calls sites"
    )
)
# Words that end the phrase a number belongs to.
CLAUSE_BREAKS = frozenset({";", ":", "while", "whereas", "but", "although", "though", "because"})
MODALS = frozenset({"will", "could", "may", "might", "would", "should", "can"})
_HYPOTHETICAL = re.compile(
    r"\b(?:at\s+(?:\w+\s+)?risk|could\s+(?:affect|face|be)|if\b|possibly|threaten(?:s|ing)?\b|likely\s+to)"
)
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ians|ans|is|ese)$")


@dataclass(frozen=True)
class Counted:
    """What a number counts."""

    metric: str
    population_group: str
    count_kind: str
    reason: str


def event_family(word: str) -> str | None:
    """The metric family an event word names, or None."""
    return EVENT_WORDS.get(word.lower())


def population(word: str) -> str | None:
    """The population group a noun names ('civilians', 'children', 'fighters', 'people'), or None."""
    lower = word.lower()
    if lower in PEOPLE_NOUNS:
        return PEOPLE_NOUNS[lower]
    return "people" if _DEMONYM.match(word) else None


def is_not_people(word: str) -> bool:
    """A noun that counts things, not people ('families', 'convoys')."""
    return word.lower() in NOT_PEOPLE_NOUNS


def metric_for(family: str, group: str, *, children_besieged: bool = False) -> str:
    """The metric of a family of events for a population group: 'killed' + 'civilians' is civilians_killed."""
    civilian = group in ("civilians", "children")
    if family in ("killed", "injured"):
        return f"{'civilians' if civilian else 'people'}_{family}"
    if family == "trapped":
        return "children_under_siege" if group == "children" and children_besieged else "people_trapped"
    return family


def count_kind(family: str, has_period: bool) -> str:
    """A stock for those trapped, besieged, displaced as a stock or refugees; a total over a period, or an event."""
    if family in ("trapped", "idps", "refugees"):
        return "stock"
    return "period_total" if has_period else "event"


def is_hypothetical(words: str) -> bool:
    """'at dire risk', 'could affect', 'if', 'possibly': people who might be counted, not people counted."""
    return bool(_HYPOTHETICAL.search(words.lower()))
