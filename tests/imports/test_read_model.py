"""The read model (migration 0021): every figure's stored body equals one built from scratch, byte for byte.

Built from scratch means the expression service/figure.py declares
(figure_body_sql), in a UTC session. The database is the seed with real
file excerpts imported (UCDP with its citations, UNHCR with origins and
destinations, IDMC); then every kind of change a body shows is made with
plain SQL, as any writer could, and after each the whole table is compared.
Each change must also have changed some stored body, or it proved nothing.
"""

from __future__ import annotations

import threading
import time

import pytest
from psycopg import sql

from service import db, figure
from service.importers.idmc import import_idmc
from service.importers.ucdp import import_ucdp
from service.importers.unhcr import import_unhcr
from tests.imports.support import DATA, options

FRESH_AND_STORED = sql.SQL(
    "SELECT f.id, {body}::text AS fresh, r.body AS stored "
    "FROM figure f LEFT JOIN figure_read r ON r.figure_id = f.id ORDER BY f.id"
)


def bodies(url: str) -> dict[int, tuple[str, str | None]]:
    """{figure id: (body built from scratch, stored body)}."""
    with db.connect(url) as conn:
        conn.execute("SET timezone = 'UTC'")
        rows = conn.execute(FRESH_AND_STORED.format(body=figure.figure_body_sql())).fetchall()
    return {row["id"]: (row["fresh"], row["stored"]) for row in rows}


def assert_current(url: str) -> dict[int, str | None]:
    """Every stored body equals a fresh one; returns the stored bodies."""
    now = bodies(url)
    stale = [figure_id for figure_id, (fresh, stored) in now.items() if fresh != stored]
    assert stale == [], f"{len(stale)} stale bodies, first {stale[:5]}"
    return {figure_id: stored for figure_id, (_, stored) in now.items()}


@pytest.fixture(scope="module")
def imported_url(shared_located_url):
    with db.connect(shared_located_url) as conn:
        import_ucdp(conn, DATA / "ucdp_ged_excerpt.csv", options())
        import_unhcr(conn, DATA / "unhcr_population_excerpt.csv", options())
        import_idmc(conn, DATA / "idmc_gidd_excerpt.csv", options())
    return shared_located_url


def one(url: str, query: str) -> object:
    with db.connect(url) as conn:
        return next(iter(conn.execute(query).fetchone().values()))


# Each change as SQL any writer could run; {x} placeholders are filled from the imported data. Each changes
# what it changes again when made a second time (test_every_change_a_body_shows_is_kept runs them twice).
CHANGES = [
    ("an edit", "UPDATE figure SET value = value + 1, version = version + 1, updated_at = now() WHERE id = {ucdp}"),
    (
        "a dispute",
        "INSERT INTO figure_dispute (figure_id, source_id, stated_on, note) "
        "VALUES ({ucdp}, 'un', '2016-11-28', 'Fewer.');"
        "UPDATE figure SET status = 'disputed', version = version + 1, updated_at = now() WHERE id = {ucdp}",
    ),
    ("a dispute reworded", "UPDATE figure_dispute SET note = 'Far fewer.' WHERE figure_id = {ucdp}"),
    ("a dispute withdrawn", "DELETE FROM figure_dispute WHERE figure_id = {ucdp}"),
    (
        "a retraction",
        "UPDATE figure SET status = 'retracted', status_note = 'Withdrawn.', version = version + 1, "
        "updated_at = now() WHERE id = {unhcr}",
    ),
    ("a source renamed", "UPDATE source SET name = name || ' (renamed)' WHERE id = 'ucdp'"),
    ("a publisher renamed", "UPDATE source SET name = name || ' (renamed)' WHERE id = '{publisher}'"),
    (
        "a citation's source renamed",
        "UPDATE source SET kind = CASE kind WHEN 'ngo' THEN 'monitor' ELSE 'ngo' END WHERE id = '{cited}'",
    ),
    ("a document retitled", "UPDATE document SET title = title || ' (corrected)' WHERE id = {document}"),
    ("a place renamed", "UPDATE location SET name = name || ' (renamed)' WHERE id = '{place}'"),
    ("an origin renamed", "UPDATE location SET name_ar = coalesce(name_ar, '') || 'أصل' WHERE id = '{origin}'"),
    (
        "a destination renamed",
        "UPDATE location SET pcode = CASE WHEN pcode IS NULL THEN 'ZZ9' ELSE NULL END WHERE id = '{destination}'",
    ),
    ("a dataset renamed", "UPDATE dataset SET name = name || ' (renamed)' WHERE id = 'idmc-gidd'"),
    (
        "an import's version corrected",
        "UPDATE dataset_import SET version = version || '.1' WHERE dataset_id = 'unhcr-population'",
    ),
    ("citations removed", "DELETE FROM figure_citation WHERE figure_id = {cited_figure}"),
    (
        "a write from a session with fewer float digits",
        "SET LOCAL extra_float_digits = 0; "
        "UPDATE figure SET latitude = 34.1234567890123456, longitude = 36.1, version = version + 1, "
        "updated_at = now() WHERE id = {ucdp}",
    ),
    (
        "a write from a session in another time zone",
        "SET LOCAL timezone = 'Asia/Tokyo'; "
        "UPDATE figure SET value = value + 1, version = version + 1, updated_at = now() WHERE id = {idmc}",
    ),
]


