"""The place paths the totals rules compare (analysis.sql's location_paths), against the containment graph walked
in Python: for every place of the seed and the imported gazetteer excerpts."""

from __future__ import annotations

from collections import defaultdict

from service import db
from service.db import queries
from tests.imports.support import rows


def _graph(url: str) -> tuple[dict[str, str | None], dict[str, list[str]], dict[str, int | None]]:
    places = rows(url, "SELECT id, parent_id, admin_level(kind) AS level FROM location")
    areas: dict[str, list[str]] = defaultdict(list)
    for edge in rows(url, "SELECT location_id, area_id FROM location_area"):
        areas[edge["location_id"]].append(edge["area_id"])
    return {p["id"]: p["parent_id"] for p in places}, areas, {p["id"]: p["level"] for p in places}


def _chain(place: str, parent: dict[str, str | None]) -> list[str]:
    """The place's administrative chain, from the root down to it."""
    chain = [place]
    while parent[chain[0]] is not None:
        chain.insert(0, parent[chain[0]])
    return chain


def _containers(place: str, parent: dict[str, str | None], areas: dict[str, list[str]]) -> set[str]:
    """Every place that holds it, through parents and areas."""
    found: set[str] = set()
    todo = [place]
    while todo:
        inner = todo.pop()
        for outer in [parent[inner], *areas[inner]]:
            if outer is not None and outer not in found:
                found.add(outer)
                todo.append(outer)
    return found


def test_every_place_path_is_its_chain_then_the_areas_holding_it_then_itself(shared_located_url):
    parent, areas, level = _graph(shared_located_url)
    assert any(areas.values())  # the seed's places in several areas are there to be walked
    with db.connect(shared_located_url) as conn:
        found = conn.execute(queries("analysis")["location_paths"], {"ids": list(parent)}).fetchall()
    assert len(found) == len(parent)
    for row in found:
        chain = _chain(row["id"], parent)
        held_by = _containers(row["id"], parent, areas) - set(chain)
        path, levels = row["path"], row["levels"]
        assert path[: len(chain) - 1] == chain[:-1] and path[-1] == row["id"], row
        assert set(path[len(chain) - 1 : -1]) == held_by and len(path) == len(chain) + len(held_by), row
        assert levels == [level[p] for p in chain[:-1]] + [None] * len(held_by) + [level[row["id"]]], row
