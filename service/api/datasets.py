"""Datasets Tally imports, and the record of every import."""
from __future__ import annotations

from flask.views import MethodView

from ..errors import NotFound
from ..repositories import datasets
from ..schemas.catalogue import NoQuerySchema
from ..schemas.datasets import DatasetDetailSchema, DatasetListSchema, ImportSchema
from . import Blueprint, connection, json_response

blp = Blueprint("datasets", __name__, url_prefix="/v1", description=(
    "The datasets figures and places were imported from (UCDP GED, UNHCR, IDMC, the gazetteers), with "
    "licence and citation, and every import: version, file checksum, when, by whom and what it changed."))


@blp.route("/datasets")
class Datasets(MethodView):
    @blp.arguments(NoQuerySchema, location="query")
    @blp.response(200, DatasetListSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, _args):
        """List datasets"""
        with connection() as conn:
            return json_response(datasets.list_datasets(conn))


@blp.route("/datasets/<dataset_id>")
class DatasetById(MethodView):
    @blp.response(200, DatasetDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, dataset_id: str):
        """Get one dataset with its imports"""
        with connection() as conn:
            body = datasets.get_dataset(conn, dataset_id=dataset_id)
        if body is None:
            raise NotFound(f"No dataset with id {dataset_id!r} (see /v1/datasets).")
        return json_response(body)


@blp.route("/imports/<int:import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, import_id: int):
        """Get one import record"""
        with connection() as conn:
            body = datasets.get_import(conn, import_id=import_id)
        if body is None:
            raise NotFound(f"No import with id {import_id}.")
        return json_response(body)
