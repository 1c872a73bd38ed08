"""Sources, documents, locations and metrics."""
from __future__ import annotations

import orjson
from flask.views import MethodView

from ..errors import NotFound
from ..pagination import decode_cursor, page_response
from ..repositories import catalogue, locations
from ..schemas.catalogue import (DocumentPageSchema, DocumentQuerySchema, DocumentSchema, LocationDetailSchema,
                                 LocationPageSchema, LocationQuerySchema, MetricListSchema, NoQuerySchema,
                                 SourcePageSchema, SourceQuerySchema, SourceSchema)
from . import Blueprint, connection, json_response
from .figures import METRIC_COLLECTIONS

blp = Blueprint("catalogue", __name__, url_prefix="/v1", description=(
    "Who states figures (sources), where they were published (documents), the places they are "
    "about (locations) and what is counted (metrics)."))


@blp.route("/sources")
class Sources(MethodView):
    @blp.arguments(SourceQuerySchema, location="query")
    @blp.response(200, SourcePageSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """List sources"""
        with connection() as conn:
            rows = catalogue.list_sources(conn, kind=args.get("kind"), after=decode_cursor(args.get("cursor"), str),
                                          limit=args["limit"])
        return page_response(rows, args["limit"])


@blp.route("/sources/<source_id>")
class SourceById(MethodView):
    @blp.response(200, SourceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, source_id: str):
        """Get one source"""
        with connection() as conn:
            row = catalogue.get_source(conn, source_id=source_id)
        if row is None:
            raise NotFound(f"No source with id {source_id!r}.")
        return json_response(row["body"])


@blp.route("/documents")
class Documents(MethodView):
    @blp.arguments(DocumentQuerySchema, location="query")
    @blp.response(200, DocumentPageSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """List documents"""
        with connection() as conn:
            rows = catalogue.list_documents(conn, publisher=args.get("publisher"),
                                            after=decode_cursor(args.get("cursor")), limit=args["limit"])
        return page_response(rows, args["limit"])


@blp.route("/documents/<int:document_id>")
class DocumentById(MethodView):
    @blp.response(200, DocumentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, document_id: int):
        """Get one document"""
        with connection() as conn:
            row = catalogue.get_document(conn, document_id=document_id)
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        return json_response(row["body"])


@blp.route("/locations")
class Locations(MethodView):
    @blp.arguments(LocationQuerySchema, location="query")
    @blp.response(200, LocationPageSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """List locations"""
        with connection() as conn:
            rows = locations.list_locations(conn, kind=args.get("kind"), parent=args.get("parent"),
                                            after=decode_cursor(args.get("cursor"), str), limit=args["limit"])
        return page_response(rows, args["limit"])


@blp.route("/locations/<code>")
class LocationByCode(MethodView):
    @blp.response(200, LocationDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """Get one location by id or p-code, with its parents and children"""
        with connection() as conn:
            location = locations.get_location(conn, code=code)
        if location is None:
            raise NotFound(f"No location with id or p-code {code!r}.")
        return json_response(orjson.dumps(location))


_COLLECTION_OF = {metric: f"/v1/{path}" for path, metric in METRIC_COLLECTIONS.items()}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.arguments(NoQuerySchema, location="query")
    @blp.response(200, MetricListSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, _args):
        """List the metric catalogue"""
        with connection() as conn:
            metrics = catalogue.list_metrics(conn)
        return {"data": [m | {"collection": _COLLECTION_OF.get(m["id"])} for m in metrics]}
