"""Source names reconciled through the alias table: on import, by migration 0017, and on the full UCDP file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service import db, migrations
from service.importers.sources import is_close, source_key
from service.importers.ucdp import import_ucdp
from service.repositories import catalogue_writes
from service.schemas.datasets import UCDP_NOTES
from service.seed import seed_data
from tests.imports.support import SHARED_DATA, UCDP, fingerprint, options, rows
from tests.support import app_over

UCDP_FULL = SHARED_DATA / "ucdp_ged_syria_2016-2019.csv"
MIGRATION = Path(migrations.__file__).parent / "sql" / "migrations" / "0017_source_aliases.sql"
CITATIONS_AS_WRITTEN = MIGRATION.with_name("0027_citations_as_written.sql")


def _without_lines_naming(name: str, text: str) -> str:
    return "\n".join(line for line in text.splitlines() if name not in line)


# Events of the excerpt (each citing one SOHR report) given another office: event -> the office written.
OFFICES = {
    "214797": "SOH",  # aliases of the seed: the canonical source
    "214804": "Agence France Presse",
    "214808": "AFP",
    "214811": "Syria LiveuMap",
    "215248": "AMN",
    "215936": "SDF PRESS OFFICE",
    "214814": "Syria Live-U-Map",  # unknown, close: equal to Syria LiveuMap without spaces
    "214817": "Reuter News",  # unknown, close: 0.92 to Reuters
    "214825": "Enab Baladi",  # unknown, close to none: a new source
    "233200": "ANF",  # unknown; AMN is an alias, but 3 characters are close only when equal
}
CITED = """SELECT c.source_id, c.name_as_written, d.publisher_id FROM figure_citation c
           JOIN figure f ON f.id = c.figure_id JOIN document d ON d.id = c.document_id
           WHERE f.external_id = %(id)s ORDER BY c.position"""
ALIASES = "SELECT key, alias, source_id FROM source_alias ORDER BY key"


def _crafted(tmp_path: Path) -> Path:
    """The excerpt with some events' offices spelled otherwise (their headlines are then source_headline)."""
    with UCDP.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        records, header = list(reader), reader.fieldnames
    for record in records:
        if record["id"] in OFFICES:
            assert record["source_office"] == "SOHR"
            record["source_office"] = record["source_original"] = OFFICES[record["id"]]
    path = tmp_path / "ucdp_offices.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(records)
    return path


def _import(url: str, path: Path, **kwargs):
    with db.connect(url) as conn:
        return import_ucdp(conn, path, options(**kwargs))


def _cited(url: str, event: str) -> list[tuple]:
    return [tuple(r.values()) for r in rows(url, CITED, {"id": f"{event}:people_killed"})]


def test_the_excerpt_names_known_sources_and_one_the_alias_table_lacks(located_url):
    result = _import(located_url, UCDP)
    assert result.notes["unknown_sources"] == [
        {
            "name": "Jpost.com (The Jerusalem Post online edition)",
            "source": "jpost-com-the-jerusalem-post-online-edition",
            "outcome": "new_source",
            "matched_alias": None,
            "rows": 1,
            "citations": 1,
        }
    ]
    assert result.notes["source_aliases_created"] == 1
    assert _cited(located_url, "216587") == [("sohr", "SOHR", "sohr"), ("waha-report", "Waha Report", "waha-report")]
    assert _cited(located_url, "223919") == [("sohr", "SOHR", "sohr"), ("airwars", "Airwars", "airwars")]


