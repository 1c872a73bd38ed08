"""tally import ucdp: one figure per event and measure, placed, attributed to UCDP's sources."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from service import db, migrations
from service.importers.core import InvalidRows, write_report
from service.importers.datasets import OCHA_PCODES, UCDP_GED
from service.importers.locations import import_locations
from service.importers.ucdp import import_ucdp
from tests.imports.support import GAZETTEERS, UCDP, fingerprint, options, rows

FIGURE = """SELECT f.metric_id, f.count_kind, f.value, f.low, f.high, f.qualifier, f.population_group,
                   f.location_id, f.period_start, f.period_end, f.stated_on, f.source_id, f.latitude,
                   f.longitude, f.dataset_id, f.version, f.dataset_attributes AS attributes,
                   d.title, d.publisher_id, d.published_on, d.url
            FROM figure f JOIN document d ON d.id = f.document_id
            WHERE f.dataset_id = 'ucdp-ged' AND f.external_id = %(id)s"""


def _import(url: str, path=UCDP, **kwargs):
    with db.connect(url) as conn:
        return import_ucdp(conn, path, options(**kwargs))


@pytest.fixture(scope="module")
def first_import(shared_located_url):
    """The excerpt imported once, into the database this module's reading tests share; its result."""
    return _import(shared_located_url)


@pytest.fixture
def imported_url(shared_located_url: str, first_import) -> str:
    """The database first_import imported into. Tests given it only read."""
    return shared_located_url


def _figure(url: str, external_id: str) -> dict:
    return rows(url, FIGURE, {"id": external_id})[0]


def test_every_event_gives_two_figures(first_import):
    result = first_import
    assert (result.rows_read, result.rejected, result.skipped) == (22, 0, 0)
    assert (result.inserted, result.updated, result.unchanged) == (44, 0, 0)
    assert result.committed and result.import_id


def test_civilian_and_total_deaths_with_ucdps_bounds(imported_url):
    civilians = _figure(imported_url, "223919:civilians_killed")
    assert (
        civilians["metric_id"],
        civilians["count_kind"],
        civilians["value"],
        civilians["low"],
        civilians["high"],
        civilians["qualifier"],
        civilians["population_group"],
    ) == ("civilians_killed", "event", 6, None, None, "exact", "civilians")
    total = _figure(imported_url, "223919:people_killed")
    assert (total["value"], total["low"], total["high"], total["qualifier"], total["population_group"]) == (
        6,
        5,
        7,
        "approximately",
        None,
    )
    assert _figure(imported_url, "219415:people_killed")["qualifier"] == "exact"


def test_best_outside_low_high_keeps_best_and_reports_the_bounds(imported_url, first_import):
    result = first_import
    total = _figure(imported_url, "219459:people_killed")
    assert (total["value"], total["low"], total["high"]) == (142, None, None)
    assert (total["attributes"]["low"], total["attributes"]["high"]) == (177, 177)
    assert [(p.line, p.field, p.value, p.outcome) for p in result.problems] == [
        (14, "best", "177/142/177", "warning"),
        # An office the alias table does not know (a new source), reported too.
        (25, "source_office", "Jpost.com (The Jerusalem Post online edition)", "warning"),
    ]


def test_period_date_precision_and_coordinates_are_kept(imported_url):
    figure = _figure(imported_url, "214808:civilians_killed")
    assert (figure["period_start"], figure["period_end"]) == (dt.date(2016, 1, 1), dt.date(2016, 1, 1))
    assert (figure["latitude"], figure["longitude"]) == (36.201241, 37.161173)
    assert figure["attributes"] | {"distance_km": None} == figure["attributes"] | {
        "event_id": 214808,
        "date_prec": 1,
        "where_prec": 1,
        "where_coordinates": "Aleppo town",
        "adm_1": "Aleppo Governorate",
        "adm_2": "Jabal Saman district",
        "placement": "coordinates",
        "distance_km": None,
    }


@pytest.mark.parametrize(
    ("event", "location", "placement"),
    [
        ("214808", "SY020000", "coordinates"),  # Aleppo town: the Jebel Saman sub-district's centroid is 1 km away
        ("216587", "SY020001", "coordinates"),  # "Atarib district" is OCHA's Atareb sub-district
        ("215248", "SY020202", "coordinates"),  # "Dayr Hafir district" is a sub-district of Al Bab
        ("223584", "SY02", "adm_1"),  # where_prec 5, no adm_2: the governorate
        ("240884", "SY02", "adm_1"),
        ("233200", "SY", "country"),  # no adm_1: Syria
        ("223985", "SY090202", "coordinates"),  # "Albu Kamal district" is Abu Kamal; the event is in its Hajin
    ],
)
def test_events_are_placed_at_the_best_matching_unit(imported_url, event, location, placement):
    figure = _figure(imported_url, f"{event}:people_killed")
    assert (figure["location_id"], figure["attributes"]["placement"]) == (location, placement)


