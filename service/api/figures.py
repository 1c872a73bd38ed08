"""Figures: every metric at /v1/figures, one collection per headline metric, history and disputes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Response, request
from flask.views import MethodView

from ..db import Connection
from ..errors import InvalidParameter, NotFound
from ..figure import figure_etag
from ..formats import FIGURE_FORMATS
from ..pagination import decode_cursor, decode_sorted_cursor, encode_cursor, link_header, page_response
from ..repositories import figure_writes, figures
from ..schemas.common import DEFAULT_PAGE_SIZE, EXAMPLE_FIGURE_ETAG
from ..schemas.figure_writes import (
    DisputeCreateSchema,
    FigureCreateSchema,
    FigurePatchSchema,
    MetricFigureCreateSchema,
    RetractSchema,
    RevisionListSchema,
)
from ..schemas.figures import (
    AllFiguresQuerySchema,
    AsOfQuerySchema,
    ChangePageSchema,
    ChangesQuerySchema,
    FigurePageSchema,
    FigureQuerySchema,
    FigureSchema,
)
from ..schemas.formats import FIGURE_CONTENT
from ..vocabulary import METRIC_COLLECTIONS
from . import Blueprint, camel, connection, exports, json_response, written
from . import openapi_examples as examples
from . import openapi_responses as documented
from .auth import requires
from .caching import client_is_current, with_validators
from .negotiation import offers, requested_format
from .writing import actor, figure_response, idempotent, if_match_versions

blp = Blueprint(
    "figures",
    __name__,
    url_prefix="/v1",
    description=(
        "Figures with their provenance inline: who stated each number, where it was published, "
        "when, for which place and period, how precise it is and whether it is disputed. "
        "Writes need an API key with scope `write`; every change is kept as a revision."
    ),
)

_ETAG_HEADER = {"ETag": documented.FIGURE_ETAG}
_CREATED_HEADERS = _ETAG_HEADER | documented.header_refs(documented.LOCATION)
# The lists of figures answer in every figure format, each one documented in their 200 response.
_FIGURE_FORMATS = offers(FIGURE_FORMATS, FIGURE_CONTENT)
_IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 255, "example": "5f0c9a2e-3d1b-4c7e-9a41-2b8f6d0e7c15"},
    "description": "Makes a retry safe: the same key with the same body returns the first response and creates "
    "nothing; with another body it is a 422. Keys are kept for 24 hours (IDEMPOTENCY_TTL_HOURS).",
}
_IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "schema": {"type": "string", "example": EXAMPLE_FIGURE_ETAG},
    "description": 'The ETag of the version being changed, or its version alone (`"v1"`). Required for PATCH '
    "(428 without it, 412 when stale).",
}


_PAGE_HEADERS = documented.PAGE_HEADERS | documented.CSV_HEADERS
_PAGE = "A page of figures and the URL of the next (null on the last page); or the rows as CSV, NDJSON or GeoJSON."
_CREATED = "Created: the new figure, at version 1."
# What every figure list does, after its summary (the metric's own collections and /v1/figures alike).
LIST_DESCRIPTION = """
Each figure carries its provenance inline: source, document, quote, reference period, stated-on date, precision
(`qualifier`, `low`, `high`, `stated_words`) and status, with any disputing statements. Filters combine: a figure
must pass every one given, and a list filter (`source`, `status`, ...) passes figures with any of its values. A
place filter (`location`, `origin`, `destination`) takes an id or a p-code and includes every place inside it, by
any containment. Without `status`, retracted figures are left out. An unknown parameter is a 400 that names it; a
value Tally cannot use (an empty one, an unknown source or dataset) a 422 that names the parameter.

