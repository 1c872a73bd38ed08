"""Extractions: a text read into candidate figures, each accepted (as a figure), corrected or rejected."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from flask import Response
from flask.views import MethodView

from ..cooperative import run_apart
from ..repositories import extractions
from ..schemas.extractions import (
    CandidateAcceptSchema,
    CandidateRejectSchema,
    ExtractionCreateSchema,
    ExtractionSchema,
)
from . import Blueprint, connection, json_response
from . import openapi_responses as documented
from .auth import requires
from .catalogue import created
from .writing import actor

blp = Blueprint(
    "extractions",
    __name__,
    url_prefix="/v1",
    description=(
        "The extraction assistant: submit an article or report and get every figure it states proposed, each tied "
        "to the characters it came from, with its value, metric, place, period and source and why each was chosen. "
        "A person accepts (with corrections) or rejects each candidate; an accepted one becomes a figure through "
        "the normal write path, its history naming the extraction. Writes need scope `write`."
    ),
)
_EXAMPLE_BODY = {
    "text": "More than 250 civilians have been killed in the government's bombardment of eastern Aleppo over past "
    "13 days, according to the Observatory.",
    "document": {"title": "Aleppo bombardment", "publisher": None, "url": None, "published_on": "2016-11-27",
                 "language": "en"},
}  # fmt: skip


def _body(extraction_id: int) -> bytes:
    with connection() as conn:
        return orjson.dumps(extractions.get_extraction(conn, extraction_id=extraction_id))


@blp.route("/extractions")
class Extractions(MethodView):
    @requires("write")
    @blp.arguments(ExtractionCreateSchema, example=_EXAMPLE_BODY)
    @blp.response(201, ExtractionSchema, description="Read: the extraction and its candidates.",
                  headers=documented.CREATED_HEADERS)  # fmt: skip
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="createExtraction")
    def post(self, body: dict[str, Any]) -> Response:
        """Read a text into candidate figures

        Stores the text and its document (a new one, or `document_id`; a document with the same title, publisher
        and date is the one Tally has) and proposes every figure the text states: the stated words and their span,
        value, bounds and qualifier by the hand-entry rules, metric, population group, kind of count, place
        (matched to Tally's locations by name, alias or Arabic name), origin and destination for movements, period
        (relative dates resolved against the published date), source (matched to Tally's sources and aliases, or
        a new one as written, or null for the document's own voice), the sentence as quote, the candidate it
        breaks down, later sentences that dispute it, and per field a confidence and a reason. Numbers that count
        no people (years, ages, durations, distances, things) are not proposed.
        """
        with connection() as conn:
            document_id = body.get("document_id") or extractions.document_id_for(conn, fields=body["document"])
            # Reading a long text is seconds of Python: apart from the worker's other requests (cooperative.py).
            read = functools.partial(extractions.create_extraction, conn, document_id=document_id, actor=actor())
            extraction_id = run_apart(read, body["text"])
            return created(_body(extraction_id), f"/v1/extractions/{extraction_id}")


@blp.route("/extractions/<int:extraction_id>")
class ExtractionById(MethodView):
    @blp.response(200, ExtractionSchema, description="The extraction, with every candidate and its state.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getExtraction")
    def get(self, extraction_id: int) -> Response:
        """Get an extraction

        The text, its document, and every candidate with its state: `proposed`, `accepted` (with the figure it
        became) or `rejected` (with the reason).
        """
        return json_response(_body(extraction_id))


@blp.route("/extractions/<int:extraction_id>/candidates/<int:n>/accept")
class CandidateAccept(MethodView):
    @requires("write")
    @blp.arguments(CandidateAcceptSchema, example={"value": 260, "reason": "Checked against the article"})
    @blp.response(201, ExtractionSchema, description="Accepted: the extraction, the candidate linking its figure.",
                  headers=documented.CREATED_HEADERS)  # fmt: skip
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Accepted or rejected already, or a statement Tally has.")
    @blp.doc(operationId="acceptCandidate")
    def post(self, body: dict[str, Any], extraction_id: int, n: int) -> Response:
        """Accept a candidate as a figure

        Creates the figure the candidate proposes, with any corrections the body gives (figure fields; places
        and source by id), through the normal write path: its first revision's reason names the extraction and
        the candidate. A candidate whose place or source Tally does not know needs that field as a correction
        (a 422 names it); so does a place whose words name places in several countries that the text does not
        tell apart (its `others`): the reviewer chooses. The sentences that dispute the candidate (`disputed_by`)
        by a source Tally knows become disputes of the figure, quoted, unless `record_disputes` is false.
        Accepting twice is a 409; so is a statement Tally holds already (the problem names it). `Location` is the
        new figure.
        """
        with connection() as conn:
            figure_id = extractions.accept_candidate(conn, extraction_id=extraction_id, n=n, corrections=body,
                                                     actor=actor())  # fmt: skip
            return created(_body(extraction_id), f"/v1/figures/{figure_id}")


@blp.route("/extractions/<int:extraction_id>/candidates/<int:n>/reject")
class CandidateReject(MethodView):
    @requires("write")
    @blp.arguments(CandidateRejectSchema, example={"reason": "A force size, not people affected"})
    @blp.response(200, ExtractionSchema, description="Rejected: the extraction, the candidate with its reason.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Accepted or rejected already.")
    @blp.doc(operationId="rejectCandidate")
    def post(self, body: dict[str, Any], extraction_id: int, n: int) -> Response:
        """Reject a candidate

        Marks the candidate as no figure, keeping the reason. A decided candidate is a 409.
        """
        with connection() as conn:
            extractions.reject_candidate(conn, extraction_id=extraction_id, n=n, reason=body["reason"], actor=actor())
            return json_response(_body(extraction_id))
