"""The benchmark's synthetic data set: places, sources, documents and 1,000,000 figures.

Everything is drawn from a seeded random generator, so every load of the data
set is the same. Figures cover every metric of the `metric` table. Places hang
under the seed's hierarchy (Syria, Aleppo governorate, Jebel Saman, Aleppo
city) and under the other governorates and districts of Syria, with their
OCHA p-codes (COD-AB, CC BY-IGO) read from ../shared/data as `tally import`
reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from dataclasses import dataclass

from psycopg import Connection
from psycopg.rows import tuple_row

from service.config import data_dir

FIGURES = 1_000_000
PCODES_CSV = data_dir() / "ocha_global_pcodes_adm1_adm2.csv"
ACTOR = "bench"
RANDOM_SEED = 2016

FIRST_DAY = dt.date(2012, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)

SOURCES = [  # (id, name, kind)
    ("synthetic-un-agency", "Synthetic UN agency", "un_agency"),
    ("synthetic-ngo-health", "Synthetic health NGO", "ngo"),
    ("synthetic-ngo-relief", "Synthetic relief NGO", "ngo"),
    ("synthetic-monitor", "Synthetic casualty monitor", "monitor"),
    ("synthetic-monitor-local", "Synthetic local monitoring network", "monitor"),
    ("synthetic-ministry", "Synthetic ministry of health", "government"),
    ("synthetic-army", "Synthetic army press office", "military"),
    ("synthetic-armed-group", "Synthetic armed group", "armed_group"),
    ("synthetic-agency", "Synthetic news agency", "media"),
    ("synthetic-daily", "Synthetic daily newspaper", "media"),
    ("synthetic-dataset", "Synthetic conflict event dataset", "dataset"),
]
DOCUMENTS = 500
VILLAGES_PER_DISTRICT = 3
ALEPPO_NEIGHBOURHOODS = 40

# metric -> the count kinds it is stated as; other metrics get any of the three.
COUNT_KINDS = {
    "people_trapped": ("stock",),
    "children_under_siege": ("stock",),
    "civilians_killed": ("event", "period_total"),
    "civilians_injured": ("event", "period_total"),
    "people_killed": ("event", "period_total"),
    "people_injured": ("event", "period_total"),
    "displaced": ("period_total",),
    "refugees": ("stock",),
    "idps": ("stock",),
}
ANY_COUNT_KIND = ("event", "period_total", "stock")
QUALIFIERS = ["exact"] * 8 + ["approximately"] * 5 + ["at_least"] * 3 + ["more_than"] * 2 + ["at_most", "fewer_than"]
STATUSES = ["reported"] * 80 + ["verified"] * 12 + ["disputed"] * 5 + ["retracted"] * 3
POPULATION_GROUPS = ["civilians", "civilians", "people", "children", "women", None]
WORDS = {
    "exact": "{:,}",
    "approximately": "around {:,}",
    "at_least": "at least {:,}",
    "more_than": "more than {:,}",
    "at_most": "up to {:,}",
    "fewer_than": "fewer than {:,}",
}
QUOTES = [
    "The organisation said {words} {group} had been affected in the area over the period.",
    "According to figures shared with reporters, {words} {group} were counted by local teams.",
    "{words} {group}, the statement said, citing field reports it had been able to verify.",
    None,
]
ALEPPO_SUBTREE = """
WITH RECURSIVE tree AS (
    SELECT id FROM location WHERE id = 'SY02'
    UNION
    SELECT l.id FROM location l JOIN tree ON l.parent_id = tree.id
)
SELECT id FROM tree ORDER BY id"""
FIGURE_COLUMNS = (
    "metric_id",
    "count_kind",
    "value",
    "low",
    "high",
    "qualifier",
    "stated_words",
    "population_group",
    "location_id",
    "origin_id",
    "destination_id",
    "period_start",
    "period_end",
    "stated_on",
    "source_id",
    "document_id",
    "quote",
    "status",
    "status_note",
)


@dataclass(frozen=True)
class Place:
    id: str
    pcode: str | None
    name: str
    kind: str
    parent: str


@dataclass(frozen=True)
class Catalogue:
    """What synthetic figures pick from."""

    metrics: tuple[tuple[str, bool], ...]  # (metric id, is a flow: has origin and destination)
    places: list[str]  # location ids, Aleppo's repeated to weigh them up
    sources: list[str]


def synthetic_figure_count(conn: Connection) -> int:
    """Figures of the synthetic data set already in the database."""
    return _column(
        conn,
        "SELECT count(*) FROM figure WHERE document_id IN "
        "(SELECT id FROM document WHERE title LIKE 'Synthetic situation report %')",
    )[0]


def load(conn: Connection, *, figures: int = FIGURES, log=print) -> None:
    """Load the whole synthetic data set in one transaction (all or nothing)."""
    rng = random.Random(RANDOM_SEED)
    with conn.transaction():
        # Who and why, for the revisions the figure trigger writes.
        conn.execute(
            "SELECT set_config('tally.actor', %s, true), set_config('tally.reason', %s, true)",
            (ACTOR, "synthetic benchmark data set"),
        )
        catalogue = Catalogue(metrics=_metrics(conn), places=_load_places(conn), sources=_load_sources(conn))
        documents = _load_documents(conn, rng, catalogue.sources)
        log(
            f"bench: {len(catalogue.metrics)} metrics, {len(set(catalogue.places))} places, "
            f"{len(catalogue.sources)} sources, {len(documents)} documents"
        )
        _load_figures(conn, rng, figures=figures, catalogue=catalogue, documents=documents, log=log)
        _add_disputes(conn)


def _metrics(conn: Connection) -> tuple[tuple[str, bool], ...]:
    """Every metric of the catalogue, and whether it is a flow."""
    return tuple(conn.cursor(row_factory=tuple_row).execute("SELECT id, is_flow FROM metric ORDER BY id"))


def _syrian_units() -> list[Place]:
    """Syria's governorates and districts, as OCHA codes them."""
    if not PCODES_CSV.exists():
        raise SystemExit(f"bench: {PCODES_CSV} is missing: the synthetic places take their p-codes from it")
    with PCODES_CSV.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Location"] == "SYR"]
    kinds = {"1": "admin1", "2": "admin2"}
    return [
        Place(
            r["P-Code"],
            r["P-Code"],
            r["Name"],
            kinds[r["Admin Level"]],
            "SY" if r["Parent P-Code"] == "SYR" else r["Parent P-Code"],
        )
        for r in sorted(rows, key=lambda r: r["Admin Level"])
    ]