def test_spellings_name_their_source_and_unknown_ones_are_reported(located_url, tmp_path):
    result = _import(located_url, _crafted(tmp_path))
    assert result.committed and result.rejected == 0
    for event, source in [
        ("214797", "sohr"),
        ("214804", "afp"),
        ("214808", "afp"),
        ("214811", "liveuamap"),
        ("215248", "al-masdar-news"),
        ("215936", "sdf"),
        ("214814", "liveuamap"),
        ("214817", "reuters"),
        ("214825", "enab-baladi"),
        ("233200", "anf"),
    ]:
        # The citation and its document are the source's; the name as written stays on the citation.
        assert _cited(located_url, event) == [(source, OFFICES[event], source)], event
    assert not rows(
        located_url,
        "SELECT id FROM source WHERE id IN ('soh', 'agence-france-presse', 'syria-liveumap', "
        "'syria-live-u-map', 'reuter-news', 'amn', 'sdf-press-office')",
    )

    warnings = {p.value: p.reason for p in result.problems if p.field == "source_office"}
    assert set(warnings) == {
        "Syria Live-U-Map",
        "Reuter News",
        "Enab Baladi",
        "ANF",
        "Jpost.com (The Jerusalem Post online edition)",
    }
    assert all(p.outcome == "warning" for p in result.problems)
    assert "attributed to source 'liveuamap' as close to its spelling 'Syria LiveuMap'" in warnings["Syria Live-U-Map"]
    assert "attributed to source 'reuters' as close to its spelling 'Reuters'" in warnings["Reuter News"]
    assert "new source 'enab-baladi'" in warnings["Enab Baladi"] and "new source 'anf'" in warnings["ANF"]
    unknown = {
        u["name"]: (u["source"], u["outcome"], u["matched_alias"], u["rows"]) for u in result.notes["unknown_sources"]
    }
    assert unknown == {
        "Syria Live-U-Map": ("liveuamap", "attributed", "Syria LiveuMap", 1),
        "Reuter News": ("reuters", "attributed", "Reuters", 1),
        "Enab Baladi": ("enab-baladi", "new_source", None, 1),
        "ANF": ("anf", "new_source", None, 1),
        "Jpost.com (The Jerusalem Post online edition)": (
            "jpost-com-the-jerusalem-post-online-edition",
            "new_source",
            None,
            1,
        ),
    }

    # New sources are media, named as written, and their spelling is their alias; close ones are not aliases.
    assert rows(located_url, "SELECT id, name, kind FROM source WHERE id IN ('anf', 'enab-baladi') ORDER BY id") == [
        {"id": "anf", "name": "ANF", "kind": "media"},
        {"id": "enab-baladi", "name": "Enab Baladi", "kind": "media"},
    ]
    aliases = {r["key"]: r["source_id"] for r in rows(located_url, ALIASES)}
    assert aliases["anf"] == "anf" and aliases["enab baladi"] == "enab-baladi"
    assert "reuter news" not in aliases and "syria live u map" not in aliases
    assert aliases["amn"] == "al-masdar-news"


def test_importing_again_changes_nothing_and_warns_of_the_close_spellings_until_an_admin_confirms(
    located_url, tmp_path
):
    crafted = _crafted(tmp_path)
    _import(located_url, crafted)
    before = fingerprint(located_url) | {"aliases": rows(located_url, ALIASES)}
    again = _import(located_url, crafted)
    assert (again.inserted, again.updated, again.committed) == (0, 0, False)
    assert fingerprint(located_url) | {"aliases": rows(located_url, ALIASES)} == before
    assert {u["name"] for u in again.notes["unknown_sources"]} == {"Syria Live-U-Map", "Reuter News"}
    assert "source_aliases_created" not in again.notes

    with db.connect(located_url) as conn:  # an admin confirms one (POST /v1/sources/reuters/aliases)
        assert catalogue_writes.add_source_alias(conn, source_id="reuters", alias="Reuter News")
    confirmed = _import(located_url, crafted)
    assert [u["name"] for u in confirmed.notes["unknown_sources"]] == ["Syria Live-U-Map"]
    assert (confirmed.updated, confirmed.committed) == (0, False)


def test_a_dry_run_adds_no_source_and_no_alias(located_url, tmp_path):
    before = fingerprint(located_url) | {"aliases": rows(located_url, ALIASES)}
    result = _import(located_url, _crafted(tmp_path), dry_run=True)
    assert result.notes["sources_created"] == 4 and result.notes["source_aliases_created"] == 3  # ucdp too
    assert fingerprint(located_url) | {"aliases": rows(located_url, ALIASES)} == before


