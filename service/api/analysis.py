"""Answers, not just rows: competing claims side by side, honest totals and coverage."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.views import MethodView

from .. import totals as rules
from ..pagination import decode_cursor, page_response
from ..repositories import analysis
from ..schemas.analysis import (
    ClaimPageSchema,
    ClaimsQuerySchema,
    CoveragePageSchema,
    CoverageQuerySchema,
    FigureTotalsQuerySchema,
    TotalsQuerySchema,
    TotalsSchema,
)
from ..vocabulary import METRIC_COLLECTIONS
from . import Blueprint, camel, connection, json_response
from . import openapi_responses as documented

TOTALS_DESCRIPTION = f"""
Figures of different sources are never added together: every source has its own total, side
by side, and so has every dataset (figures entered by hand are a total of their own). Disputed
and retracted figures are left out unless included. Events add up; an event is left out only
when a period total of the same source stands whose place holds the event's place and whose
period holds the event's period. Period totals add up unless their periods overlap and their
places are the same or nested; then the one for the containing place stands, else the latest
stated. Stocks never add up over time: the
latest per place stands, and a stock inside another stock's place is not added. Stocks and
counts are separate totals (`basis`). Every total lists the figures it adds and those it leaves
out, with the reason and the figure that stands instead. A request reads at most
{analysis.MAX_TOTALS_FIGURES:,} figures (422 beyond: narrow it with location, source, from or to).
"""

_TOTALS = "Per-source totals, each with the figures it adds and those it leaves out, and why."

blp = Blueprint(
    "analysis",
    __name__,
    url_prefix="/v1",
    description=(
        "Answers built from many figures: the claims several sources make about one quantity, side by side "
        "with their range; per-source totals that never count anyone twice; and what data exists where."
    ),
)


@blp.route("/claims")
class Claims(MethodView):
    @blp.arguments(ClaimsQuerySchema, location="query")
    @blp.response(200, ClaimPageSchema, description=documented.PAGE, headers=documented.PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(operationId="listClaims")
    def get(self, args: dict[str, Any]) -> Response:
        """List claims: figures of several sources about one quantity, with their range

        Figures state the same quantity when metric, location, origin and destination are the same,
        the population groups match (unless `match_population_group=false`) and their reference
        periods overlap, directly or through a chain of overlapping figures. Each claim carries every
        figure with its provenance, the range across them with the figure and reason behind each
        bound, each source's latest statement and whether any figure is disputed. Claims are ordered
        by their smallest figure id and cursor-paged: 20 per page unless `limit` says otherwise (at most
        500); `next` is the URL of the following page.
        """
        limit, after = args.pop("limit"), decode_cursor(args.pop("cursor", None))
        with connection() as conn:
            rows = analysis.list_claims(conn, filters=args, after=after, limit=limit)
        return page_response(rows, limit)


@blp.route("/coverage")
class Coverage(MethodView):
    @blp.arguments(CoverageQuerySchema, location="query")
    @blp.response(200, CoveragePageSchema, description=documented.PAGE, headers=documented.PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(operationId="listCoverage")
    def get(self, args: dict[str, Any]) -> Response:
        """List what data exists per metric, place and source

        One row per metric, place (as the figures state it) and source: how many figures, by status
        and count kind, how many state a zero, the earliest period start, the latest period end and
        the latest stated-on date. No row means no data, which is not the same as a stated zero.
        """
        limit, after = args.pop("limit"), decode_cursor(args.pop("cursor", None), str)
        with connection() as conn:
            rows = analysis.list_coverage(conn, filters=args, after=after, limit=limit)
        return page_response(rows, limit)


def totals_response(metric: str, args: dict[str, Any]) -> Response:
    """The per-source totals of metric that args ask for."""
    options: dict[str, Any] = {
        "by": args["by"],
        "level": rules.LEVELS.get(args["level"]),
        "include_disputed": args["include_disputed"],
        "include_retracted": args["include_retracted"],
    }
    with connection() as conn:
        candidates = analysis.totals_candidates(conn, metric=metric, filters=args)
        totals = [t.as_dict() for t in rules.compute_totals(candidates, **options)]
        analysis.attach_refs(conn, totals)
    body = {
        "metric": metric,
        "group_by": args["group_by"],
        "level": args["level"],
        "include_disputed": args["include_disputed"],
        "include_retracted": args["include_retracted"],
        "totals": totals,
    }
    return json_response(orjson.dumps(body))


@blp.route("/figures/totals")
class FigureTotals(MethodView):
    @blp.arguments(FigureTotalsQuerySchema, location="query")
    @blp.response(200, TotalsSchema, description=_TOTALS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(operationId="getFigureTotals")
    def get(self, args: dict[str, Any]) -> Response:
        return totals_response(args.pop("metric"), args)

    get.__doc__ = "Total one metric per source, without counting anyone twice\n" + TOTALS_DESCRIPTION


def _collection_totals(path: str, metric: str) -> None:
    """Register /v1/<path>/totals: the per-source totals of one metric."""

    class MetricTotals(MethodView):
        @blp.arguments(TotalsQuerySchema, location="query")
        @blp.response(200, TotalsSchema, description=_TOTALS)
        @blp.alt_response(400, response="BAD_REQUEST")
        @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
        @blp.doc(operationId=f"get{camel(path)}Totals")
        def get(self, args: dict[str, Any]) -> Response:
            return totals_response(metric, args)

    MetricTotals.get.__doc__ = (
        f"Total {metric.replace('_', ' ')} per source, without counting anyone twice\n" + TOTALS_DESCRIPTION
    )
    blp.route(f"/{path}/totals", endpoint=f"{path}-totals")(MetricTotals)


for _path, _metric in METRIC_COLLECTIONS.items():
    _collection_totals(_path, _metric)