Pages hold `limit` figures in the order of `sort` (ties broken by id). Follow `next`, also sent as the `Link`
header, until it is null: figures written while you page neither repeat nor go missing. `format` (`csv`, `hxl`,
`ndjson`, `geojson`) or the Accept header serves the same rows in that format, streamed; without `limit` such an
export holds every matching figure.
"""


def figure_page(args: dict[str, Any]) -> Response:
    """The figures a query asks for: a JSON page, or an export (a page, or everything, streamed)."""
    fmt = requested_format(FIGURE_FORMATS, args)
    fields = args.pop("fields_", None)
    limit = args.pop("limit", None)
    sort = args.pop("sort", "id")
    after = decode_sorted_cursor(args.pop("cursor", None), sort, figures.SORT_COLUMNS[sort.removeprefix("-")])
    as_of = args.pop("as_of", None)
    bom = args.pop("bom", False)
    include_total = args.pop("include_total", False)
    filters = {name: value for name, value in args.items() if name not in ("format", "hxl")}
    if fmt != "json":
        if include_total:
            raise InvalidParameter("include_total", "Counts come with JSON pages only; ask for format=json.")
        return exports.figure_export(
            fmt, filters=filters, after=after, limit=limit, as_of=as_of, fields=fields, sort=sort, bom=bom
        )
    limit = limit or DEFAULT_PAGE_SIZE
    with connection() as conn:
        rows = figures.list_figures(conn, filters=filters, after=after, limit=limit, as_of=as_of, sort=sort)
        total = figures.count_figures(conn, filters=filters, as_of=as_of) if include_total else None
    return page_response(rows, limit, fields=fields, sort=sort, members={"total": total})


def create_figure(fields: dict[str, Any]) -> Response:
    """Create a figure from a validated body; 201 with the figure, Location and ETag."""
    reason = fields.pop("reason", None)
    with connection() as conn:
        created = figure_writes.create_figure(conn, fields=fields, actor=actor(), reason=reason)
        body = written(figures.get_figure(conn, figure_id=created["id"]))
    return figure_response(body, created["version"], status=201, location=f"/v1/figures/{created['id']}")


def current_figure(conn: Connection, figure_id: int, version: int) -> Response:
    """The figure as it is now, with its ETag."""
    return figure_response(written(figures.get_figure(conn, figure_id=figure_id)), version)


# Instances, not classes: given a class, webargs builds the schema anew on
# every request, which cost a list 0.3 ms of CPU (about 5%).
_ALL_FIGURES_QUERY = AllFiguresQuerySchema()
_FIGURE_QUERY = FigureQuerySchema()


@blp.route("/figures")
class Figures(MethodView):
    @blp.arguments(_ALL_FIGURES_QUERY, location="query")
    @blp.response(200, FigurePageSchema, description=_PAGE, headers=_PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @_FIGURE_FORMATS
    @blp.doc(operationId="listFigures")
    def get(self, args: dict[str, Any]) -> Response:
        return figure_page(args)

    get.__doc__ = "List figures of every metric\n" + LIST_DESCRIPTION

    @requires("write")
    @blp.arguments(FigureCreateSchema, example=examples.figure_body("civilians_killed"))
    @blp.response(201, FigureSchema, description=_CREATED, headers=_CREATED_HEADERS)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(parameters=[_IDEMPOTENCY_PARAMETER], operationId="createFigure")
    @idempotent
    def post(self, body: dict[str, Any]) -> Response:
        """Create a figure

        Records one number one source stated, with its provenance. Places are given by id or p-code; the source
        and document must exist. The figure starts at version 1 with status `reported` unless the body says
        otherwise, and its first revision keeps `reason`. The same statement (source, metric, place, origin,
        destination, population group, period and value) entered twice is a 409 naming the figure that holds
        it (`existing_id`). With an `Idempotency-Key`, a retry of the same request returns the first response.
        """
        return create_figure(body)


@blp.route("/figures/<int:figure_id>")
class FigureById(MethodView):
    @blp.arguments(AsOfQuerySchema, location="query")
    @blp.response(200, FigureSchema, description="The figure, with its provenance inline.", headers=_ETAG_HEADER)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getFigure")
    def get(self, args: dict[str, Any], figure_id: int) -> Response:
        """Get one figure (as it stands, or as it stood at `as_of`)

        A retracted figure stays readable here, with its status note. Its `ETag` is its version and a digest
        of the body (`"v3-5f1c07a2"`): `If-Match` takes it (or just `"v3"`) to change the figure, and
        `If-None-Match` with it gets a 304 while the body served is unchanged, which a rename of anything the
        figure shows changes too. `Last-Modified`, like a list's, is the last change to any data. With `as_of`
        the figure is rebuilt from its revisions as it stood then (404 if it did not exist yet), dated by
        that version.
        """
        as_of = args.get("as_of")
        with connection() as conn:
            row = (
                figures.get_figure(conn, figure_id=figure_id, as_of=as_of)
                if as_of
                else figure_writes.figure_state(conn, figure_id=figure_id)
            )
        if row is None:
            raise NotFound(f"No figure with id {figure_id}" + (" at that time." if as_of else "."))
        tag, changed_at = figure_etag(row["version"], row["body"]), row.get("shown_changed_at", row["updated_at"])
        if not as_of and client_is_current(tag, changed_at):
            return with_validators(Response(status=304), tag, changed_at)
        return with_validators(figure_response(row["body"], row["version"]), tag, changed_at)

    @requires("write")
    @blp.arguments(
        FigurePatchSchema,
        example={"value": 260, "stated_words": "More than 260", "reason": "SOHR revised its count"},
    )
    @blp.response(200, FigureSchema, description="Changed: the figure's new version.", headers=_ETAG_HEADER)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The change would make it a statement Tally holds already.")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.doc(parameters=[_IF_MATCH_PARAMETER | {"required": True}], operationId="updateFigure")
    def patch(self, body: dict[str, Any], figure_id: int) -> Response:
        """Change a figure (needs If-Match and a reason)

        Only the fields given change; the figure gets a new version and a revision that keeps the key's name,
        the time and `reason`. `If-Match` must carry the ETag of the version being changed: without it the
        answer is a 428, with a stale one a 412 whose problem names the current ETag (`current_etag`). Of
        several changes sent with the same ETag, exactly one succeeds.
        """
        versions = if_match_versions(required=True)
        reason = body.pop("reason")
        with connection() as conn:
            row = figure_writes.update_figure(
                conn, figure_id=figure_id, changes=body, versions=versions, actor=actor(), reason=reason
            )
            return current_figure(conn, figure_id, row["version"])

    @requires("write")
    @blp.arguments(RetractSchema, example={"reason": "Misattributed"})
    @blp.response(200, FigureSchema, description="Retracted: the figure's new version.", headers=_ETAG_HEADER)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.doc(parameters=[_IF_MATCH_PARAMETER], operationId="retractFigure")
    def delete(self, body: dict[str, Any], figure_id: int) -> Response:
        """Retract a figure (it stays readable, with its history)

        Nothing is deleted: the figure's status becomes `retracted`, with `reason` as its status note and in a
        new revision. Lists leave it out unless `status` asks for it. `If-Match` is optional here; given, it
        must match the current version (412). Retracting a retracted figure is a 409.
        """
        versions = if_match_versions(required=False)
        with connection() as conn:
            row = figure_writes.retract_figure(
                conn, figure_id=figure_id, versions=versions, actor=actor(), reason=body["reason"]
            )
            return current_figure(conn, figure_id, row["version"])


@blp.route("/figures/<int:figure_id>/disputes")
class FigureDisputes(MethodView):
    @requires("write")
    @blp.arguments(DisputeCreateSchema, example=examples.dispute_body())
    @blp.response(201, FigureSchema, description="Recorded: the figure, with every dispute.", headers=_ETAG_HEADER)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(parameters=[_IDEMPOTENCY_PARAMETER], operationId="disputeFigure")
    @idempotent
    def post(self, body: dict[str, Any], figure_id: int) -> Response:
        """Record that a figure is disputed, by whom and why

        Adds a statement that contradicts the figure (its source, document, date, quote and note) and marks
        the figure `disputed`, in a new version. The answer is the figure with every dispute inline. A
        retracted figure cannot be disputed (409).
        """
        with connection() as conn:
            row = figure_writes.add_dispute(conn, figure_id=figure_id, dispute=body, actor=actor())
            response = current_figure(conn, figure_id, row["version"])
        response.status_code = 201
        return response


@blp.route("/figures/<int:figure_id>/revisions")
class FigureRevisions(MethodView):
    @blp.response(200, RevisionListSchema, description="Every version of the figure, oldest first.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listFigureRevisions")
    def get(self, figure_id: int) -> Response:
        """List every version of a figure, oldest first

        Each revision holds the figure's full stored state as of that version, what kind of change made it
        (create, update, dispute, retract), the name of the API key that made it (never the key), when, and
        why. Revisions are written by the database in the same transaction as the change, so none is missing.
        """
        with connection() as conn:
            revisions = figure_writes.list_revisions(conn, figure_id=figure_id)
        if not revisions:
            raise NotFound(f"No figure with id {figure_id}.")
        return json_response(orjson.dumps({"data": revisions}))


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangesQuerySchema, location="query")
    @blp.response(200, ChangePageSchema, description="The changes after `since`, and where to resume.")
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="listChanges")
    def get(self, args: dict[str, Any]) -> Response:
        """Follow every create, update, dispute and retraction of figures, in commit order

        A feed for pollers: pass the response's `cursor` back as `since` (or follow `next`) to get what changed
        after it. Changes are numbered in commit order, so a poller that saw a change has seen every change
        before it. The response always carries a cursor, even when nothing changed.
        """
        after = decode_cursor(args.get("since")) or 0
        with connection() as conn:
            changes = figure_writes.list_changes(conn, after=after, limit=args["limit"])[: args["limit"]]
        cursor = encode_cursor(changes[-1]["seq"] if changes else after)
        next_url = f"{request.base_url}?{urlencode({'since': cursor, 'limit': args['limit']})}"
        # seq is the feed position the cursor carries, not a field of a change.
        data = [
            {k: v for k, v in change.items() if k != "seq"} | {"figure": f"/v1/figures/{change['figure_id']}"}
            for change in changes
        ]
        response = json_response(orjson.dumps({"data": data, "cursor": cursor, "next": next_url}))
        response.headers.update(link_header(next_url))  # a feed always has a next page: what comes after
        return response


def _metric_collection(path: str, metric: str) -> None:
    """Register /v1/<path>: the figure collection of one metric."""
    label = metric.replace("_", " ")

    class MetricFigures(MethodView):
        @blp.arguments(_FIGURE_QUERY, location="query")
        @blp.response(200, FigurePageSchema, description=_PAGE, headers=_PAGE_HEADERS)
        @blp.alt_response(400, response="BAD_REQUEST")
        @_FIGURE_FORMATS
        @blp.doc(operationId=f"list{camel(path)}")
        def get(self, args: dict[str, Any]) -> Response:
            return figure_page(args | {"metric": [metric]})

        @requires("write")
        @blp.arguments(MetricFigureCreateSchema, example=examples.figure_body(metric, implied_metric=True))
        @blp.response(201, FigureSchema, description=_CREATED, headers=_CREATED_HEADERS)
        @blp.alt_response(409, response="CONFLICT")
        @blp.doc(parameters=[_IDEMPOTENCY_PARAMETER], operationId=f"create{camel(path)}Figure")
        @idempotent
        def post(self, body: dict[str, Any]) -> Response:
            return create_figure(body | {"metric": metric})

    MetricFigures.get.__doc__ = f"List {label} figures\n\nThe figures of the metric `{metric}`.\n" + LIST_DESCRIPTION
    MetricFigures.post.__doc__ = (
        f"Create a {label} figure (the metric is implied)\n\n"
        f"As POST /v1/figures, with `metric` set to `{metric}` and not given in the body."
    )
    blp.route(f"/{path}", endpoint=path)(MetricFigures)


for _path, _metric in METRIC_COLLECTIONS.items():
    _metric_collection(_path, _metric)
