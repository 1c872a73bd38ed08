"""Sources, documents, locations and metrics."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.views import MethodView

from ..errors import InvalidParameter, NotFound
from ..formats import LOCATION_FORMATS
from ..pagination import decode_cursor, page_response
from ..repositories import catalogue, catalogue_writes, locations
from ..schemas.catalogue import (
    DocumentPageSchema,
    DocumentQuerySchema,
    DocumentSchema,
    LocationDetailSchema,
    LocationPageSchema,
    LocationQuerySchema,
    MetricListSchema,
    NoQuerySchema,
    SourcePageSchema,
    SourceQuerySchema,
    SourceSchema,
)
from ..schemas.catalogue_writes import (
    DocumentCreateSchema,
    DocumentWriteSchema,
    LocationCreateSchema,
    LocationWriteSchema,
    SourceAliasSchema,
    SourceCreateSchema,
    SourceWriteSchema,
)
from ..schemas.common import DEFAULT_PAGE_SIZE
from ..schemas.formats import LOCATION_CONTENT
from ..vocabulary import METRIC_COLLECTIONS
from . import Blueprint, connection, exports, json_response, written
from . import openapi_examples as examples
from . import openapi_responses as documented
from .auth import requires
from .negotiation import offers, requested_format

blp = Blueprint(
    "catalogue",
    __name__,
    url_prefix="/v1",
    description=(
        "Who states figures (sources), where they were published (documents), the places they are "
        "about (locations) and what is counted (metrics)."
    ),
)


@blp.route("/sources")
class Sources(MethodView):
    @blp.arguments(SourceQuerySchema, location="query")
    @blp.response(200, SourcePageSchema, description=documented.PAGE, headers=documented.PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="listSources")
    def get(self, args: dict[str, Any]) -> Response:
        """List sources

        Who states figures: UN agencies, NGOs, monitors, governments, media, individuals and compiled datasets,
        each with a stable slug id and the other spellings that name it (`aliases`). Ordered by id and
        cursor-paged: follow `next` (also the `Link` header) until it is null.
        """
        with connection() as conn:
            rows = catalogue.list_sources(
                conn, kind=args.get("kind"), after=decode_cursor(args.get("cursor"), str), limit=args["limit"]
            )
        return page_response(rows, args["limit"])

    @requires("write")
    @blp.arguments(SourceCreateSchema, example=examples.source_body("sohr"))
    @blp.response(201, SourceSchema, description="Created: the new source.", headers=documented.CREATED_HEADERS)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createSource")
    def post(self, body: dict[str, Any]) -> Response:
        """Create a source

        The id is a stable slug chosen once (lower-case letters, digits and `-`); an id in use is a 409. The
        answer is the new source, with its URL in `Location`.
        """
        with connection() as conn:
            source_id = catalogue_writes.create_source(conn, fields=body)
            return created(written(catalogue.get_source(conn, source_id=source_id)), f"/v1/sources/{source_id}")


@blp.route("/sources/<source_id>")
class SourceById(MethodView):
    @blp.response(200, SourceSchema, description="The source.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getSource")
    def get(self, source_id: str) -> Response:
        """Get one source

        The source with its kind, description and every spelling that names it in imported datasets.
        """
        with connection() as conn:
            row = catalogue.get_source(conn, source_id=source_id)
        if row is None:
            raise NotFound(f"No source with id {source_id!r}.")
        return json_response(row["body"])

    @requires("write")
    @blp.arguments(SourceWriteSchema, example={"url": "http://www.syriahr.com/en/"})
    @blp.response(200, SourceSchema, description="Changed: the source as it is now.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="updateSource")
    def patch(self, body: dict[str, Any], source_id: str) -> Response:
        """Change a source

        Only the fields given change (at least one); the id never does. Every figure of the source shows the
        change at once, since figures carry their source inline.
        """
        with connection() as conn:
            catalogue_writes.update_source(conn, source_id=source_id, changes=_some(body))
            return json_response(written(catalogue.get_source(conn, source_id=source_id)))


_ALIAS_EXAMPLES = {
    "a spelling UCDP writes": {"value": {"alias": "Syria LiveuMap"}},
    "a web address": {"value": {"alias": "http://syria.liveuamap.com/"}},
}


@blp.route("/sources/<source_id>/aliases")
class SourceAliases(MethodView):
    @requires("admin")
    @blp.arguments(SourceAliasSchema, examples=_ALIAS_EXAMPLES)
    @blp.response(
        201,
        SourceSchema,
        description="The alias was added; the source, with its aliases.",
        headers=documented.CREATED_HEADERS,
    )
    @blp.alt_response(200, schema=SourceSchema, description="The source has this alias (its key) already.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The alias's key names another source already.")
    @blp.doc(operationId="addSourceAlias")
    def post(self, body: dict[str, Any], source_id: str) -> Response:
        """Add a spelling that names a source (admin)

        Imports look each source name a dataset writes up by its key: accents, case and punctuation
        dropped, `http(s)://`, `www.` and a trailing `.com` or `/` dropped (`SDF Press Office` and
        `SDF PRESS OFFICE` have one key). A spelling that is no alias is *close* to a known one when
        their keys are equal once the words news, the, agency and report and the spaces are dropped
        too, or when both such keys have 6 characters or more and difflib's ratio between them is 0.9
        or more; the import then attributes it to that source and warns, naming the spelling it
        matched. Adding the alias confirms it; a spelling close to none makes a new source. A key
        names one source only: 409 when it names another.
        """
        with connection() as conn:
            added = catalogue_writes.add_source_alias(conn, source_id=source_id, alias=body["alias"])
            source = written(catalogue.get_source(conn, source_id=source_id))
        if not added:
            return json_response(source)
        return created(source, f"/v1/sources/{source_id}")


@blp.route("/documents")
class Documents(MethodView):
    @blp.arguments(DocumentQuerySchema, location="query")
    @blp.response(200, DocumentPageSchema, description=documented.PAGE, headers=documented.PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="listDocuments")
    def get(self, args: dict[str, Any]) -> Response:
        """List documents

        Where figures were published: title, publisher (a source), URL (null when unknown, never invented),
        publication and retrieval dates, language. Ordered by id and cursor-paged: follow `next` (also the
        `Link` header) until it is null.
        """
        with connection() as conn:
            rows = catalogue.list_documents(
                conn, publisher=args.get("publisher"), after=decode_cursor(args.get("cursor")), limit=args["limit"]
            )
        return page_response(rows, args["limit"])

    @requires("write")
    @blp.arguments(DocumentCreateSchema, example=examples.document_body())
    @blp.response(201, DocumentSchema, description="Created: the new document.", headers=documented.CREATED_HEADERS)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createDocument")
    def post(self, body: dict[str, Any]) -> Response:
        """Create a document

        Only the title is required; the publisher, if given, must be a source id. The answer is the new
        document, with its URL in `Location`; figures then cite it by its id.
        """
        with connection() as conn:
            document_id = catalogue_writes.create_document(conn, fields=body)
            document = written(catalogue.get_document(conn, document_id=document_id))
        return created(document, f"/v1/documents/{document_id}")


@blp.route("/documents/<int:document_id>")
class DocumentById(MethodView):
    @blp.response(200, DocumentSchema, description="The document.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getDocument")
    def get(self, document_id: int) -> Response:
        """Get one document

        The document with its publisher inline, as figures cite it.
        """
        with connection() as conn:
            row = catalogue.get_document(conn, document_id=document_id)
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        return json_response(row["body"])

    @requires("write")
    @blp.arguments(DocumentWriteSchema, example={"language": "en"})
    @blp.response(200, DocumentSchema, description="Changed: the document as it is now.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Another document has this title, publisher and date.")
    @blp.doc(operationId="updateDocument")
    def patch(self, body: dict[str, Any], document_id: int) -> Response:
        """Change a document

        Only the fields given change (at least one). A retrieval date may not come before the publication
        date.
        """
        with connection() as conn:
            catalogue_writes.update_document(conn, document_id=document_id, changes=_some(body))
            return json_response(written(catalogue.get_document(conn, document_id=document_id)))


@blp.route("/locations")
class Locations(MethodView):
    @blp.arguments(LocationQuerySchema, location="query")
    @blp.response(200, LocationPageSchema, description=documented.PAGE, headers=documented.PAGE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST")
    @offers(LOCATION_FORMATS, LOCATION_CONTENT)
    @blp.doc(operationId="listLocations")
    def get(self, args: dict[str, Any]) -> Response:
        """List locations

        Places: countries, administrative units (admin1 to admin4, with OCHA p-codes) and places that are not
        administrative units (areas, cities, neighbourhoods, villages), each with its parent and the areas it
        also lies in. `parent` lists the direct children of one place; `q` finds places by any name they go by.
        Ordered by id and cursor-paged: follow
        `next` (also the `Link` header) until it is null. `format=geojson` (or `Accept: application/geo+json`)
        serves them as GeoJSON features, each at its point.
        """
        filters = locations.location_filters(kind=args.get("kind"), parent=args.get("parent"), q=args.get("q"))
        after = decode_cursor(args.get("cursor"), str)
        if requested_format(LOCATION_FORMATS, args) == "geojson":
            return exports.location_export(filters=filters, after=after, limit=args.get("limit"))
        limit = args.get("limit") or DEFAULT_PAGE_SIZE
        with connection() as conn:
            rows = locations.list_locations(conn, filters=filters, after=after, limit=limit)
        return page_response(rows, limit)

    @requires("write")
    @blp.arguments(LocationCreateSchema, example=examples.location_body("anjara"))
    @blp.response(201, LocationDetailSchema, description="Created: the new place.", headers=documented.CREATED_HEADERS)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createLocation")
    def post(self, body: dict[str, Any]) -> Response:
        """Create a location

        A place under its administrative parent (an id or p-code), optionally inside areas too. An id or
        p-code in use is a 409. The answer is the new place with its parents and children, its URL in
        `Location`.
        """
        with connection() as conn:
            location_id = catalogue_writes.create_location(conn, fields=body)
            location = locations.get_location(conn, code=location_id)
        return created(orjson.dumps(location), f"/v1/locations/{location_id}")


@blp.route("/locations/<code>")
class LocationByCode(MethodView):
    @blp.response(200, LocationDetailSchema, description="The place, with its parents and children.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getLocation")
    def get(self, code: str) -> Response:
        """Get one location by id, p-code, alias or ISO 3166 code, with its parents and children

        `ancestors` is the chain of administrative parents, nearest first; `children` the places directly
        under it; `areas` the areas (not administrative units) it also lies in. Filtering figures by this
        place includes all of them inside it.
        """
        with connection() as conn:
            location = locations.get_location(conn, code=code)
        if location is None:
            raise NotFound(f"No location with id, p-code, alias or ISO code {code!r}.")
        return json_response(orjson.dumps(location))

    @requires("write")
    @blp.arguments(LocationWriteSchema, example={"aliases": ["Aleppo governorate", "Halab", "Alep"]})
    @blp.response(200, LocationDetailSchema, description="Changed: the place as it is now.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Another place has this p-code.")
    @blp.doc(operationId="updateLocation")
    def patch(self, body: dict[str, Any], code: str) -> Response:
        """Change a location (a new parent may not lie inside it)

        Only the fields given change (at least one); `areas`, when given, replaces the whole list. A parent or
        area that lies inside the place would make containment loop: a 422 naming the field.
        """
        with connection() as conn:
            location_id = catalogue_writes.update_location(conn, code=code, changes=_some(body))
            return json_response(orjson.dumps(locations.get_location(conn, code=location_id)))


def _some(changes: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body must change something."""
    if not changes:
        raise InvalidParameter("_body", "Give at least one field to change.", where="json")
    return changes


def created(body: str | bytes, location: str) -> Response:
    """201 Created with the new resource and its URL."""
    response = json_response(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


_COLLECTION_OF = {metric: f"/v1/{path}" for path, metric in METRIC_COLLECTIONS.items()}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.arguments(NoQuerySchema, location="query")
    @blp.response(200, MetricListSchema, description="Every metric.")
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="listMetrics")
    def get(self, _args: dict[str, Any]) -> Response:
        """List the metric catalogue

        What Tally counts: each metric's label, definition, unit, HXL hashtag, whether it is a flow (with an
        origin and a destination) and the path of its own collection, if it has one.
        """
        with connection() as conn:
            metrics = catalogue.list_metrics(conn)
        return json_response(orjson.dumps({"data": [m | {"collection": _COLLECTION_OF.get(m["id"])} for m in metrics]}))
