"""Reading what answers are built from: claims, totals candidates and coverage."""
from __future__ import annotations

import orjson

from ..db import Connection, queries
from ..errors import TallyError
from ..totals import Candidate
from . import figures, locations

# A totals request reads at most this many figures; past it the caller must narrow.
MAX_TOTALS_FIGURES = 50_000

# Filters given as a location code that include every place inside it.
_PLACE_FILTERS = ("location", "origin", "destination")


class TooManyFigures(TallyError):
    """Too many figures match for one total; narrow the request with location, source, from or to."""

    status = 422
    title = "Too many figures"


def _params(conn: Connection, filters: dict, names: tuple[str, ...]) -> dict:
    """Every named filter as a query parameter (None when absent), place codes resolved to subtrees."""
    params = {name: filters.get(name) for name in names}
    for name in _PLACE_FILTERS:
        if params.get(name) is not None:
            params[name] = locations.subtree_ids(conn, param=name, code=params[name])
    return params


def list_claims(conn: Connection, *, filters: dict, after: int | None, limit: int) -> list[dict]:
    """Claims (groups of figures stating the same quantity) after the given id; limit + 1 at most."""
    names = ("metric", "location", "origin", "destination", "source", "status", "from_", "to")
    params = _params(conn, filters, names) | {
        "min_sources": filters["min_sources"],
        "match_population_group": filters["match_population_group"],
        "after": after,
        "limit": limit + 1,
    }
    claims = conn.execute(queries("analysis")["list_claims"], params).fetchall()
    bodies = figures.figure_bodies(conn, ids=[i for claim in claims for i in claim["figure_ids"]])
    return [{"id": claim["id"], "body": _with_figures(claim, bodies)} for claim in claims]


def _with_figures(claim: dict, bodies: dict[int, str]) -> str:
    """A claim's JSON text with its figures' JSON embedded as built by the database."""
    embedded = [orjson.Fragment(bodies[i]) for i in claim["figure_ids"]]
    return orjson.dumps(claim["body"] | {"figures": embedded}).decode()


def totals_candidates(conn: Connection, *, metric: str, filters: dict) -> list[Candidate]:
    """Every figure of metric a total may use or must name as left out."""
    named = queries("analysis")
    names = ("location", "origin", "destination", "source", "from_", "to")
    params = _params(conn, filters, names) | {"metric": metric, "limit": MAX_TOTALS_FIGURES + 1}
    rows = conn.execute(named["totals_candidates"], params).fetchall()
    if len(rows) > MAX_TOTALS_FIGURES:
        raise TooManyFigures(
            f"More than {MAX_TOTALS_FIGURES} figures match; narrow the request with location, source, from or to.")
    ids = list({row[name] for row in rows for name in _PLACE_COLUMNS if row[name]})
    paths = {r["id"]: (tuple(r["path"]), tuple(r["levels"])) for r in conn.execute(named["location_paths"], {"ids": ids})}
    return [_candidate(row, paths) for row in rows]


_PLACE_COLUMNS = ("location_id", "origin_id", "destination_id")


def _candidate(row: dict, paths: dict[str, tuple[tuple, tuple]]) -> Candidate:
    """A figure row as the totals rules see it: its places as paths from the root."""
    path, levels = paths[row["location_id"]]
    origin, destination = row["origin_id"], row["destination_id"]
    return Candidate(row["id"], row["source_id"], row["count_kind"], row["value"], row["qualifier"], row["status"],
                     row["period_start"], row["period_end"], row["stated_on"], path, levels,
                     paths[origin][0] if origin else None, paths[destination][0] if destination else None,
                     row["dataset_id"])


def attach_refs(conn: Connection, totals: list[dict]) -> None:
    """Replace the source and location ids of totals by their references ({id, name, kind, ...})."""
    named = queries("analysis")
    source_ids = sorted({t["source"] for t in totals})
    location_ids = sorted({t["location"] for t in totals if t["location"]})
    sources = {r["id"]: r["ref"] for r in conn.execute(named["source_refs"], {"ids": source_ids})}
    places = {r["id"]: r["ref"] for r in conn.execute(named["location_refs"], {"ids": location_ids})}
    for total in totals:
        total["source"], total["location"] = sources[total["source"]], places.get(total["location"])


def list_coverage(conn: Connection, *, filters: dict, after: str | None, limit: int) -> list[dict]:
    """Coverage rows (metric, place, source) after the given key; limit + 1 at most."""
    params = _params(conn, filters, ("metric", "location", "source", "status"))
    return conn.execute(queries("analysis")["list_coverage"], params | {"after": after, "limit": limit + 1}).fetchall()
