"""What the extraction proposes is what Tally's write path takes: its tables name only Tally's qualifiers, metrics
and count kinds, so an accepted candidate never meets a 422 for a word the extractor made up."""

from __future__ import annotations

import itertools

from service.extraction.hedges import HEDGE_QUALIFIERS, TRAILING_HEDGES
from service.extraction.metrics import EVENT_PHRASES, EVENT_WORDS, PEOPLE_NOUNS, count_kind, metric_for
from service.vocabulary import COUNT_KINDS, METRIC_IDS, QUALIFIERS


def test_every_hedge_gives_a_tally_qualifier():
    assert set(HEDGE_QUALIFIERS.values()) | set(TRAILING_HEDGES.values()) <= set(QUALIFIERS)


def test_every_event_and_group_gives_a_tally_metric_and_count_kind():
    families = set(EVENT_WORDS.values()) | set(EVENT_PHRASES.values())
    groups = set(PEOPLE_NOUNS.values())
    metrics = {
        metric_for(family, group, children_besieged=besieged)
        for family, group, besieged in itertools.product(families, groups, (False, True))
    }
    assert metrics <= set(METRIC_IDS)
    assert {count_kind(family, has_period) for family in families for has_period in (False, True)} <= set(COUNT_KINDS)
