"""Imports keep history: every figure they write has its revision, the same the revision trigger writes."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg.errors
import psycopg.rows
import pytest
from psycopg import sql

from service import db
from service.importers.datasets import UCDP_GED
from service.importers.locations import import_locations
from service.importers.ucdp import import_ucdp
from tests.imports.support import GAZETTEERS, UCDP, options, rows
from tests.support import admin, database

REVISIONS = """SELECT f.external_id, r.version, r.kind, r.changed_by, r.reason, r.changed_at = f.updated_at AS at_write,
                      r.state - ARRAY['id', 'created_at', 'updated_at'] AS state, r.state = to_jsonb(f) AS current
               FROM figure_revision r JOIN figure f ON f.id = r.figure_id
               WHERE f.dataset_id = 'ucdp-ged' ORDER BY f.external_id, r.version"""


@pytest.fixture
def not_owner(located_url):
    """A URL for a role that may write every table but owns none (so it cannot switch triggers off)."""
    role = f"tally_importer_{os.getpid()}"
    grants = [
        sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)),
        sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA public TO {}").format(sql.Identifier(role)),
        sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {}").format(sql.Identifier(role)),
    ]
    for statement in grants:
        admin(located_url, statement)
    parts = urlsplit(located_url)
    yield urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")))
    admin(located_url, sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    admin(located_url, sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_every_imported_figure_has_its_revision(located_url):
    with db.connect(located_url) as conn:
        import_ucdp(conn, UCDP, options())
    revisions = rows(located_url, REVISIONS)
    assert len(revisions) == 44
    assert {
        (r["version"], r["kind"], r["changed_by"], r["reason"], r["at_write"], r["current"]) for r in revisions
    } == {(1, "create", "test", f"import ucdp-ged {UCDP_GED.version}", True, True)}


def test_a_role_that_owns_no_table_imports_with_the_same_history(located_url, not_owner, server_url, template_db):
    # The same import twice: by the tables' owner and by a role with write grants only.
    with database(server_url, template=template_db) as owner_url:
        with db.connect(owner_url) as conn:
            import_locations(conn, GAZETTEERS, options())
            import_ucdp(conn, UCDP, options())
        by_owner = rows(owner_url, REVISIONS)
    with psycopg.connect(not_owner, row_factory=psycopg.rows.dict_row) as conn:
        result = import_ucdp(conn, UCDP, options())
    assert result.inserted == 44
    assert rows(located_url, REVISIONS) == by_owner


def test_a_newer_version_writes_an_update_revision_per_changed_figure(located_url, tmp_path):
    with db.connect(located_url) as conn:
        import_ucdp(conn, UCDP, options())
        newer = tmp_path / "ucdp_newer.csv"
        lines = UCDP.read_text("utf-8").split("\n")
        assert lines[11].startswith("216903,")
        header = lines[0].split(",")
        fields = lines[11].split(",")
        fields[header.index("best")] = str(int(fields[header.index("best")]) + 1)
        fields[header.index("high")] = str(int(fields[header.index("high")]) + 1)
        lines[11] = ",".join(fields)
        newer.write_text("\n".join(lines), "utf-8")
        result = import_ucdp(conn, newer, options(version="19.2"))
    # Both of the event's figures keep UCDP's low/best/high with them, so both change.
    assert [c["external_id"] for c in result.notes["changed"]] == ["216903:civilians_killed", "216903:people_killed"]
    updates = [r for r in rows(located_url, REVISIONS) if r["version"] == 2]
    assert [(r["external_id"], r["kind"], r["reason"], r["current"]) for r in updates] == [
        ("216903:civilians_killed", "update", "import ucdp-ged 19.2", True),
        ("216903:people_killed", "update", "import ucdp-ged 19.2", True),
    ]