def _old_state(url: str) -> dict[str, int]:
    """The database as imports and hand-written figures left it before 0017: a source per spelling, a
    document published by such a source that duplicates one of the source it spells, figures stated by
    such sources (one the same statement as the source it spells makes already). Returns ids it made."""
    with db.connect(url) as conn:
        # 0017's own objects undone (the view that reads source_alias goes with it; 0017 makes it again).
        conn.execute("DROP TABLE source_alias CASCADE")
        conn.execute("ALTER TABLE figure_citation DROP COLUMN name_as_written")
        # The bodies' functions as they were before 0027 made them read that column.
        conn.execute(_without_lines_naming("c.name_as_written", CITATIONS_AS_WRITTEN.read_text("utf-8")))
        conn.execute("DELETE FROM source WHERE id IN ('afp', 'liveuamap', 'al-masdar-news')")
        conn.execute("""INSERT INTO source (id, name, kind, description) VALUES
                        ('soh', 'SOH', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
                        ('ohr', 'OHR', 'media', NULL),
                        ('agence-france-presse', 'Agence France Presse', 'media', NULL),
                        ('syria-live-map', 'Syria Live Map', 'media', NULL),
                        ('sdf-press-office', 'SDF PRESS OFFICE', 'armed_group', NULL)""")
        cited = """SELECT c.figure_id, c.document_id FROM figure_citation c JOIN figure f ON f.id = c.figure_id
                   WHERE f.external_id LIKE %(event)s || ':%%'"""
        # 214808 cited "SOH": its document (publisher soh) has the title and date of 214811's SOHR report.
        twin = conn.execute(cited, {"event": "214811"}).fetchone()["document_id"]
        made = {"twin": twin}
        made["duplicate"] = conn.execute(
            """INSERT INTO document (title, publisher_id, published_on)
               SELECT title, 'soh', published_on FROM document WHERE id = %(id)s RETURNING id""",
            {"id": twin},
        ).fetchone()["id"]
        conn.execute(
            """UPDATE figure_citation SET source_id = 'soh', document_id = %(doc)s
                        WHERE figure_id IN (SELECT id FROM figure WHERE external_id LIKE '214808:%%')""",
            {"doc": made["duplicate"]},
        )
        # 214797 cited "OHR": a document of its own, published by ohr.
        own = conn.execute(cited, {"event": "214797"}).fetchone()["document_id"]
        conn.execute("UPDATE document SET publisher_id = 'ohr' WHERE id = %(id)s", {"id": own})
        conn.execute("""UPDATE figure_citation SET source_id = 'ohr'
                        WHERE figure_id IN (SELECT id FROM figure WHERE external_id LIKE '214797:%%')""")
        made["own"] = own
        # Figures written by hand: stated by agence-france-presse in a document it published, and by soh
        # (the same statement as seed figure 4 by sohr).
        made["afp_document"] = conn.execute(
            """INSERT INTO document (title, publisher_id, published_on)
               VALUES ('Aleppo toll', 'agence-france-presse', '2016-11-28') RETURNING id"""
        ).fetchone()["id"]
        same = """metric_id, count_kind, qualifier, population_group, location_id, origin_id, destination_id,
                  period_start, period_end, stated_on"""
        copy = f"""INSERT INTO figure ({same}, value, source_id, document_id)
                   SELECT {same}, %(value)s, %(source)s, %(document)s FROM figure WHERE id = 4 RETURNING id"""
        made["afp_figure"] = conn.execute(
            copy, {"value": 251, "source": "agence-france-presse", "document": made["afp_document"]}
        ).fetchone()["id"]
        made["soh_figure"] = conn.execute(copy, {"value": 250, "source": "soh", "document": 1}).fetchone()["id"]
        assert rows(url, "SELECT source_id FROM figure WHERE id = 4") == [{"source_id": "sohr"}]
    return made


def test_migration_0017_merges_spelled_sources_with_history(located_url):
    _import(located_url, UCDP)
    made = _old_state(located_url)
    citations = rows(located_url, "SELECT count(*) AS n FROM figure_citation")
    with db.connect(located_url) as conn:
        conn.execute(MIGRATION.read_text("utf-8"))

    # Citations and publishers moved to the source spelled; the duplicate merged into its twin.
    assert _cited(located_url, "214808") == [("sohr", "SOH", "sohr")]
    assert (
        rows(located_url, CITED.replace("d.publisher_id", "d.id"), {"id": "214808:people_killed"})[0]["id"]
        == (made["twin"])
    )
    assert not rows(located_url, "SELECT id FROM document WHERE id = %(id)s", {"id": made["duplicate"]})
    assert _cited(located_url, "214797") == [("sohr", "OHR", "sohr")]
    assert rows(located_url, "SELECT publisher_id FROM document WHERE id = %(id)s", {"id": made["own"]}) == [
        {"publisher_id": "sohr"}
    ]
    assert rows(located_url, "SELECT count(*) AS n FROM figure_citation") == citations
    assert _cited(located_url, "214811") == [("sohr", None, "sohr")]  # imported before: not recorded

    # A figure whose source changes keeps its history; one whose statement sohr makes already stays soh's.
    history = rows(
        located_url,
        """SELECT r.version, r.changed_by, r.reason, r.kind, r.state ->> 'source_id' AS source,
                                          (r.state ->> 'document_id')::bigint AS document
                                   FROM figure_revision r WHERE r.figure_id = %(id)s ORDER BY r.version""",
        {"id": made["afp_figure"]},
    )
    assert [(h["version"], h["source"]) for h in history] == [(1, "agence-france-presse"), (2, "afp")]
    assert (history[1]["changed_by"], history[1]["kind"], history[1]["document"]) == (
        "migration 0017",
        "update",
        made["afp_document"],
    )
    assert history[1]["reason"].startswith("Source names reconciled")
    assert rows(located_url, "SELECT source_id, version FROM figure WHERE id = %(id)s", {"id": made["soh_figure"]}) == [
        {"source_id": "soh", "version": 1}
    ]
    assert rows(located_url, "SELECT publisher_id FROM document WHERE id = %(id)s", {"id": made["afp_document"]}) == [
        {"publisher_id": "afp"}
    ]

    # Spelled sources go once nothing refers to them; the sources spelled are made where missing.
    sources = {r["id"]: r for r in rows(located_url, "SELECT id, name, kind FROM source")}
    assert {"ohr", "agence-france-presse", "syria-live-map", "sdf-press-office"}.isdisjoint(sources)
    assert "soh" in sources
    assert (sources["afp"]["name"], sources["afp"]["kind"]) == ("Agence France-Presse", "media")
    assert (sources["liveuamap"]["name"], sources["al-masdar-news"]["kind"]) == ("Liveuamap", "media")
    aliases = {r["key"]: (r["alias"], r["source_id"]) for r in rows(located_url, ALIASES)}
    assert aliases["soh"] == ("SOH", "sohr") and aliases["agence france presse"] == ("Agence France Presse", "afp")
    assert aliases["sdf press office"] == ("SDF PRESS OFFICE", "sdf")
    assert aliases["jpost com the jerusalem post online edition"][1] == "jpost-com-the-jerusalem-post-online-edition"
    assert "the guardian" not in aliases  # no such source here: an import makes it, with its alias
    with db.connect(located_url) as conn:
        settings = conn.execute("SELECT current_setting('tally.actor', true) AS actor").fetchone()
    assert settings["actor"] in (None, "")
    with app_over(located_url) as app:
        body = app.test_client().get("/v1/sources/sohr").get_json()
    assert {"OHR", "SOH", "SOHR", "SHR", "Syrian Observatory for Human Rights"} <= set(body["aliases"])