def _synthetic_places(units: list[Place]) -> list[Place]:
    """Villages in every district and neighbourhoods of Aleppo city (no p-codes)."""
    villages = [
        Place(f"{u.id.lower()}-village-{n:02d}", None, f"{u.name} village {n}", "village", u.id)
        for u in units
        if u.kind == "admin2"
        for n in range(1, VILLAGES_PER_DISTRICT + 1)
    ]
    quarters = [
        Place(
            f"aleppo-quarter-{n:02d}",
            None,
            f"Aleppo quarter {n}",
            "neighbourhood",
            "eastern-aleppo" if n % 2 else "western-aleppo",
        )
        for n in range(1, ALEPPO_NEIGHBOURHOODS + 1)
    ]
    return villages + quarters


def _load_places(conn: Connection) -> list[str]:
    """Insert the places that are missing; return every location id, Aleppo's weighted up."""
    units = _syrian_units()
    for place in units + _synthetic_places(units):
        conn.execute(
            "INSERT INTO location (id, pcode, name, kind, parent_id) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            (place.id, place.pcode, place.name, place.kind, place.parent),
        )
    aleppo = _column(conn, ALEPPO_SUBTREE)
    # The seed is about Aleppo; figures about it are more frequent than elsewhere.
    return _column(conn, "SELECT id FROM location ORDER BY id") + aleppo * 2


def _load_sources(conn: Connection) -> list[str]:
    """The synthetic sources beside the seed's; return every source id."""
    for source_id, name, kind in SOURCES:
        conn.execute(
            "INSERT INTO source (id, name, kind, description) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (source_id, name, kind, "Invented for the benchmark data set."),
        )
    return _column(conn, "SELECT id FROM source ORDER BY id")


def _load_documents(conn: Connection, rng: random.Random, sources: list[str]) -> list[int]:
    """Synthetic reports and articles; return their ids."""
    span = (LAST_DAY - FIRST_DAY).days
    for n in range(1, DOCUMENTS + 1):
        published = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        conn.execute(
            "INSERT INTO document (title, publisher_id, url, published_on, retrieved_on, language) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (
                f"Synthetic situation report {n:04d}",
                rng.choice(sources),
                f"https://reports.example.org/{n:04d}",
                published,
                published + dt.timedelta(days=3),
                rng.choice(("en", "en", "ar", "fr")),
            ),
        )
    return _column(conn, "SELECT id FROM document WHERE title LIKE 'Synthetic situation report %' ORDER BY id")


