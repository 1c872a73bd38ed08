"""Totals: the rules of what may be added up (pure functions; the endpoints are in tests/api/test_totals.py)."""

from __future__ import annotations

import datetime as dt

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


def fig(
    id: int,
    value: int,
    *,
    source: str = "sohr",
    kind: str = "period_total",
    start: str = "2016-11-01",
    end: str | None = None,
    stated: str | None = None,
    place: tuple = EAST,
    status: str = "reported",
    origin: tuple | None = None,
    destination: tuple | None = None,
) -> Candidate:
    """A candidate figure; the period ends where it starts and is stated on its last day unless told."""
    end = end or start
    return Candidate(
        id=id,
        source_id=source,
        count_kind=kind,
        value=value,
        qualifier="exact",
        status=status,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        stated_on=dt.date.fromisoformat(stated or end),
        location_path=place,
        location_levels=tuple(_ADMIN_LEVEL.get(p) for p in place),
        origin_path=origin,
        destination_path=destination,
    )


def summary(totals) -> list[tuple]:
    """(source, period, location, basis, sum, ids added, [(left out id, reason, kept id)])."""
    return [
        (
            t.source_id,
            t.period,
            t.location_id,
            t.basis,
            d["sum"],
            d["figure_ids"],
            [(x["figure_id"], x["reason"], x["kept_figure_id"]) for x in d["left_out"]],
        )
        for t in totals
        for d in [t.as_dict()]
    ]


# --- Rule 1: figures of different sources are never added together ---------------------------


def test_different_sources_are_never_added_together():
    totals = compute_totals([fig(1, 250, source="sohr"), fig(2, 300, source="lcc")])
    assert summary(totals) == [("lcc", None, None, "count", 300, [2], []), ("sohr", None, None, "count", 250, [1], [])]


def test_two_sources_stating_the_same_stock_stay_side_by_side():
    # The seed's UNICEF and UN "500,000 children under siege": never 1,000,000.
    totals = compute_totals(
        [fig(5, 500000, source="unicef", kind="stock", place=SY), fig(6, 500000, source="un", kind="stock", place=SY)]
    )
    assert [(t.source_id, t.as_dict()["sum"]) for t in totals] == [("un", 500000), ("unicef", 500000)]


# --- Rule 2: disputed and retracted figures are left out unless asked for --------------------


def test_disputed_and_retracted_are_left_out_by_default():
    candidates = [
        fig(1, 10),
        fig(2, 20, start="2016-11-02", status="disputed"),
        fig(3, 30, start="2016-11-03", status="retracted"),
    ]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "count", 10, [1], [(2, "disputed", None), (3, "retracted", None)])
    ]


def test_disputed_and_retracted_are_added_when_asked_for():
    candidates = [
        fig(1, 10),
        fig(2, 20, start="2016-11-02", status="disputed"),
        fig(3, 30, start="2016-11-03", status="retracted"),
    ]
    assert summary(compute_totals(candidates, include_disputed=True)) == [
        ("sohr", None, None, "count", 30, [1, 2], [(3, "retracted", None)])
    ]
    assert summary(compute_totals(candidates, include_disputed=True, include_retracted=True)) == [
        ("sohr", None, None, "count", 60, [1, 2, 3], [])
    ]


def test_a_source_with_nothing_to_add_has_a_null_sum_not_zero():
    assert summary(compute_totals([fig(9, 22, status="disputed")])) == [
        ("sohr", None, None, "count", None, [], [(9, "disputed", None)])
    ]


# --- Events ---------------------------------------------------------------------------------


def test_events_of_one_source_add_up_even_on_the_same_day_and_place():
    candidates = [
        fig(1, 15, kind="event", place=ANJARA),
        fig(2, 3, kind="event", place=ANJARA),
        fig(3, 4, kind="event", place=EAST),
    ]
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
        ("sohr", None, 250),
        ("sohr", "ucdp-ged", 15),
    ]