def placeholders(url: str) -> dict[str, object]:
    return {
        "ucdp": one(url, "SELECT min(id) FROM figure WHERE dataset_id = 'ucdp-ged'"),
        "unhcr": one(url, "SELECT min(id) FROM figure WHERE dataset_id = 'unhcr-population' AND origin_id IS NOT NULL"),
        "idmc": one(url, "SELECT min(id) FROM figure WHERE dataset_id = 'idmc-gidd'"),
        "publisher": one(url, "SELECT min(publisher_id) FROM document WHERE publisher_id IS NOT NULL"),
        "cited": one(url, "SELECT min(source_id) FROM figure_citation"),
        "cited_figure": one(url, "SELECT min(figure_id) FROM figure_citation"),
        "document": one(url, "SELECT min(document_id) FROM figure WHERE dataset_id = 'ucdp-ged'"),
        "place": one(url, "SELECT min(location_id) FROM figure WHERE dataset_id = 'ucdp-ged'"),
        "origin": one(url, "SELECT min(origin_id) FROM figure"),
        "destination": one(url, "SELECT min(destination_id) FROM figure"),
    }


def test_imported_figures_have_their_bodies(imported_url):
    stored = assert_current(imported_url)
    assert len(stored) > 50 and None not in stored.values()


# How many figures a statement may change before their bodies are built at commit, with joins
# (migration 0024): every change is made through both ways of building bodies.
BUILT = {"one by one": "1000000000", "in bulk": "0"}


@pytest.mark.parametrize("built", BUILT)
def test_every_change_a_body_shows_is_kept(imported_url, built):
    values = placeholders(imported_url)
    assert None not in values.values(), values
    before = assert_current(imported_url)
    for name, statements in CHANGES:
        with db.connect(imported_url) as conn:
            conn.execute("SELECT set_config('tally.read_model_bulk_above', %s, false)", [BUILT[built]])
            for statement in statements.format(**values).split(";"):
                conn.execute(statement)
        after = assert_current(imported_url)
        changed = [figure_id for figure_id in after if after[figure_id] != before[figure_id]]
        assert changed, f"{name} changed no stored body: the test proves nothing"
        before = after


def test_every_imported_body_built_in_bulk_is_the_declared_one(imported_url):
    with db.connect(imported_url) as conn:
        conn.execute("SET tally.read_model_bulk_above = 0")
        changed = conn.execute("UPDATE figure SET version = version + 1, updated_at = now()").rowcount
        assert one_in(conn, "SELECT count(*) FROM figure_read_pending") == changed
    assert_current(imported_url)


