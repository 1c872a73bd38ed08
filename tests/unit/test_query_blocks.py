"""Named SQL blocks: what service.db.queries hands to the repositories."""

from __future__ import annotations

from importlib import resources

import pytest

from service.db import queries

MODULES = sorted(
    entry.name.removesuffix(".sql")
    for entry in resources.files("service.sql.queries").iterdir()
    if entry.name.endswith(".sql")
)


@pytest.mark.parametrize("module", MODULES)
def test_blocks_carry_no_comment_lines(module):
    """A placeholder named in a block's comment would be filled there too: comments stay in the file."""
    for name, body in queries(module).items():
        assert body, name
        assert not [line for line in body.splitlines() if line.lstrip().startswith("--")], name


def test_a_placeholder_in_a_comment_is_filled_only_in_the_statement():
    body = queries("figures")["count_figures"]
    assert body == "SELECT count(*) AS total FROM figure f WHERE {where}"


@pytest.mark.parametrize(
    ("block", "marker"),
    [("figure_export", "figure_export"), ("json_export", "figure_export"), ("location_export", "location_export")],
)
def test_an_export_is_named_where_pg_stat_activity_keeps_it(block, marker):
    """pg_stat_activity keeps a statement's first 1,024 bytes (track_activity_query_size): a CSV export's columns
    alone run past them, so the name that lets an operator find the export (and cancel it) comes first."""
    assert queries("exports")[block].startswith(f"/* {marker} */ COPY (")