def test_names_matched_are_reported_with_how(first_import):
    result = first_import
    matched = {(m["field"], m["name"]): (m["location"], m["method"]) for m in result.notes["matched_names"]}
    assert matched[("adm_2", "Jabal Saman district")] == ("SY0200", "name")
    assert matched[("adm_2", "Mintaqat Azaz district")] == ("SY0204", "name")
    assert matched[("adm_1", "Idlib Governorate")] == ("SY07", "name")  # OCHA's Idleb; OpenSyria's alias Idlib
    assert matched[("adm_2", "Albu Kamal district")] == ("SY0902", "name")
    assert result.notes["unmatched_names"] == []


def test_names_the_gazetteer_lacks_are_reported_never_guessed(fresh_url):
    # Without OpenSyria's sub-districts, Atarib and Dayr Hafir (sub-districts, not districts, in OCHA's
    # gazetteer) name no unit Tally has.
    with db.connect(fresh_url) as conn:
        import_locations(conn, GAZETTEERS, options())
        conn.execute("DELETE FROM location WHERE kind = 'admin3' AND id <> 'SY020000'")
        conn.commit()
    result = _import(fresh_url)
    unmatched = {(u["field"], u["name"], u["within"]): u["rows"] for u in result.notes["unmatched_names"]}
    assert unmatched == {("adm_2", "Atarib district", "SY02"): 1, ("adm_2", "Dayr Hafir district", "SY02"): 1}
    warning = [p for p in result.problems if p.field == "adm_2"]
    assert [(w.line, w.value, w.outcome) for w in warning] == [
        (10, "Dayr Hafir district", "warning"),
        (20, "Atarib district", "warning"),
    ]
    # Placed by the name that did match (the governorate), refined by nothing: no admin3 near enough.
    assert _figure(fresh_url, "216587:people_killed")["location_id"] == "SY02"


CITED = """SELECT c.position, c.source_id, d.title, d.publisher_id, d.published_on FROM figure_citation c
           JOIN figure f ON f.id = c.figure_id JOIN document d ON d.id = c.document_id
           WHERE f.external_id = %(id)s ORDER BY c.position"""


def test_ucdp_states_its_estimates_and_the_report_it_coded_them_from_is_a_citation(imported_url):
    figure = _figure(imported_url, "214808:civilians_killed")
    assert (figure["source_id"], figure["title"], figure["publisher_id"], figure["published_on"], figure["url"]) == (
        "ucdp",
        "UCDP Georeferenced Event Dataset (GED), Syria",
        "ucdp",
        None,
        "https://ucdp.uu.se/downloads/",
    )
    assert figure["stated_on"] == dt.date(2016, 1, 1)  # the first cited report's date: UCDP gives none per event
    assert figure["dataset_id"] == UCDP_GED.id
    assert rows(imported_url, CITED, {"id": "214808:civilians_killed"}) == [
        {
            "position": 1,
            "source_id": "sohr",
            "title": "Clashes on many fronts of Aleppo",
            "publisher_id": "sohr",
            "published_on": dt.date(2016, 1, 1),
        }
    ]
    assert rows(imported_url, "SELECT kind FROM source WHERE id = 'ucdp'") == [{"kind": "dataset"}]
    # The seed's SOHR is reused, not duplicated.
    assert rows(imported_url, "SELECT count(*) AS n FROM source WHERE id = 'sohr'")[0]["n"] == 1


def test_a_record_with_newlines_inside_quoted_fields_is_one_event(imported_url):
    figure = _figure(imported_url, "217846:people_killed")
    [cited] = rows(imported_url, CITED, {"id": "217846:people_killed"})
    assert (figure["source_id"], cited["source_id"], cited["title"]) == (
        "ucdp",
        "waha-report",
        "Syria Daily Report 15/02/2016",
    )
    assert figure["attributes"]["source_original"] == "Waha Report"