def _load_figures(
    conn: Connection, rng: random.Random, *, figures: int, catalogue: Catalogue, documents: list[int], log
) -> None:
    """COPY the figures in; the revision trigger stays on and writes each one's history.

    Measured on 100,000 figures: 7.5 s with the trigger firing per row, 7.3 s
    with it disabled and the revisions written afterwards by one INSERT ...
    SELECT. Writing the revisions costs the same either way, so the trigger,
    the one path by which history is written, is kept.
    """
    taken = _existing_statements(conn)
    started = time.perf_counter()
    with conn.cursor().copy(f"COPY figure ({', '.join(FIGURE_COLUMNS)}) FROM STDIN") as copy:
        for row in _figure_rows(rng, figures, catalogue, documents, taken):
            copy.write_row(row)
    log(f"bench: copied {figures:,} figures (and their revisions) in {time.perf_counter() - started:.0f} s")


def _existing_statements(conn: Connection) -> set[int]:
    """Hashes of the statements already stored, so no synthetic one repeats them."""
    rows = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            "SELECT source_id, metric_id, location_id, origin_id, destination_id, population_group, "
            "period_start, period_end, value FROM figure"
        )
        .fetchall()
    )
    return {hash(row) for row in rows}


def _figure_rows(rng: random.Random, count: int, catalogue: Catalogue, documents: list[int], taken: set[int]):
    """count figures, each a statement no other figure makes (figure_statement_unique)."""
    days = [FIRST_DAY + dt.timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 60)]
    last = (LAST_DAY - FIRST_DAY).days
    made = 0
    while made < count:
        row = _figure_row(rng, days, last, catalogue, documents)
        key = hash((row[14], row[0], row[8], row[9], row[10], row[7], row[11], row[12], row[2]))
        if key in taken:
            continue
        taken.add(key)
        made += 1
        yield row


def _figure_row(
    rng: random.Random, days: list[dt.date], last: int, catalogue: Catalogue, documents: list[int]
) -> tuple:
    """One random figure that satisfies every CHECK of the figure table."""
    metric, flow = rng.choice(catalogue.metrics)
    places = catalogue.places
    value = int(10 ** rng.uniform(0, 5.7))
    bounded = rng.random() < 0.3
    qualifier = rng.choice(QUALIFIERS)
    group = rng.choice(POPULATION_GROUPS)
    words = WORDS[qualifier].format(value) if rng.random() < 0.6 else None
    quote = rng.choice(QUOTES)
    start = rng.randrange(last + 1)
    end = min(last, start + rng.choice((0, 0, 1, 6, 13, 30, 90, 364)))
    status = rng.choice(STATUSES)
    return (
        metric,
        rng.choice(COUNT_KINDS.get(metric, ANY_COUNT_KIND)),
        value,
        value * 4 // 5 if bounded else None,
        value * 5 // 4 + 1 if bounded else None,
        qualifier,
        words,
        group,
        rng.choice(places),
        rng.choice(places) if flow and rng.random() < 0.8 else None,
        rng.choice(places) if flow and rng.random() < 0.8 else None,
        days[start],
        days[end],
        days[end + rng.randrange(30)],
        rng.choice(catalogue.sources),
        rng.choice(documents),
        quote.format(words=words or f"{value:,}", group=group or "people") if quote else None,
        status,
        "Withdrawn by the source (synthetic)." if status == "retracted" else None,
    )


def _add_disputes(conn: Connection) -> None:
    """Link some disputed figures to a contradicting statement, as real data has."""
    conn.execute(
        "INSERT INTO figure_dispute (figure_id, source_id, document_id, stated_on, quote, note) "
        "SELECT f.id, 'synthetic-monitor', f.document_id, f.stated_on, NULL, "
        "'Contradicted by another count (synthetic).' "
        "FROM figure f WHERE f.status = 'disputed' AND f.source_id <> 'synthetic-monitor' "
        "AND f.id % 4 = 0 ON CONFLICT DO NOTHING"
    )


def _column(conn: Connection, query: str) -> list:
    """The first column of every row of query."""
    return [row[0] for row in conn.cursor(row_factory=tuple_row).execute(query).fetchall()]
