"""Tally's words, declared once: metrics, statuses, qualifiers, count kinds, kinds of places and sources.

The database holds the same lists as rows or CHECK constraints (migrations
0001, 0002, 0011); tests/db hold the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """What is counted; `collection` is the path of its own figure collection under /v1, if it has one."""

    id: str
    collection: str | None = None


# A new metric is a migration that adds its row to the metric table, and one line here.
METRICS = (
    Metric("people_trapped", "people-trapped"),
    Metric("children_under_siege", "children-under-siege"),
    Metric("civilians_killed", "civilians-killed"),
    Metric("civilians_injured", "civilians-injured"),
    Metric("people_killed"),
    Metric("people_injured"),
    Metric("displaced", "displaced"),
    Metric("refugees"),
    Metric("idps"),
)
METRIC_IDS = tuple(metric.id for metric in METRICS)
# Collection path -> metric id, for the metrics that have a collection of their own.
METRIC_COLLECTIONS = {metric.collection: metric.id for metric in METRICS if metric.collection}

STATUSES = ("reported", "verified", "disputed", "retracted")
# Statuses a client may set directly; disputes and retraction have their own endpoints.
SETTABLE_STATUSES = ("reported", "verified")
QUALIFIERS = ("exact", "approximately", "at_least", "more_than", "at_most", "fewer_than")
COUNT_KINDS = ("event", "period_total", "stock")
LOCATION_KINDS = ("country", "admin1", "admin2", "admin3", "admin4", "city", "neighbourhood", "village", "area")
SOURCE_KINDS = (
    "un_agency",
    "ngo",
    "monitor",
    "government",
    "military",
    "armed_group",
    "media",
    "individual",
    "dataset",
)