def test_every_cited_source_is_kept_in_order_with_headlines_that_hold_semicolons(imported_url):
    cited = rows(
        imported_url,
        """
        SELECT c.position, c.source_id, d.title, d.published_on FROM figure_citation c
        JOIN figure f ON f.id = c.figure_id JOIN document d ON d.id = c.document_id
        WHERE f.external_id = '244976:civilians_killed' ORDER BY c.position""",
    )
    assert [(c["position"], c["source_id"], c["published_on"]) for c in cited] == [
        (1, "sohr", dt.date(2017, 3, 19)),
        (2, "sohr", dt.date(2017, 3, 20)),
        (3, "jpost-com-the-jerusalem-post-online-edition", dt.date(2017, 3, 19)),
    ]
    assert (
        cited[0]["title"] == "“Israeli” warplanes target the road to the capital Damascus; kill a person inside a car"
    )
    assert cited[2]["title"].startswith("Syrian report: One killed in cross-border Israeli air strike on vehicle\n")


def test_every_citation_says_how_ucdp_named_its_source_as_the_file_does(imported_url):
    """Each citation in a figure's body carries the source_office entry it was matched from, in the file's order."""
    with UCDP.open(newline="", encoding="utf-8") as file:
        offices = {row["id"]: [o.strip() for o in row["source_office"].split(";")] for row in csv.DictReader(file)}
    bodies = rows(
        imported_url,
        """SELECT f.external_id, r.body FROM figure f JOIN figure_read r ON r.figure_id = f.id
           WHERE f.dataset_id = 'ucdp-ged'""",
    )
    served = {
        row["external_id"]: [c["name_as_written"] for c in json.loads(row["body"])["dataset"]["citations"]]
        for row in bodies
    }
    assert len(served) > 20
    assert {external_id: offices[external_id.split(":")[0]] for external_id in served} == served
    assert served["244976:civilians_killed"] == ["SOHR", "SOHR", "Jpost.com (The Jerusalem Post online edition)"]


def test_two_events_with_identical_values_are_two_figures(imported_url):
    twins = rows(
        imported_url,
        """SELECT external_id, value, location_id, period_start, source_id FROM figure
                                 WHERE external_id IN ('214814:people_killed', '214817:people_killed')
                                 ORDER BY external_id""",
    )
    assert len(twins) == 2
    assert {k: v for k, v in twins[0].items() if k != "external_id"} == {
        k: v for k, v in twins[1].items() if k != "external_id"
    }


def test_reimporting_the_same_file_changes_nothing(located_url):
    _import(located_url)
    before = fingerprint(located_url)
    result = _import(located_url)
    assert (result.inserted, result.updated, result.unchanged, result.committed) == (0, 0, 44, False)
    assert fingerprint(located_url) == before


def test_dry_run_reports_and_writes_nothing(located_url):
    before = fingerprint(located_url)
    result = _import(located_url, dry_run=True)
    assert (result.inserted, result.committed, result.import_id) == (44, False, None)
    assert fingerprint(located_url) == before


def _with_bad_row(tmp_path):
    """The excerpt with one event's date_start broken, in the middle of the file."""
    lines = UCDP.read_text("utf-8").split("\n")
    assert lines[11].startswith("216903,")
    lines[11] = lines[11].replace(",2016-01-09,2016-01-09,", ",2016-01-32,2016-01-09,")
    path = tmp_path / "ucdp_bad.csv"
    path.write_text("\n".join(lines), "utf-8")
    return path


def test_one_bad_row_in_the_middle_leaves_the_database_unchanged(located_url, tmp_path):
    before = fingerprint(located_url)
    with pytest.raises(InvalidRows) as raised:
        _import(located_url, _with_bad_row(tmp_path))
    assert fingerprint(located_url) == before
    problem = raised.value.results[0].problems
    assert [(p.line, p.field, p.value, p.reason) for p in problem if p.outcome == "rejected"] == [
        (12, "date_start", "2016-01-32", "must be a date as YYYY-MM-DD")
    ]


