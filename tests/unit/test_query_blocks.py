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
