"""Datasets Tally imports, and the record of every import."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import orjson
from flask import Response, request
from flask.views import MethodView

from ..cooperative import run_apart
from ..errors import EmptyBody, NotFound, TallyError
from ..importers.core import REPORT_COLUMNS, ImportFailed, InvalidRows, Options, Result, report_dicts, write_report_csv
from ..importers.registry import IMPORTERS
from ..repositories import datasets
from ..schemas.catalogue import NoQuerySchema
from ..schemas.datasets import (
    UCDP_EXCERPT,
    DatasetDetailSchema,
    DatasetListSchema,
    ImportResultSchema,
    ImportSchema,
    ImportUploadQuerySchema,
)
from . import Blueprint, connection, json_response
from . import openapi_responses as documented
from .auth import requires
from .negotiation import offers
from .writing import actor

# Row findings sent back in a response; the import record keeps its own summary.
MAX_PROBLEMS = 1000
_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string", "format": "binary", "description": "The dataset file, as published."},
                "example": UCDP_EXCERPT,
            }
        },
    }
}

blp = Blueprint(
    "datasets",
    __name__,
    url_prefix="/v1",
    description=(
        "The datasets figures and places were imported from (UCDP GED, UNHCR, IDMC, the gazetteers), with "
        "licence and citation, and every import: version, file checksum, when, by whom and what it changed."
    ),
)


@blp.route("/datasets")
class Datasets(MethodView):
    @blp.arguments(NoQuerySchema, location="query")
    @blp.response(200, DatasetListSchema, description="Every dataset imported so far.")
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="listDatasets")
    def get(self, _args: dict[str, Any]) -> Response:
        """List datasets

        Every dataset Tally has imported figures or places from, with its publisher, licence, how to cite it,
        how many figures and places came from it, and its latest import. Empty until something is imported.
        """
        with connection() as conn:
            return json_response(datasets.list_datasets(conn))


@blp.route("/datasets/<dataset_id>")
class DatasetById(MethodView):
    @blp.response(200, DatasetDetailSchema, description="The dataset, with every import of it.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getDataset")
    def get(self, dataset_id: str) -> Response:
        """Get one dataset with its imports

        The dataset as listed, with every import of it, oldest first: version, file name, who imported it,
        when, and how many figures it inserted and updated.
        """
        with connection() as conn:
            body = datasets.get_dataset(conn, dataset_id=dataset_id)
        if body is None:
            raise NotFound(f"No dataset with id {dataset_id!r} (see /v1/datasets).")
        return json_response(body)


@blp.route("/imports/<int:import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportSchema, description="The import record.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getImport")
    def get(self, import_id: int) -> Response:
        """Get one import record

        One import of one file: the dataset and version, the licence as it stood, the file's name and sha256,
        who imported it and when, what it did (`counts`), its report (names matched, placements, changes) and
        how many row findings it made (listed by GET /v1/imports/{import_id}/problems).
        """
        with connection() as conn:
            body = datasets.get_import(conn, import_id=import_id)
        if body is None:
            raise NotFound(f"No import with id {import_id}.")
        return json_response(body)


# The report's media type (an integer status, as flask-smorest keys it, so that it merges with @blp.response's).
_REPORT_RESPONSE = {
    "responses": {
        200: {
            "content": {
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "description": "RFC 4180 CSV, UTF-8, with the columns "
                        + ", ".join(REPORT_COLUMNS)
                        + ": every row finding, by file, line and field.",
                    },
                    "example": "file,line,field,value,reason,outcome\r\n"
                    "idmc.csv,963,iso3,AB9,not an ISO 3166 alpha-3 country code,rejected\r\n",
                }
            }
        }
    }
}


@blp.route("/imports/<int:import_id>/problems")
class ImportProblems(MethodView):
    @blp.response(
        200,
        description="The row-level report as CSV (a header only when the import found nothing).",
        headers=documented.CSV_HEADERS,
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(**_REPORT_RESPONSE, operationId="getImportProblems")
    @offers(("csv",))
    def get(self, import_id: int) -> Response:
        """Get an import's row-level report (CSV), as `tally import --report FILE` writes it

        Every row finding of the import (rejected, skipped, or imported with a warning), by file, line and
        field, with the value and the reason. A browser saves it as `import-<id>-report.csv`.
        """
        with connection() as conn:
            rows = datasets.import_problems(conn, import_id=import_id)
        if rows is None:
            raise NotFound(f"No import with id {import_id}.")
        out = io.StringIO()
        write_report_csv(out, rows)
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="import-{import_id}-report.csv"'},
        )


class ImportRejected(TallyError):
    """The file has invalid rows; nothing was imported (skip_invalid=true imports the valid ones)."""

    status = 422
    title = "Import rejected"


def result_body(result: Result, *, dry_run: bool) -> dict[str, Any]:
    """An import's result as the API reports it."""
    problems = report_dicts(result, MAX_PROBLEMS)  # in the order of the report GET .../problems serves
    return {
        "import_id": result.import_id,
        "dataset": result.dataset.id,
        "version": result.version,
        "file_name": result.file_name,
        "sha256": result.sha256,
        "dry_run": dry_run,
        "committed": result.committed,
        "counts": result.counts(),
        "problems": problems,
        "problem_count": len(result.problems),
        "notes": result.notes,
    }


def run_upload(args: dict[str, Any], data: bytes) -> Result:
    """Run one importer on an uploaded file, kept in a temporary folder for the length of the import."""
    options = Options(
        actor=actor(),
        version=args.get("version"),
        released=args.get("released"),
        dry_run=args["dry_run"],
        skip_invalid=args["skip_invalid"],
    )
    with tempfile.TemporaryDirectory(prefix="tally-import-") as folder:
        path = Path(folder) / Path(args.get("file_name") or f"{args['dataset']}.csv").name
        path.write_bytes(data)
        with connection() as conn:
            try:
                return run_apart(IMPORTERS[args["dataset"]].run, conn, path, options)
            except InvalidRows as error:
                [result] = error.results
                raise ImportRejected(str(error), result=result_body(result, dry_run=args["dry_run"])) from None
            except ImportFailed as error:
                raise ImportRejected(str(error)) from None


@blp.route("/imports")
class Imports(MethodView):
    @requires("write")
    @blp.arguments(ImportUploadQuerySchema, location="query")
    @blp.response(201, ImportResultSchema, description="Imported: the file changed figures or places.")
    @blp.alt_response(
        200, schema=ImportResultSchema, description="A dry run, or a file that changed nothing: nothing was written."
    )
    @blp.alt_response(400, response="BAD_REQUEST", description="An empty body, or an unknown query parameter.")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(**_CSV_BODY, operationId="createImport")
    def post(self, args: dict[str, Any]) -> Response:
        """Import a dataset file sent as text/csv, with the same report as `tally import`

        The body is the file as published (UCDP GED, UNHCR, IDMC, a gazetteer) or a Tally CSV or HXL export;
        `dataset` says which. By default one invalid row rejects the whole file (422, with the report in
        `result`); `skip_invalid=true` imports the valid rows and reports the others. `dry_run=true` checks and
        reports without writing. 201 when the import wrote something, 200 on a dry run or when the file changed
        nothing (importing the same file again).
        """
        data = request.get_data()
        if not data:
            raise EmptyBody(
                "The request body is empty: send the file as the body (Content-Type: text/csv). "
                "`curl --data-binary @file` sends an empty body when the file is missing."
            )
        result = run_upload(args, data)
        status = 201 if result.committed else 200
        return json_response(orjson.dumps(result_body(result, dry_run=args["dry_run"])), status=status)