def test_events_of_another_source_are_not_covered_by_a_period_total():
    totals = compute_totals(
        [fig(1, 250, start="2016-11-15", end="2016-11-27"), fig(2, 15, kind="event", start="2016-11-20", source="lcc")]
    )
    assert summary(totals) == [("lcc", None, None, "count", 15, [2], []), ("sohr", None, None, "count", 250, [1], [])]


# --- Period totals --------------------------------------------------------------------------


def test_period_totals_with_separate_periods_add_up():
    candidates = [fig(1, 100, start="2016-11-01", end="2016-11-14"), fig(2, 250, start="2016-11-15", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 350, [1, 2], [])]


def test_period_totals_of_places_apart_add_up_over_one_period():
    candidates = [
        fig(1, 250, start="2016-11-15", end="2016-11-27"),
        fig(2, 40, start="2016-11-15", end="2016-11-27", place=ANJARA),
    ]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 290, [1, 2], [])]


def test_overlapping_period_totals_for_one_place_keep_the_latest_stated():
    early = fig(1, 250, start="2016-11-15", end="2016-11-27", stated="2016-11-27")
    later = fig(2, 300, start="2016-11-15", end="2016-11-28", stated="2016-11-28")
    used, left_out = resolve([early, later])
    assert [c.id for c in used] == [2]
    assert left_out[0].figure_id == 1 and left_out[0].reason == "overlap" and left_out[0].kept_figure_id == 2
    assert left_out[0].detail == (
        "Its period overlaps that of figure 2 for the same place; figure 2 was stated later (2016-11-28) and stands."
    )


def test_overlapping_period_totals_stated_the_same_day_keep_the_last_entered():
    used, left_out = resolve(
        [fig(7, 250, start="2016-11-15", end="2016-11-27"), fig(3, 260, start="2016-11-20", end="2016-11-27")]
    )
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
    assert left_out[0].detail == (
        "One place contains the other and the periods overlap; figure 2 is for the containing place and stands."
    )


def test_nested_places_with_separate_periods_add_up():
    candidates = [
        fig(1, 40, start="2016-11-01", end="2016-11-05", place=BUSTAN),
        fig(2, 250, start="2016-11-15", end="2016-11-27"),
    ]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 290, [1, 2], [])]


def test_a_figure_left_out_does_not_block_others():
    # 1 stands (widest place); 2 overlaps it and goes; 3 overlaps only 2, so it is added.
    candidates = [
        fig(1, 250, start="2016-11-15", end="2016-11-20", place=CITY),
        fig(2, 40, start="2016-11-18", end="2016-11-25", place=EAST),
        fig(3, 30, start="2016-11-23", end="2016-11-27", place=BUSTAN),
    ]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "count", 280, [1, 3], [(2, "containing_place", 1)])
    ]


# --- Stocks ---------------------------------------------------------------------------------


def test_stocks_never_add_up_over_time_the_latest_per_place_stands():
    candidates = [
        fig(1, 275000, kind="stock", start="2016-10-01"),
        fig(2, 250000, kind="stock", start="2016-11-27"),
        fig(3, 260000, kind="stock", start="2016-11-10"),
    ]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "stock", 250000, [2], [(1, "stock", 2), (3, "stock", 2)])
    ]
    assert compute_totals(candidates)[0].left_out[0].detail == (
        "Stocks do not add up over time: figure 2 for the same place, as of 2016-11-27, stands."
    )


def test_stocks_for_a_place_and_a_place_inside_it_are_not_both_added():
    candidates = [
        fig(1, 500000, kind="stock", place=SY, start="2016-11-27"),
        fig(2, 100000, kind="stock", place=EAST, start="2016-12-10"),
    ]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "stock", 500000, [1], [(2, "containing_place", 1)])
    ]


def test_stocks_for_places_apart_add_up():
    candidates = [fig(1, 250000, kind="stock", place=EAST), fig(2, 1000, kind="stock", place=ANJARA)]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "stock", 251000, [1, 2], [])]