def test_skip_invalid_imports_the_other_rows_and_writes_the_report(located_url, tmp_path):
    result = _import(located_url, _with_bad_row(tmp_path), skip_invalid=True)
    assert (result.rejected, result.inserted) == (1, 42)
    assert not rows(located_url, "SELECT 1 FROM figure WHERE external_id LIKE '216903:%%'")
    report = tmp_path / "report.csv"
    write_report(report, [result])
    with report.open(newline="", encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    assert [(r["line"], r["field"], r["outcome"]) for r in lines] == [
        ("12", "date_start", "rejected"),
        ("14", "best", "warning"),
        ("25", "source_office", "warning"),
    ]
    record = rows(
        located_url, "SELECT rejected, inserted FROM dataset_import WHERE id = %(id)s", {"id": result.import_id}
    )[0]
    assert record == {"rejected": 1, "inserted": 42}


def test_a_newer_version_updates_changed_figures_in_place_as_new_revisions(located_url, tmp_path):
    first = _import(located_url)
    lines = UCDP.read_text("utf-8").split("\n")
    assert lines[16].startswith("219415,")
    # Version 2 revises event 219415's total from 51 (low=best=high) to 55 (51..60).
    assert lines[16].endswith(",0,0,51,0,51,51,51")
    lines[16] = lines[16].removesuffix(",51,51") + ",55,60"
    newer = tmp_path / "ucdp_v2.csv"
    newer.write_text("\n".join(lines), "utf-8")
    second = _import(located_url, newer, version="20.1")
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 43)
    assert second.notes["changed"] == [
        {
            "figure_id": second.notes["changed"][0]["figure_id"],
            "external_id": "219415:people_killed",
            "fields": ["high", "qualifier", "value"],
        }
    ]
    figure = _figure(located_url, "219415:people_killed")
    assert (figure["value"], figure["low"], figure["high"], figure["version"]) == (55, 51, 60, 2)
    history = rows(
        located_url,
        """SELECT r.version, r.reason, r.changed_by, r.kind, r.state ->> 'value' AS value
                                   FROM figure_revision r JOIN figure f ON f.id = r.figure_id
                                   WHERE f.external_id = '219415:people_killed' ORDER BY r.version""",
    )
    assert history == [
        {
            "version": 1,
            "reason": f"import ucdp-ged {UCDP_GED.version}",
            "changed_by": "test",
            "kind": "create",
            "value": "51",
        },
        {"version": 2, "reason": "import ucdp-ged 20.1", "changed_by": "test", "kind": "update", "value": "55"},
    ]
    assert rows(located_url, """SELECT f.import_id FROM figure f WHERE f.external_id = '219415:people_killed'""") == [
        {"import_id": second.import_id}
    ]
    assert rows(located_url, """SELECT f.import_id FROM figure f WHERE f.external_id = '214808:people_killed'""") == [
        {"import_id": first.import_id}
    ]


def test_the_import_record_has_licence_checksum_and_counts(imported_url, first_import):
    result = first_import
    record = rows(imported_url, "SELECT * FROM dataset_import WHERE id = %(id)s", {"id": result.import_id})[0]
    assert (record["dataset_id"], record["version"], record["file_name"], record["imported_by"]) == (
        "ucdp-ged",
        UCDP_GED.version,
        "ucdp_ged_excerpt.csv",
        "test",
    )
    assert record["sha256"] == result.sha256 and len(record["sha256"]) == 64
    assert (record["rows_read"], record["inserted"], record["updated"], record["unchanged"], record["rejected"]) == (
        22,
        44,
        0,
        0,
        0,
    )
    assert record["licence"] == UCDP_GED.licence and "Sundberg" in record["citation"]
    assert record["report"]["placement"] == {"coordinates": 19, "adm_1": 2, "country": 1}


def test_without_the_gazetteers_events_fall_back_to_the_seeds_units(fresh_url):
    # Only the seed: Syria, Aleppo and the Jebel Saman district and sub-district are known.
    result = _import(fresh_url)
    assert result.inserted == 44
    places = rows(fresh_url, "SELECT DISTINCT location_id FROM figure WHERE dataset_id = 'ucdp-ged' ORDER BY 1")
    assert [p["location_id"] for p in places] == ["SY", "SY02", "SY020000"]
    assert {u["name"] for u in result.notes["unmatched_names"]} >= {"Homs Governorate", "Mintaqat Azaz district"}
    assert OCHA_PCODES.id not in {d["id"] for d in rows(fresh_url, "SELECT id FROM dataset")}


def _edited_excerpt(path: Path, edit: Callable[[list[dict[str, str]]], None]) -> Path:
    """The UCDP excerpt with its events changed in place by edit, written to path (a newer release)."""
    with UCDP.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        records, header = list(reader), reader.fieldnames
    edit(records)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header or [])
        writer.writeheader()
        writer.writerows(records)
    return path