def test_a_change_nothing_shows_rebuilds_nothing(imported_url):
    with db.connect(imported_url) as conn:
        updated = conn.execute("UPDATE location SET updated_at = now() RETURNING id").rowcount
        rebuilt = conn.execute(
            "SELECT count(*) AS n FROM figure_read WHERE xmin::text = txid_current()::text"
        ).fetchone()
    assert updated > 0 and rebuilt["n"] == 0


def test_a_deleted_figure_takes_its_body_along(imported_url):
    with db.connect(imported_url) as conn:
        conn.execute("DELETE FROM figure_revision WHERE figure_id = (SELECT max(id) FROM figure)")
        conn.execute("DELETE FROM figure_citation WHERE figure_id = (SELECT max(id) FROM figure)")
        conn.execute("DELETE FROM figure WHERE id = (SELECT max(id) FROM figure)")
    assert_current(imported_url)
    assert one(imported_url, "SELECT count(*) FROM figure_read") == one(imported_url, "SELECT count(*) FROM figure")


# More figures than one statement rebuilds at once (migration 0023): their bodies wait for the commit.
BULK = 1_500
BULK_MARKER = "read model bulk test"


def insert_bulk(conn: db.Connection) -> None:
    """BULK new hand-entered figures in one statement: copies of the first seed figure with their own values."""
    columns = [
        row["column_name"]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'figure' "
            "AND column_name NOT IN ('id', 'value', 'low', 'high', 'quote') ORDER BY ordinal_position"
        )
    ]
    listed = sql.SQL(", ").join(map(sql.Identifier, columns))
    conn.execute(
        sql.SQL(
            "INSERT INTO figure ({listed}, value, quote) SELECT {listed}, {start} + n, {marker} "
            "FROM figure, generate_series(1, {bulk}) n WHERE id = (SELECT min(id) FROM figure WHERE dataset_id IS NULL)"
        ).format(
            listed=listed,
            bulk=BULK,
            marker=BULK_MARKER,
            start=sql.Literal(one_in(conn, "SELECT max(value) FROM figure")),
        )
    )


def test_a_bulk_statement_builds_its_bodies_at_commit(imported_url):
    with db.connect(imported_url) as conn:
        insert_bulk(conn)
        waiting = one_in(conn, "SELECT count(*) FROM figure_read_pending")
        missing = one_in(
            conn,
            "SELECT count(*) FROM figure f WHERE NOT EXISTS (SELECT 1 FROM figure_read r WHERE r.figure_id = f.id)",
        )
    assert waiting == BULK and missing == BULK
    stored = assert_current(imported_url)
    assert None not in stored.values()
    assert one(imported_url, "SELECT count(*) FROM figure_read_pending") == 0
    assert one(imported_url, "SELECT count(*) FROM figure_read_flush_due") == 0


def test_a_reader_in_the_bulk_transaction_flushes_first(imported_url):
    with db.connect(imported_url) as conn:
        conn.execute("SET timezone = 'UTC'")
        insert_bulk(conn)
        conn.execute("SELECT flush_figure_read()")
        rows = conn.execute(FRESH_AND_STORED.format(body=figure.figure_body_sql())).fetchall()
        stale = [row["id"] for row in rows if row["fresh"] != row["stored"]]
        assert stale == [] and one_in(conn, "SELECT count(*) FROM figure_read_pending") == 0
        # A later bulk statement in the same transaction waits again, and commit builds it too.
        conn.execute(
            "UPDATE figure SET value = value * 2, version = version + 1, updated_at = now() WHERE quote = %s",
            [BULK_MARKER],
        )
        assert one_in(conn, "SELECT count(*) FROM figure_read_pending") >= BULK
    assert_current(imported_url)
    assert one(imported_url, "SELECT count(*) FROM figure_read_flush_due") == 0


