"""The seed article's figures are in the database exactly as the article states them."""

from __future__ import annotations

import datetime as dt

import pytest

from service.seed import load_seed

SUNDAY = dt.date(2016, 11, 27)

# (metric, source, location, value, qualifier, low, high, period_start, origin, destination)
EXPECTED = [
    ("people_trapped", "article-2016-11-27", "eastern-aleppo", 250000, "approximately", None, None, SUNDAY, None, None),
    # No period stated: the flows cover the day they were stated, nothing invented before it.
    ("displaced", "sohr", "aleppo-city", 1700, "approximately", None, None, SUNDAY, "eastern-aleppo", "western-aleppo"),
    ("displaced", "sohr", "aleppo-city", 2500, "approximately", None, None, SUNDAY, "eastern-aleppo", "sheikh-maqsoud"),
    ("civilians_killed", "sohr", "eastern-aleppo", 250, "more_than", None, None, dt.date(2016, 11, 15), None, None),
    # "nearly 500,000": approximately, with 500,000 as the upper bound.
    ("children_under_siege", "unicef", "SY", 500000, "approximately", None, 500000, SUNDAY, None, None),
    ("children_under_siege", "un", "SY", 500000, "exact", None, None, SUNDAY, None, None),
    ("civilians_killed", "lcc", "anjara", 15, "exact", None, None, SUNDAY, None, None),
    ("civilians_injured", "lcc", "anjara", 20, "at_least", 20, 99, SUNDAY, None, None),
    ("people_injured", "turkish-general-staff", "northern-syria", 22, "exact", None, None, SUNDAY, None, None),
    ("people_killed", "israeli-military", "golan-heights", 4, "exact", None, None, SUNDAY, None, None),
    ("displaced", "sdf", "aleppo-city", 2000, "at_least", 2000, 9999, SUNDAY, "bustan-al-basha", "sheikh-maqsoud"),
    (
        "displaced",
        "khaled-khatib",
        "aleppo-city",
        2000,
        "at_least",
        2000,
        9999,
        SUNDAY,
        "eastern-aleppo",
        "western-aleppo",
    ),
    (
        "displaced",
        "eastern-aleppo-residents",
        "eastern-aleppo",
        2000,
        "at_least",
        2000,
        9999,
        SUNDAY,
        "eastern-aleppo",
        "eastern-aleppo",
    ),
]


def _figures(conn):
    return conn.execute(
        """SELECT metric_id, source_id, location_id, value, qualifier, low, high, period_start,
                  origin_id, destination_id, period_end, stated_on, status, document_id
           FROM figure ORDER BY id"""
    ).fetchall()


def test_every_seed_figure_is_present_with_its_attribution(conn):
    rows = _figures(conn)
    actual = [
        (
            r["metric_id"],
            r["source_id"],
            r["location_id"],
            r["value"],
            r["qualifier"],
            r["low"],
            r["high"],
            r["period_start"],
            r["origin_id"],
            r["destination_id"],
        )
        for r in rows
    ]
    assert actual == EXPECTED


def test_every_seed_figure_was_stated_on_the_articles_sunday_and_ends_then(conn):
    for row in _figures(conn):
        assert row["stated_on"] == SUNDAY
        assert row["period_end"] == SUNDAY


def test_sohr_killed_figure_covers_the_past_13_days(conn):
    row = conn.execute(
        "SELECT period_start, period_end FROM figure WHERE metric_id = 'civilians_killed' AND source_id = 'sohr'"
    ).fetchone()
    assert (row["period_end"] - row["period_start"]).days + 1 == 13


def test_chemical_attack_claim_is_disputed_by_the_relief_directorate(conn):
    row = conn.execute(
        """SELECT f.status, d.source_id, d.stated_on, d.note FROM figure f
           JOIN figure_dispute d ON d.figure_id = f.id WHERE f.value = 22"""
    ).fetchone()
    assert row["status"] == "disputed"
    assert row["source_id"] == "afad"
    assert row["stated_on"] == SUNDAY
    assert "no trace of chemical warfare" in row["note"]


def test_article_document_has_no_invented_url_or_publisher(conn):
    doc = conn.execute("SELECT title, url, publisher_id, published_on FROM document").fetchall()
    assert doc == [
        {
            "title": "'Aleppo is going to die': Syrian army advances into rebel-held parts of the city",
            "url": None,
            "publisher_id": None,
            "published_on": SUNDAY,
        }
    ]


@pytest.mark.parametrize(
    ("location", "pcode", "parent"),
    [
        ("SY", "SY", None),
        ("SY02", "SY02", "SY"),
        ("SY0200", "SY0200", "SY02"),
        ("SY020000", "SY020000", "SY0200"),
        ("aleppo-city", None, "SY020000"),
        ("eastern-aleppo", None, "aleppo-city"),
        ("western-aleppo-countryside", None, "SY02"),
        ("northern-syria", None, "SY"),
    ],
)
def test_locations_use_real_pcodes_and_sit_in_the_hierarchy(conn, location, pcode, parent):
    row = conn.execute("SELECT pcode, parent_id FROM location WHERE id = %s", (location,)).fetchone()
    assert row == {"pcode": pcode, "parent_id": parent}


_COUNTS = """SELECT (SELECT count(*) FROM figure) f, (SELECT count(*) FROM source) s,
                     (SELECT count(*) FROM location) l, (SELECT count(*) FROM document) d,
                     (SELECT count(*) FROM figure_dispute) x, (SELECT count(*) FROM figure_revision) r"""


def test_seeding_twice_adds_nothing(rollback_conn):
    counts = rollback_conn.execute(_COUNTS).fetchone()
    assert load_seed(rollback_conn) == 0
    again = rollback_conn.execute(_COUNTS).fetchone()
    # s: the seed's 11 sources and the 18 more migration 0017 makes (the sources UCDP's spellings name).
    assert again == counts == {"f": 13, "s": 29, "l": 13, "d": 1, "x": 1, "r": 13}


def test_migration_0019_reads_an_earlier_seed_again_with_its_history(fresh_url):
    from pathlib import Path

    from service import db, migrations

    with db.connect(fresh_url) as conn:  # the seed as it was read before
        conn.execute("UPDATE figure SET high = NULL, version = version + 1 WHERE stated_words = 'nearly 500,000'")
        conn.execute("""UPDATE figure SET period_start = '2016-11-26', version = version + 1
                        WHERE stated_words IN ('around 1,700', 'another 2,500')""")
        migration = Path(migrations.__file__).parent / "sql" / "migrations" / "0019_seed_readings.sql"
        conn.execute(migration.read_text("utf-8"))
        changed = conn.execute("""SELECT f.stated_words, f.high, f.period_start, r.changed_by, r.reason
                                  FROM figure f JOIN figure_revision r ON r.figure_id = f.id AND r.version = f.version
                                  WHERE f.stated_words IN ('nearly 500,000', 'around 1,700', 'another 2,500')
                                  ORDER BY f.id""").fetchall()
    assert [(c["stated_words"], c["high"], c["period_start"], c["changed_by"]) for c in changed] == [
        ("around 1,700", None, SUNDAY, "migration 0019"),
        ("another 2,500", None, SUNDAY, "migration 0019"),
        ("nearly 500,000", 500000, SUNDAY, "migration 0019"),
    ]
    assert changed[2]["reason"] == '"nearly X" is approximately X with X as its upper bound'
    assert changed[0]["reason"].startswith("The flow states no period of its own")
