"""Totals: the rules of what may be added up (pure functions), then the endpoints over HTTP."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from jsonschema import Draft202012Validator

from service import db
from service.api.figures import METRIC_COLLECTIONS
from service.cli import render_openapi
from service.totals import Candidate, compute_totals, location_bucket, place_relation, resolve

# Paths from the root of the seed's location hierarchy.
SY = ("SY",)
CITY = ("SY", "SY02", "SY0200", "SY020000", "aleppo-city")
EAST = (*CITY, "eastern-aleppo")
BUSTAN = (*EAST, "bustan-al-basha")
WEST = (*CITY, "western-aleppo")
SHEIKH_MAQSOUD = (*CITY, "sheikh-maqsoud")
ANJARA = ("SY", "SY02", "SY0200", "anjara")
_ADMIN_LEVEL = {"SY": 0, "SY02": 1, "SY0200": 2, "SY020000": 3}


def fig(id: int, value: int, *, source: str = "sohr", kind: str = "period_total", start: str = "2016-11-01",
        end: str | None = None, stated: str | None = None, place: tuple = EAST, status: str = "reported",
        origin: tuple | None = None, destination: tuple | None = None) -> Candidate:
    """A candidate figure; the period ends where it starts and is stated on its last day unless told."""
    end = end or start
    return Candidate(
        id=id, source_id=source, count_kind=kind, value=value, qualifier="exact", status=status,
        period_start=dt.date.fromisoformat(start), period_end=dt.date.fromisoformat(end),
        stated_on=dt.date.fromisoformat(stated or end), location_path=place,
        location_levels=tuple(_ADMIN_LEVEL.get(p) for p in place), origin_path=origin, destination_path=destination)


def summary(totals) -> list[tuple]:
    """(source, period, location, basis, sum, ids added, [(left out id, reason, kept id)])."""
    return [(t.source_id, t.period, t.location_id, t.basis, d["sum"], d["figure_ids"],
             [(x["figure_id"], x["reason"], x["kept_figure_id"]) for x in d["left_out"]])
            for t in totals for d in [t.as_dict()]]


# --- Rule 1: figures of different sources are never added together ---------------------------

def test_different_sources_are_never_added_together():
    totals = compute_totals([fig(1, 250, source="sohr"), fig(2, 300, source="lcc")])
    assert summary(totals) == [("lcc", None, None, "count", 300, [2], []),
                               ("sohr", None, None, "count", 250, [1], [])]


def test_two_sources_stating_the_same_stock_stay_side_by_side():
    # The seed's UNICEF and UN "500,000 children under siege": never 1,000,000.
    totals = compute_totals([fig(5, 500000, source="unicef", kind="stock", place=SY),
                             fig(6, 500000, source="un", kind="stock", place=SY)])
    assert [(t.source_id, t.as_dict()["sum"]) for t in totals] == [("un", 500000), ("unicef", 500000)]


# --- Rule 2: disputed and retracted figures are left out unless asked for --------------------

def test_disputed_and_retracted_are_left_out_by_default():
    candidates = [fig(1, 10), fig(2, 20, start="2016-11-02", status="disputed"),
                  fig(3, 30, start="2016-11-03", status="retracted")]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "count", 10, [1], [(2, "disputed", None), (3, "retracted", None)])]


def test_disputed_and_retracted_are_added_when_asked_for():
    candidates = [fig(1, 10), fig(2, 20, start="2016-11-02", status="disputed"),
                  fig(3, 30, start="2016-11-03", status="retracted")]
    assert summary(compute_totals(candidates, include_disputed=True)) == [
        ("sohr", None, None, "count", 30, [1, 2], [(3, "retracted", None)])]
    assert summary(compute_totals(candidates, include_disputed=True, include_retracted=True)) == [
        ("sohr", None, None, "count", 60, [1, 2, 3], [])]


def test_a_source_with_nothing_to_add_has_a_null_sum_not_zero():
    assert summary(compute_totals([fig(9, 22, status="disputed")])) == [
        ("sohr", None, None, "count", None, [], [(9, "disputed", None)])]


# --- Events ---------------------------------------------------------------------------------

def test_events_of_one_source_add_up_even_on_the_same_day_and_place():
    candidates = [fig(1, 15, kind="event", place=ANJARA), fig(2, 3, kind="event", place=ANJARA),
                  fig(3, 4, kind="event", place=EAST)]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 22, [1, 2, 3], [])]


def test_events_covered_by_a_period_total_of_the_same_source_are_left_out():
    total = fig(1, 250, start="2016-11-15", end="2016-11-27")
    same_place = fig(2, 15, kind="event", start="2016-11-20")
    inside = fig(3, 7, kind="event", start="2016-11-21", place=BUSTAN)
    outside_period = fig(4, 5, kind="event", start="2016-11-28")
    elsewhere = fig(5, 9, kind="event", start="2016-11-20", place=ANJARA)
    used, left_out = resolve([total, same_place, inside, outside_period, elsewhere])
    assert [c.id for c in used] == [1, 4, 5]
    assert [(x.figure_id, x.reason, x.kept_figure_id) for x in left_out] == [(2, "covered", 1), (3, "covered", 1)]


def test_an_event_is_covered_only_by_a_total_whose_place_and_period_hold_it():
    """Overlap is not containment: the seed's 13 days in eastern Aleppo do not cover an event in the
    governorate, in another part of the city, or one that runs on past the 13 days."""
    total = fig(1, 250, start="2016-11-15", end="2016-11-27")
    in_the_governorate = fig(2, 4, kind="event", start="2016-11-20", place=("SY", "SY02"))
    in_the_west = fig(3, 6, kind="event", start="2016-11-20", place=WEST)
    running_on = fig(4, 8, kind="event", start="2016-11-15", end="2016-12-12")
    begun_before = fig(5, 3, kind="event", start="2016-11-10", end="2016-11-16")
    inside = fig(6, 2, kind="event", start="2016-11-15", end="2016-11-27", place=BUSTAN)
    used, left_out = resolve([total, in_the_governorate, in_the_west, running_on, begun_before, inside])
    assert [c.id for c in used] == [1, 2, 3, 4, 5]
    assert [(x.figure_id, x.reason, x.kept_figure_id) for x in left_out] == [(6, "covered", 1)]


def test_a_flow_event_with_an_unknown_origin_is_not_covered_by_a_total_from_a_known_one():
    total = fig(1, 1700, start="2016-11-20", end="2016-11-27", origin=EAST, destination=WEST)
    unknown_origin = fig(2, 40, kind="event", start="2016-11-21", destination=WEST)
    known_origin = fig(3, 30, kind="event", start="2016-11-21", origin=BUSTAN, destination=WEST)
    used, left_out = resolve([total, unknown_origin, known_origin])
    assert [c.id for c in used] == [1, 2]
    assert [(x.figure_id, x.reason) for x in left_out] == [(3, "covered")]


def test_hand_entered_and_dataset_figures_are_separate_totals():
    hand = fig(1, 250, start="2016-11-15", end="2016-11-27")
    imported = fig(2, 15, kind="event", start="2016-11-20")._replace(dataset_id="ucdp-ged")
    assert [(t.source_id, t.dataset_id, t.as_dict()["sum"]) for t in compute_totals([hand, imported])] == [
        ("sohr", None, 250), ("sohr", "ucdp-ged", 15)]


def test_events_of_another_source_are_not_covered_by_a_period_total():
    totals = compute_totals([fig(1, 250, start="2016-11-15", end="2016-11-27"),
                             fig(2, 15, kind="event", start="2016-11-20", source="lcc")])
    assert summary(totals) == [("lcc", None, None, "count", 15, [2], []),
                               ("sohr", None, None, "count", 250, [1], [])]


# --- Period totals --------------------------------------------------------------------------

def test_period_totals_with_separate_periods_add_up():
    candidates = [fig(1, 100, start="2016-11-01", end="2016-11-14"), fig(2, 250, start="2016-11-15", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 350, [1, 2], [])]


def test_period_totals_of_places_apart_add_up_over_one_period():
    candidates = [fig(1, 250, start="2016-11-15", end="2016-11-27"),
                  fig(2, 40, start="2016-11-15", end="2016-11-27", place=ANJARA)]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 290, [1, 2], [])]


def test_overlapping_period_totals_for_one_place_keep_the_latest_stated():
    early = fig(1, 250, start="2016-11-15", end="2016-11-27", stated="2016-11-27")
    later = fig(2, 300, start="2016-11-15", end="2016-11-28", stated="2016-11-28")
    used, left_out = resolve([early, later])
    assert [c.id for c in used] == [2]
    assert left_out[0].figure_id == 1 and left_out[0].reason == "overlap" and left_out[0].kept_figure_id == 2
    assert left_out[0].detail == ("Its period overlaps that of figure 2 for the same place; "
                                  "figure 2 was stated later (2016-11-28) and stands.")


def test_overlapping_period_totals_stated_the_same_day_keep_the_last_entered():
    used, left_out = resolve([fig(7, 250, start="2016-11-15", end="2016-11-27"),
                              fig(3, 260, start="2016-11-20", end="2016-11-27")])
    assert [c.id for c in used] == [7]
    assert [(x.figure_id, x.reason, x.kept_figure_id) for x in left_out] == [(3, "overlap", 7)]
    assert left_out[0].detail.endswith("figure 7 was entered later and stands.")


def test_overlapping_period_totals_for_nested_places_keep_the_containing_place():
    # Stated later, but inside eastern Aleppo: the eastern Aleppo figure already counts it.
    bustan = fig(1, 40, start="2016-11-20", end="2016-11-22", place=BUSTAN, stated="2016-11-30")
    east = fig(2, 250, start="2016-11-15", end="2016-11-27")
    used, left_out = resolve([bustan, east])
    assert [c.id for c in used] == [2]
    assert [(x.figure_id, x.reason, x.kept_figure_id) for x in left_out] == [(1, "containing_place", 2)]
    assert left_out[0].detail == ("One place contains the other and the periods overlap; "
                                  "figure 2 is for the containing place and stands.")


def test_nested_places_with_separate_periods_add_up():
    candidates = [fig(1, 40, start="2016-11-01", end="2016-11-05", place=BUSTAN),
                  fig(2, 250, start="2016-11-15", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 290, [1, 2], [])]


def test_a_figure_left_out_does_not_block_others():
    # 1 stands (widest place); 2 overlaps it and goes; 3 overlaps only 2, so it is added.
    candidates = [fig(1, 250, start="2016-11-15", end="2016-11-20", place=CITY),
                  fig(2, 40, start="2016-11-18", end="2016-11-25", place=EAST),
                  fig(3, 30, start="2016-11-23", end="2016-11-27", place=BUSTAN)]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "count", 280, [1, 3], [(2, "containing_place", 1)])]


# --- Stocks ---------------------------------------------------------------------------------

def test_stocks_never_add_up_over_time_the_latest_per_place_stands():
    candidates = [fig(1, 275000, kind="stock", start="2016-10-01"), fig(2, 250000, kind="stock", start="2016-11-27"),
                  fig(3, 260000, kind="stock", start="2016-11-10")]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "stock", 250000, [2], [(1, "stock", 2), (3, "stock", 2)])]
    assert compute_totals(candidates)[0].left_out[0].detail == (
        "Stocks do not add up over time: figure 2 for the same place, as of 2016-11-27, stands.")


def test_stocks_for_a_place_and_a_place_inside_it_are_not_both_added():
    candidates = [fig(1, 500000, kind="stock", place=SY, start="2016-11-27"),
                  fig(2, 100000, kind="stock", place=EAST, start="2016-12-10")]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "stock", 500000, [1], [(2, "containing_place", 1)])]


def test_stocks_for_places_apart_add_up():
    candidates = [fig(1, 250000, kind="stock", place=EAST), fig(2, 1000, kind="stock", place=ANJARA)]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "stock", 251000, [1, 2], [])]


def test_stocks_and_counts_of_one_source_are_separate_totals():
    candidates = [fig(1, 250000, kind="stock"), fig(2, 250, start="2016-11-15", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 250, [2], []),
                                                   ("sohr", None, None, "stock", 250000, [1], [])]


# --- Flows (displacement): place = location, origin and destination ---------------------------

def test_flows_to_different_destinations_add_up():
    # The seed's SOHR: 1,700 to western Aleppo and 2,500 to Sheikh Maqsoud over the same days.
    candidates = [fig(2, 1700, place=CITY, origin=EAST, destination=WEST, start="2016-11-26", end="2016-11-27"),
                  fig(3, 2500, place=CITY, origin=EAST, destination=SHEIKH_MAQSOUD,
                      start="2016-11-26", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 4200, [2, 3], [])]


def test_flows_with_nested_origins_overlap():
    wide = fig(1, 1700, place=CITY, origin=EAST, destination=WEST)
    narrow = fig(2, 300, place=CITY, origin=BUSTAN, destination=WEST)
    assert place_relation(wide, narrow) == "nested"
    assert summary(compute_totals([wide, narrow])) == [
        ("sohr", None, None, "count", 1700, [1], [(2, "containing_place", 1)])]


def test_an_unknown_origin_may_be_anywhere():
    known = fig(1, 1700, place=CITY, origin=EAST, destination=WEST)
    unknown = fig(2, 2000, place=CITY, origin=None, destination=WEST)
    assert place_relation(known, unknown) == "nested"
    assert summary(compute_totals([known, unknown])) == [
        ("sohr", None, None, "count", 2000, [2], [(1, "containing_place", 2)])]


# --- Buckets --------------------------------------------------------------------------------

def test_month_buckets_and_counts_that_span_them():
    candidates = [fig(1, 100, start="2016-11-01", end="2016-11-14"), fig(2, 80, start="2016-12-01", end="2016-12-05"),
                  fig(3, 250, start="2016-11-20", end="2016-12-03")]
    assert summary(compute_totals(candidates, by="month")) == [
        ("sohr", "2016-11", None, "count", 100, [1], []),
        ("sohr", "2016-12", None, "count", 80, [2], [(3, "spans_buckets", None)])]
    assert summary(compute_totals(candidates, by="year")) == [
        ("sohr", "2016", None, "count", 180, [1, 2], [(3, "overlap", 2)])]


def test_stocks_go_to_the_bucket_of_their_period_end():
    candidates = [fig(1, 275000, kind="stock", start="2016-08-25", end="2016-10-31"),
                  fig(2, 250000, kind="stock", start="2016-11-27")]
    assert summary(compute_totals(candidates, by="month")) == [
        ("sohr", "2016-10", None, "stock", 275000, [1], []),
        ("sohr", "2016-11", None, "stock", 250000, [2], [])]


def test_location_buckets_use_the_deepest_administrative_unit_at_or_above_the_level():
    assert location_bucket(fig(1, 1, place=EAST), 3) == "SY020000"
    assert location_bucket(fig(1, 1, place=ANJARA), 3) == "SY0200"  # a village under no admin3
    assert location_bucket(fig(1, 1, place=EAST), 1) == "SY02"
    assert location_bucket(fig(1, 1, place=SY), 1) == "SY"  # a country-wide figure stays country-wide
    assert location_bucket(fig(1, 1, place=("lonely-area",)), 1) == "lonely-area"


def test_location_buckets_are_totalled_apart():
    candidates = [fig(1, 250, place=EAST), fig(2, 15, place=ANJARA), fig(3, 4, place=("SY", "golan-heights"))]
    assert summary(compute_totals(candidates, level=2)) == [
        ("sohr", None, "SY", "count", 4, [3], []),
        ("sohr", None, "SY0200", "count", 265, [1, 2], [])]


# --- Over HTTP --------------------------------------------------------------------------------

DEFAULTS = {"metric": "civilians_killed", "count_kind": "period_total", "qualifier": "exact", "low": None,
            "high": None, "population_group": "civilians", "location": "eastern-aleppo", "origin": None,
            "destination": None, "start": "2016-11-01", "end": None, "stated_on": None, "source": "sohr",
            "status": "reported", "status_note": None}


def add(url: str, value: int, **fields) -> int:
    """Insert a figure into the test database; return its id."""
    row = DEFAULTS | fields | {"value": value}
    row["end"] = row["end"] or row["start"]
    row["stated_on"] = row["stated_on"] or row["end"]
    with db.connect(url) as conn:
        return conn.execute(
            """INSERT INTO figure (metric_id, count_kind, value, low, high, qualifier, population_group, location_id,
                                   origin_id, destination_id, period_start, period_end, stated_on, source_id,
                                   document_id, status, status_note)
               VALUES (%(metric)s, %(count_kind)s, %(value)s, %(low)s, %(high)s, %(qualifier)s, %(population_group)s,
                       %(location)s, %(origin)s, %(destination)s, %(start)s, %(end)s, %(stated_on)s, %(source)s, 1,
                       %(status)s, %(status_note)s)
               RETURNING id""", row).fetchone()["id"]


def totals(client, url: str) -> list[tuple]:
    """(source, period, location, basis, sum, ids, [(left out id, reason, kept id)]) per total."""
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [(t["source"]["id"], t["period"], t["location"] and t["location"]["id"], t["basis"], t["sum"],
             t["figure_ids"], [(x["figure_id"], x["reason"], x["kept_figure_id"]) for x in t["left_out"]])
            for t in response.get_json()["totals"]]


def test_seed_civilians_killed_per_source(client):
    assert totals(client, "/v1/civilians-killed/totals") == [
        ("lcc", None, None, "count", 15, [7], []),
        ("sohr", None, None, "count", 250, [4], [])]


def test_seed_children_under_siege_never_adds_unicef_and_un(client):
    assert totals(client, "/v1/children-under-siege/totals") == [
        ("un", None, None, "stock", 500000, [6], []),
        ("unicef", None, None, "stock", 500000, [5], [])]


def test_seed_displaced_per_source(client):
    assert totals(client, "/v1/displaced/totals") == [
        ("eastern-aleppo-residents", None, None, "count", 2000, [13], []),
        ("khaled-khatib", None, None, "count", 2000, [12], []),
        ("sdf", None, None, "count", 2000, [11], []),
        ("sohr", None, None, "count", 4200, [2, 3], [])]


def test_figures_totals_reports_the_whole_total(client):
    response = client.get("/v1/figures/totals?metric=civilians_killed&source=sohr")
    assert response.get_json() == {
        "metric": "civilians_killed", "group_by": ["source", "dataset"], "level": None,
        "include_disputed": False, "include_retracted": False,
        "totals": [{
            "source": {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"},
            "period": None, "location": None, "basis": "count", "dataset": None, "sum": 250, "figure_ids": [4],
            "qualifiers": ["more_than"], "period_start": "2016-11-15", "period_end": "2016-11-27", "left_out": []}]}


def test_disputed_seed_figure_is_left_out_unless_asked_for(client):
    assert totals(client, "/v1/figures/totals?metric=people_injured") == [
        ("turkish-general-staff", None, None, "count", None, [], [(9, "disputed", None)])]
    assert totals(client, "/v1/figures/totals?metric=people_injured&include_disputed=true") == [
        ("turkish-general-staff", None, None, "count", 22, [9], [])]


def test_retracted_figure_is_left_out_unless_asked_for(write_client, fresh_url):
    retracted = add(fresh_url, 40, location="anjara", source="lcc", start="2016-11-26", status="retracted",
                    status_note="Counted the same airstrike twice.")
    assert totals(write_client, "/v1/civilians-killed/totals?source=lcc") == [
        ("lcc", None, None, "count", 15, [7], [(retracted, "retracted", None)])]
    assert totals(write_client, "/v1/civilians-killed/totals?source=lcc&include_retracted=true") == [
        ("lcc", None, None, "count", 55, [7, retracted], [])]


def test_overlapping_period_totals_of_one_source_are_not_summed(write_client, fresh_url):
    # SOHR restates eastern Aleppo's toll a day later over a longer period: only the newer one counts.
    newer = add(fresh_url, 300, start="2016-11-15", end="2016-11-28", stated_on="2016-11-28")
    earlier_month = add(fresh_url, 120, start="2016-11-01", end="2016-11-10")
    body = write_client.get("/v1/civilians-killed/totals?source=sohr").get_json()
    [total] = body["totals"]
    assert (total["sum"], total["figure_ids"]) == (420, [newer, earlier_month])
    assert total["left_out"] == [{
        "figure_id": 4, "reason": "overlap", "kept_figure_id": newer,
        "detail": f"Its period overlaps that of figure {newer} for the same place; "
                  f"figure {newer} was stated later (2016-11-28) and stands."}]


def test_nested_places_are_not_summed(write_client, fresh_url):
    bustan = add(fresh_url, 40, location="bustan-al-basha", start="2016-11-20", end="2016-11-22")
    before = add(fresh_url, 12, location="bustan-al-basha", start="2016-11-02")
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr") == [
        ("sohr", None, None, "count", 262, [4, before], [(bustan, "containing_place", 4)])]


def test_stocks_over_time_and_nested_places_are_not_summed(write_client, fresh_url):
    source = "article-2016-11-27"
    older = add(fresh_url, 275000, metric="people_trapped", count_kind="stock", source=source,
                population_group="people", start="2016-10-01")
    inside = add(fresh_url, 30000, metric="people_trapped", count_kind="stock", source=source,
                 population_group="people", location="bustan-al-basha", start="2016-11-27")
    apart = add(fresh_url, 1000, metric="people_trapped", count_kind="stock", source=source,
                population_group="people", location="anjara", start="2016-11-27")
    assert totals(write_client, "/v1/people-trapped/totals") == [
        (source, None, None, "stock", 251000, [1, apart], [(older, "stock", 1), (inside, "containing_place", 1)])]


def test_two_sources_are_never_summed_even_for_one_place_and_period(write_client, fresh_url):
    lcc = add(fresh_url, 260, source="lcc", start="2016-11-15", end="2016-11-27")
    assert totals(write_client, "/v1/civilians-killed/totals?location=eastern-aleppo") == [
        ("lcc", None, None, "count", 260, [lcc], []),
        ("sohr", None, None, "count", 250, [4], [])]


def test_group_by_month_and_figures_spanning_months(write_client, fresh_url):
    december = add(fresh_url, 80, start="2016-12-01", end="2016-12-05")
    spanning = add(fresh_url, 400, location="anjara", start="2016-11-28", end="2016-12-02")
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr&group_by=month") == [
        ("sohr", "2016-11", None, "count", 250, [4], []),
        ("sohr", "2016-12", None, "count", 80, [december], [(spanning, "spans_buckets", None)])]
    assert totals(write_client, "/v1/civilians-killed/totals?source=sohr&group_by=year") == [
        ("sohr", "2016", None, "count", 730, [4, december, spanning], [])]


def test_group_by_location_level(client):
    assert totals(client, "/v1/figures/totals?metric=civilians_killed&group_by=location_level&level=admin3") == [
        ("lcc", None, "SY0200", "count", 15, [7], []),
        ("sohr", None, "SY020000", "count", 250, [4], [])]
    body = client.get("/v1/figures/totals?metric=civilians_killed&group_by=location_level").get_json()
    assert body["level"] == "admin1"
    assert [(t["location"]["id"], t["location"]["name"]) for t in body["totals"]] == [
        ("SY02", "Aleppo"), ("SY02", "Aleppo")]


def test_filters_narrow_the_candidates(client):
    assert totals(client, "/v1/civilians-killed/totals?location=anjara") == [("lcc", None, None, "count", 15, [7], [])]
    assert totals(client, "/v1/civilians-killed/totals?from=2016-11-27&to=2016-11-27&source=lcc") == [
        ("lcc", None, None, "count", 15, [7], [])]
    assert totals(client, "/v1/displaced/totals?destination=sheikh-maqsoud") == [
        ("sdf", None, None, "count", 2000, [11], []), ("sohr", None, None, "count", 2500, [3], [])]
    assert totals(client, "/v1/civilians-killed/totals?from=2017") == []


@pytest.mark.parametrize("path", METRIC_COLLECTIONS)
def test_every_collection_has_totals(client, path):
    assert client.get(f"/v1/{path}/totals").status_code == 200


@pytest.mark.parametrize(("url", "status", "field", "message"), [
    ("/v1/figures/totals", 422, "metric", "Missing data for required field."),
    ("/v1/figures/totals?metric=civilians_killed,displaced", 422, "metric", "Must be one of: "),
    ("/v1/civilians-killed/totals?group_by=county", 422, "group_by",
     "Must be one of: source, month, year, location_level, dataset."),
    ("/v1/civilians-killed/totals?group_by=month,year", 422, "group_by", "Use month or year, not both."),
    ("/v1/civilians-killed/totals?level=admin2", 422, "level", "Only used with group_by=location_level."),
    ("/v1/civilians-killed/totals?group_by=location_level&level=city", 422, "level", "Must be one of: country"),
    ("/v1/civilians-killed/totals?include_disputed=perhaps", 422, "include_disputed", "Not a valid boolean."),
    ("/v1/civilians-killed/totals?location=atlantis", 422, "location", "'atlantis' is not a known location"),
    ("/v1/civilians-killed/totals?from=2016-13", 422, "from", "Not a date"),
    ("/v1/civilians-killed/totals?metric=civilians_killed", 400, "metric", "Unknown field."),
])
def test_bad_arguments_are_problems_naming_the_parameter(client, url, status, field, message):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    [error] = response.get_json()["errors"]
    assert error["field"] == field
    assert error["messages"][0].startswith(message)


def test_responses_match_the_documented_schema(client):
    spec = json.loads(render_openapi())
    for path, url in [("/v1/figures/totals", "/v1/figures/totals?metric=people_injured"),
                      ("/v1/displaced/totals", "/v1/displaced/totals?group_by=month,location_level")]:
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        assert list(validator.iter_errors(client.get(url).get_json())) == []


def test_too_many_figures_is_a_problem_not_a_slow_answer(client, monkeypatch):
    from service.repositories import analysis

    monkeypatch.setattr(analysis, "MAX_TOTALS_FIGURES", 4)
    response = client.get("/v1/displaced/totals")
    assert response.status_code == 422
    assert response.get_json()["title"] == "Too many figures"
    assert response.get_json()["detail"] == (
        "More than 4 figures match; narrow the request with location, source, from or to.")
    assert client.get("/v1/displaced/totals?source=sohr").status_code == 200