def test_a_bulk_statement_rolled_back_leaves_nothing_waiting(imported_url):
    with db.connect(imported_url) as conn:
        insert_bulk(conn)
        conn.rollback()
    assert one(imported_url, "SELECT count(*) FROM figure_read_pending") == 0
    assert one(imported_url, "SELECT count(*) FROM figure_read_flush_due") == 0
    assert_current(imported_url)


def one_in(conn: db.Connection, query: str) -> object:
    return next(iter(conn.execute(query).fetchone().values()))


def test_truncating_the_figures_takes_their_bodies_along(imported_url):
    with db.connect(imported_url) as conn:
        conn.execute("TRUNCATE figure_dispute, figure_revision, figure_citation, figure CASCADE")
        left = one_in(conn, "SELECT count(*) FROM figure_read")
        conn.rollback()
    assert left == 0
    assert one(imported_url, "SELECT count(*) FROM figure_read") == one(imported_url, "SELECT count(*) FROM figure") > 0


def test_truncating_disputes_or_citations_alone_rebuilds_the_bodies(imported_url):
    with db.connect(imported_url) as conn:
        conn.execute("SET timezone = 'UTC'")
        for table in ("figure_citation", "figure_dispute"):
            conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
            conn.execute("SELECT flush_figure_read()")
            rows = conn.execute(FRESH_AND_STORED.format(body=figure.figure_body_sql())).fetchall()
            assert [row["id"] for row in rows if row["fresh"] != row["stored"]] == [], table
        conn.rollback()


def test_every_body_rebuild_waits_for_the_data_version_lock_first(imported_url):
    """Triggers of one event fire in name order: on every table, the data-version lock (which every writer
    takes) comes before any body is rebuilt, or a rename and an import's commit can deadlock."""
    rows = conn_rows(
        imported_url,
        "SELECT t.tgrelid::regclass::text AS table_name, t.tgname, p.proname FROM pg_trigger t "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal "
        "AND p.proname IN ('bump_data_version', 'figure_read_on_source', 'figure_read_on_document', "
        "'figure_read_on_location', 'figure_read_on_dataset', 'figure_read_on_figure', 'figure_read_on_annotation', "
        "'figure_read_on_delete', 'figure_read_on_annotations_truncated')",
    )
    locks = {row["table_name"]: row["tgname"] for row in rows if row["proname"] == "bump_data_version"}
    rebuilds = [(row["table_name"], row["tgname"]) for row in rows if row["proname"] != "bump_data_version"]
    assert len(rebuilds) == 16  # every trigger of migrations 0021-0026 that rebuilds or removes bodies
    assert [(table, name) for table, name in rebuilds if not locks[table] < name] == []


def test_a_rename_during_a_bulk_transaction_waits_instead_of_deadlocking(located_url):
    # A database of its own: in the module's, the bulk tests' 1,500 copies of the first seed figure put the
    # rename below past the bulk threshold too, and it would not lock bodies at once, deadlock or not.
    with db.connect(located_url) as first, db.connect(located_url) as second:
        shared = first.execute(
            "SELECT source_id, location_id FROM figure WHERE dataset_id IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
        first.execute("SET tally.read_model_bulk_above = 0")  # its bodies wait for its commit, as an import's do
        first.execute("UPDATE source SET name = name || ' (bulk)' WHERE id = %s", [shared["source_id"]])
        renamed: list[object] = []

        def rename_place() -> None:
            try:
                second.execute(
                    "UPDATE location SET name = name || ' (meanwhile)' WHERE id = %s", [shared["location_id"]]
                )
                second.commit()
                renamed.append(True)
            except Exception as error:  # the deadlock, if it comes, is reported by the assertion below
                renamed.append(error)

        thread = threading.Thread(target=rename_place)
        thread.start()
        time.sleep(1.5)  # past deadlock_timeout (1 s): a deadlock would have been detected by now
        first.commit()
        thread.join(timeout=30)
    assert renamed == [True]
    assert_current(located_url)


def conn_rows(url: str, query: str) -> list[dict]:
    with db.connect(url) as conn:
        return conn.execute(query).fetchall()