def test_a_newer_version_citing_one_source_replaces_the_old_citations(located_url, tmp_path):
    _import(located_url)
    citations = """SELECT f.external_id, count(c.position) AS n FROM figure f
                   LEFT JOIN figure_citation c ON c.figure_id = f.id
                   WHERE f.external_id LIKE '216587:%%' GROUP BY f.external_id ORDER BY 1"""
    assert [r["n"] for r in rows(located_url, citations)] == [2, 2]
    cited_before = rows(located_url, "SELECT count(*) AS n FROM figure_citation")[0]["n"]

    def cite_the_first_source_only(records: list[dict[str, str]]) -> None:
        several = [r for r in records if ";" in r["source_office"]]
        assert len(several) == 5
        for event in several:  # each now cites its first source only: one citation per figure
            event.update(
                {
                    name: event[name].split(";")[0]
                    for name in ("source_office", "source_date", "source_headline", "source_article")
                },
                source_original=event["source_office"].split(";")[0],
                number_of_sources="1",
            )

    newer = _edited_excerpt(tmp_path / "ucdp_one_source.csv", cite_the_first_source_only)
    second = _import(located_url, newer, version="20.1")
    assert (second.updated, second.unchanged) == (10, 34)
    assert [r["n"] for r in rows(located_url, citations)] == [1, 1]
    assert rows(located_url, "SELECT count(*) AS n FROM figure_citation") == [{"n": 44}] != [{"n": cited_before}]
    again = _import(located_url, newer, version="20.1")
    assert (again.updated, again.unchanged) == (0, 44)


def test_migration_0015_gives_figures_attributed_to_a_report_back_to_ucdp_with_their_history(located_url):
    _import(located_url)
    ucdp_figures = "SELECT count(*) AS n FROM figure WHERE dataset_id = 'ucdp-ged' AND source_id = 'ucdp'"
    assert rows(located_url, ucdp_figures) == [{"n": 44}]
    citations = rows(located_url, "SELECT count(*) AS n FROM figure_citation")
    with db.connect(located_url) as conn:  # the figures as the importer attributed them before 0015
        conn.execute("""UPDATE figure f SET source_id = c.source_id, document_id = c.document_id, version = version + 1
                        FROM figure_citation c WHERE c.figure_id = f.id AND c.position = 1""")
        conn.execute("""DELETE FROM figure_citation c WHERE (SELECT count(*) FROM figure_citation o
                                                             WHERE o.figure_id = c.figure_id) = 1""")
        conn.execute("DELETE FROM document WHERE publisher_id = 'ucdp'")
        conn.execute("DELETE FROM source WHERE id = 'ucdp'")
    assert rows(located_url, ucdp_figures) == [{"n": 0}]
    migration = Path(migrations.__file__).parent / "sql" / "migrations" / "0015_ucdp_states_its_estimates.sql"
    with db.connect(located_url) as conn:
        conn.execute(migration.read_text("utf-8"))
    assert rows(located_url, ucdp_figures) == [{"n": 44}]
    assert rows(located_url, CITED, {"id": "214808:civilians_killed"})[0]["source_id"] == "sohr"
    assert rows(located_url, "SELECT count(*) AS n FROM figure_citation") == citations
    [revision] = rows(
        located_url,
        """SELECT r.changed_by, r.reason, r.state ->> 'source_id' AS source
                                      FROM figure_revision r JOIN figure f ON f.id = r.figure_id
                                      WHERE f.external_id = '214808:civilians_killed' AND r.version = f.version""",
    )
    assert (revision["changed_by"], revision["source"]) == ("migration 0015", "ucdp")
    assert revision["reason"].startswith("UCDP GED figures are UCDP's own estimates")


def test_a_newer_version_that_only_respells_an_outlet_updates_its_citations(located_url, tmp_path):
    """The words a citation shows are the release's: SOHR written out in full is the same source, in other words."""
    _import(located_url)

    def respell_sohr(records: list[dict[str, str]]) -> None:
        assert (records[0]["id"], records[0]["source_office"]) == ("214797", "SOHR")
        records[0]["source_office"] = "Syrian Observatory for Human Rights"

    newer = _edited_excerpt(tmp_path / "ucdp_respelled.csv", respell_sohr)
    second = _import(located_url, newer, version="20.1")
    assert (second.updated, second.unchanged) == (2, 42)
    assert {tuple(change["fields"]) for change in second.notes["changed"]} == {("citations",)}
    cited = """SELECT f.external_id, c.source_id, c.name_as_written, f.version FROM figure f
               JOIN figure_citation c ON c.figure_id = f.id WHERE f.external_id LIKE '214797:%%' ORDER BY 1"""
    assert [(r["source_id"], r["name_as_written"], r["version"]) for r in rows(located_url, cited)] == [
        ("sohr", "Syrian Observatory for Human Rights", 2)
    ] * 2
    again = _import(located_url, newer, version="20.1")
    assert (again.updated, again.unchanged) == (0, 44)