def test_migration_0017_on_a_database_without_spelled_sources_only_adds(located_url):
    before = rows(located_url, "SELECT id FROM source ORDER BY id")
    with db.connect(located_url) as conn:
        conn.execute("DROP TABLE source_alias CASCADE")
        conn.execute("ALTER TABLE figure_citation DROP COLUMN name_as_written")
        # The bodies' functions as they were before 0027 made them read that column.
        conn.execute(_without_lines_naming("c.name_as_written", CITATIONS_AS_WRITTEN.read_text("utf-8")))
        conn.execute(MIGRATION.read_text("utf-8"))
    assert rows(located_url, "SELECT id FROM source ORDER BY id") == before
    assert not rows(located_url, "SELECT 1 FROM figure_revision WHERE changed_by = 'migration 0017'")


def test_the_sources_0017_makes_that_the_seed_has_too_are_the_seeds(conn):
    # A fresh database runs 0017 before the seed, whose own rows then leave them as they are.
    seed = {s["id"]: s for s in seed_data()["sources"]}
    for source_id in ("sohr", "sdf", "un", "israeli-military"):
        row = conn.execute("SELECT name, kind, url, description FROM source WHERE id = %s", (source_id,)).fetchone()
        assert row == {"url": None, "description": None} | {k: v for k, v in seed[source_id].items() if k != "id"}


def _sources(client) -> list[dict]:
    found, page = [], "/v1/sources?limit=500"
    while page:
        body = client.get(page).get_json()
        found += body["data"]
        page = body["next"]
    return found


@pytest.mark.skipif(
    not UCDP_FULL.exists(), reason="shared/data (the full UCDP GED Syria file) is not beside the project"
)
def test_the_full_ucdp_file_names_each_source_once(fresh_url):
    with UCDP_FULL.open(newline="", encoding="utf-8") as source:
        spellings = {o.strip() for r in csv.DictReader(source) for o in r["source_office"].split(";")}
    result = _import(fresh_url, UCDP_FULL)
    assert result.committed
    assert all(u["outcome"] == "new_source" for u in result.notes["unknown_sources"])  # nothing merely close
    # What README.md and the OpenAPI document's import examples say this import creates.
    created = (result.notes["sources_created"], result.notes["documents_created"])
    assert created == (UCDP_NOTES["sources_created"], UCDP_NOTES["documents_created"]) == (59, 13764)

    with app_over(fresh_url) as app:
        sources = _sources(app.test_client())
    keys = {source["id"]: {source_key(a) for a in source["aliases"]} for source in sources}
    named_by = {}
    for source_id, source_keys in keys.items():
        for key in source_keys:
            assert key not in named_by, (key, source_id, named_by.get(key))
            named_by[key] = source_id
    # Every spelling of the file is an alias of exactly one source.
    assert {s for s in spellings if source_key(s) not in named_by} == set()
    # No two sources have close aliases.
    close = [
        (a, named_by[a], b, named_by[b])
        for a in named_by
        for b in named_by
        if a < b and named_by[a] != named_by[b] and is_close(a, b)
    ]
    assert close == []
    cited = rows(fresh_url, "SELECT count(DISTINCT source_id) AS n FROM figure_citation")[0]["n"]
    assert cited == len({named_by[source_key(s)] for s in spellings}) == 80
    assert len(spellings) == 127
    assert rows(fresh_url, "SELECT count(*) AS n FROM figure_citation WHERE name_as_written IS NULL") == [{"n": 0}]
