"""Loads the seed data set (the figures of the article Tally started from)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .db import Connection, acting_as, one, queries
from .repositories.figure_writes import DuplicateFigure, insert_figure

SEED_FILE = "aleppo-2016-11-27.json"
SEED_ACTOR = "seed"

_SOURCE_FIELDS: dict[str, object] = {"url": None, "description": None}
_LOCATION_FIELDS: dict[str, object] = {
    "pcode": None,
    "name_ar": None,
    "aliases": [],
    "latitude": None,
    "longitude": None,
    "description": None,
}


def seed_data() -> dict[str, Any]:
    """The seed data set as shipped with the package."""
    data: dict[str, Any] = json.loads(resources.files("service.seeds").joinpath(SEED_FILE).read_text("utf-8"))
    return data


def load_seed(conn: Connection) -> int:
    """Insert whatever of the seed data set is missing, in one transaction; return the new figures."""
    data = seed_data()
    sql = queries("seed")
    with conn.transaction():
        acting_as(conn, actor=SEED_ACTOR, reason=f"seed {SEED_FILE}")
        for source in data["sources"]:
            conn.execute(sql["insert_source"], _SOURCE_FIELDS | source)
        for location in data["locations"]:
            conn.execute(sql["insert_location"], _LOCATION_FIELDS | location)
        for location in data["locations"]:  # once every place exists
            for area in location.get("areas", []):
                conn.execute(sql["insert_location_area"], {"id": location["id"], "area": area})
        document_ids = {doc["key"]: one(conn.execute(sql["insert_document"], doc))["id"] for doc in data["documents"]}
        before: int = one(conn.execute("SELECT count(*) AS n FROM figure"))["n"]
        for figure in data["figures"]:
            _insert_figure(conn, sql, figure, document_ids)
        after: int = one(conn.execute("SELECT count(*) AS n FROM figure"))["n"]
        return after - before


def _insert_figure(conn: Connection, sql: dict[str, str], figure: dict[str, Any], document_ids: dict[str, int]) -> None:
    """The figure and its disputes, through the write path every figure takes; one already there is kept."""
    fields = {name: value for name, value in figure.items() if name != "disputes"}
    try:
        figure_id = insert_figure(conn, fields=fields | {"document": document_ids[figure["document"]]})["id"]
    except DuplicateFigure as duplicate:
        figure_id = duplicate.extra["existing_id"]
    for dispute in figure.get("disputes", []):
        params = dispute | {"figure_id": figure_id, "document_id": document_ids[dispute["document"]]}
        conn.execute(sql["insert_dispute"], params)
