"""Reading what answers are built from: claims, totals candidates and coverage."""

from __future__ import annotations

from typing import Any

import orjson
from psycopg import sql

from .. import figure
from ..db import Connection, queries
from ..errors import TallyError
from ..totals import Candidate, Path
from . import figures

# A totals request reads at most this many figures; past it the caller must narrow.
MAX_TOTALS_FIGURES = 50_000
# Filters that choose whole claims rather than the figures grouped into them.
_CLAIM_FILTERS = ("source", "from_", "to")


class TooManyFigures(TallyError):
    """Too many figures match for one total; narrow the request with location, source, from or to."""

    status = 422
    title = "Too many figures"


def _when_given(params: dict[str, Any], names: tuple[str, ...], prefix: str) -> sql.Composable:
    """The named blocks <prefix><name> of analysis.sql for the parameters given, each after AND."""
    named = queries("analysis")
    return sql.SQL("").join(sql.SQL(" AND " + named[prefix + name]) for name in names if name in params)


def list_claims(conn: Connection, *, filters: dict[str, Any], after: int | None, limit: int) -> list[dict[str, Any]]:
    """Claims (groups of figures stating the same quantity) after the given id; limit + 1 at most.

    Only the quantities a page can come from are grouped: those of the first figures after the
    cursor, scanning further until the claims found are enough or every figure was scanned.
    """
    params = figures.resolve_filters(conn, filters) | {"after": after}
    params = {name: value for name, value in params.items() if value is not None}
    named = queries("analysis")
    population_key = sql.SQL(named["claim_population_key"] if params["match_population_group"] else "''")
    period = "from_" in params or "to" in params
    query = sql.SQL(named["claim_groups"]).format(
        where=figure.where(params, exclude=_CLAIM_FILTERS),
        overlap=_overlap(params),
        population_key=population_key,
        after=sql.SQL(named["claim_first_after"] if "after" in params else "true"),
        in_seed=sql.SQL(named["claim_in_seed"]).format(population_key=population_key) if period else sql.SQL("true"),
        having=_when_given(params, (*_CLAIM_FILTERS, "after"), "claim_"),
    )
    params |= {"from_": params.get("from_"), "to": params.get("to")}
    scan = _FIRST_SCAN * (limit + 1)
    while True:
        rows = conn.execute(query, params | {"scan": scan}).fetchall()
        claims = [row for row in rows if row["id"] is not None]
        if len(claims) > limit or rows[0]["scanned"] < scan:
            break
        scan *= 4
    claims = claims[: limit + 1]
    bodies = _claim_bodies(conn, claims)
    embedded = figures.figure_bodies(conn, ids=[i for claim in claims for i in claim["figure_ids"]])
    return [{"id": claim["id"], "body": _with_figures(bodies[claim["id"]], claim, embedded)} for claim in claims]


# A page of claims first groups the quantities of this many figures per claim it holds (more if need be).
_FIRST_SCAN = 4


def _overlap(params: dict[str, Any]) -> sql.Composable:
    """The period filter (from, to) in the form the period index answers, or true."""
    if "from_" in params or "to" in params:
        return sql.SQL(queries("analysis")["period_overlap"])
    return sql.SQL("true")


def _claim_bodies(conn: Connection, claims: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Claim id -> the claim's body (a dict) without its figures."""
    if not claims:
        return {}
    pairs = [(claim["id"], figure_id) for claim in claims for figure_id in claim["figure_ids"]]
    params = {"claim_ids": [c for c, _ in pairs], "figure_ids": [f for _, f in pairs]}
    query = sql.SQL(queries("analysis")["claim_bodies"]).format()
    return {row["id"]: row["body"] for row in conn.execute(query, params)}


def _with_figures(body: dict[str, Any], claim: dict[str, Any], bodies: dict[int, str]) -> str:
    """A claim's JSON text with its figures' JSON embedded as built by the database."""
    embedded = [orjson.Fragment(bodies[i]) for i in claim["figure_ids"]]
    return orjson.dumps(body | {"figures": embedded}).decode()


def totals_candidates(conn: Connection, *, metric: str, filters: dict[str, Any]) -> list[Candidate]:
    """Every figure of metric a total may use or must name as left out."""
    named = queries("analysis")
    params = figures.resolve_filters(conn, filters) | {"metric": metric, "limit": MAX_TOTALS_FIGURES + 1}
    query = sql.SQL(named["totals_candidates"]).format(
        where=figure.where(params, exclude=("metric",), defaults=False), overlap=_overlap(params)
    )
    rows = conn.execute(query, params | {"from_": params.get("from_"), "to": params.get("to")}).fetchall()
    if len(rows) > MAX_TOTALS_FIGURES:
        raise TooManyFigures(
            f"More than {MAX_TOTALS_FIGURES} figures match; narrow the request with location, source, from or to."
        )
    ids = list({row[name] for row in rows for name in _PLACE_COLUMNS if row[name]})
    paths: _Paths = {
        r["id"]: (tuple(r["path"]), tuple(r["levels"])) for r in conn.execute(named["location_paths"], {"ids": ids})
    }
    return [_candidate(row, paths) for row in rows]


_PLACE_COLUMNS = ("location_id", "origin_id", "destination_id")
# Location id -> (ids from the root down to it, their administrative levels)
_Paths = dict[str, tuple[Path, tuple[int | None, ...]]]


def _candidate(row: dict[str, Any], paths: _Paths) -> Candidate:
    """A figure row as the totals rules see it: its places as paths from the root."""
    path, levels = paths[row["location_id"]]
    origin, destination = row["origin_id"], row["destination_id"]
    return Candidate(
        row["id"],
        row["source_id"],
        row["count_kind"],
        row["value"],
        row["qualifier"],
        row["status"],
        row["period_start"],
        row["period_end"],
        row["stated_on"],
        path,
        levels,
        paths[origin][0] if origin else None,
        paths[destination][0] if destination else None,
        row["dataset_id"],
    )


def attach_refs(conn: Connection, totals: list[dict[str, Any]]) -> None:
    """Replace the source and location ids of totals by their references ({id, name, kind, ...})."""
    named = queries("analysis")
    source_ids = sorted({t["source"] for t in totals})
    location_ids = sorted({t["location"] for t in totals if t["location"]})
    sources = {r["id"]: r["ref"] for r in conn.execute(named["source_refs"], {"ids": source_ids})}
    places = {r["id"]: r["ref"] for r in conn.execute(named["location_refs"], {"ids": location_ids})}
    for total in totals:
        total["source"], total["location"] = sources[total["source"]], places.get(total["location"])


def list_coverage(conn: Connection, *, filters: dict[str, Any], after: str | None, limit: int) -> list[dict[str, Any]]:
    """Coverage rows (metric, place, source) after the given key; limit + 1 at most."""
    params = figures.resolve_filters(conn, filters) | {"limit": limit + 1}
    after_key = sql.SQL(queries("analysis")["coverage_after"]) if after is not None else sql.SQL("true")
    query = sql.SQL(queries("analysis")["list_coverage"]).format(where=figure.where(params), after=after_key)
    return conn.execute(query, params | {"after": after}).fetchall()