def test_stocks_and_counts_of_one_source_are_separate_totals():
    candidates = [fig(1, 250000, kind="stock"), fig(2, 250, start="2016-11-15", end="2016-11-27")]
    assert summary(compute_totals(candidates)) == [
        ("sohr", None, None, "count", 250, [2], []),
        ("sohr", None, None, "stock", 250000, [1], []),
    ]


# --- Flows (displacement): place = location, origin and destination ---------------------------


def test_flows_to_different_destinations_add_up():
    # The seed's SOHR: 1,700 to western Aleppo and 2,500 to Sheikh Maqsoud over the same days.
    candidates = [
        fig(2, 1700, place=CITY, origin=EAST, destination=WEST, start="2016-11-26", end="2016-11-27"),
        fig(3, 2500, place=CITY, origin=EAST, destination=SHEIKH_MAQSOUD, start="2016-11-26", end="2016-11-27"),
    ]
    assert summary(compute_totals(candidates)) == [("sohr", None, None, "count", 4200, [2, 3], [])]


def test_flows_with_nested_origins_overlap():
    wide = fig(1, 1700, place=CITY, origin=EAST, destination=WEST)
    narrow = fig(2, 300, place=CITY, origin=BUSTAN, destination=WEST)
    assert place_relation(wide, narrow) == "nested"
    assert summary(compute_totals([wide, narrow])) == [
        ("sohr", None, None, "count", 1700, [1], [(2, "containing_place", 1)])
    ]


def test_an_unknown_origin_may_be_anywhere():
    known = fig(1, 1700, place=CITY, origin=EAST, destination=WEST)
    unknown = fig(2, 2000, place=CITY, origin=None, destination=WEST)
    assert place_relation(known, unknown) == "nested"
    assert summary(compute_totals([known, unknown])) == [
        ("sohr", None, None, "count", 2000, [2], [(1, "containing_place", 2)])
    ]


# --- Buckets --------------------------------------------------------------------------------


def test_month_buckets_and_counts_that_span_them():
    candidates = [
        fig(1, 100, start="2016-11-01", end="2016-11-14"),
        fig(2, 80, start="2016-12-01", end="2016-12-05"),
        fig(3, 250, start="2016-11-20", end="2016-12-03"),
    ]
    assert summary(compute_totals(candidates, by="month")) == [
        ("sohr", "2016-11", None, "count", 100, [1], []),
        ("sohr", "2016-12", None, "count", 80, [2], [(3, "spans_buckets", None)]),
    ]
    assert summary(compute_totals(candidates, by="year")) == [
        ("sohr", "2016", None, "count", 180, [1, 2], [(3, "overlap", 2)])
    ]


def test_stocks_go_to_the_bucket_of_their_period_end():
    candidates = [
        fig(1, 275000, kind="stock", start="2016-08-25", end="2016-10-31"),
        fig(2, 250000, kind="stock", start="2016-11-27"),
    ]
    assert summary(compute_totals(candidates, by="month")) == [
        ("sohr", "2016-10", None, "stock", 275000, [1], []),
        ("sohr", "2016-11", None, "stock", 250000, [2], []),
    ]


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
        ("sohr", None, "SY0200", "count", 265, [1, 2], []),
    ]


def test_a_stock_of_unknown_origin_is_a_group_of_its_own():
    """UNHCR's refugees in one country of unknown origin (UNK, here 0) stand beside those from Syria, not over
    them: the country's refugees add up."""
    from_syria = fig(1, 500, kind="stock", place=SY, origin=("SY", "SY02"), destination=SY, start="2022-12-31")
    unknown = fig(2, 0, kind="stock", place=SY, origin=None, destination=SY, start="2022-12-31")
    assert place_relation(from_syria, unknown) is None
    assert summary(compute_totals([from_syria, unknown])) == [("sohr", None, None, "stock", 500, [1, 2], [])]
