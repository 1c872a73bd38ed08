"""Datasets and their imports, and what a figure says about the dataset it came from."""

from __future__ import annotations

from marshmallow import fields, validate

from ..importers.datasets import UCDP_GED
from ..importers.registry import IMPORTERS
from .common import EXAMPLE_TIME, QuerySchema, ResponseSchema, one_of
from .refs import SourceRefSchema

DATASET_KINDS = ("figures", "gazetteer")

# The examples are UCDP GED Syria as Tally declares it, and its import as README.md shows it.
UCDP_FILE = "ucdp_ged_syria_2016-2019.csv"
UCDP_SHA256 = "bcfe6719a1fa9a9e8cb7e4f77f5c6001440ab58b5849b848c08d162ef0f89bf8"
# The file's header and its first event, as published.
UCDP_EXCERPT = (
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,side_a,"
    "side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,"
    "source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,"
    "low,best,high\n"
    "214797,2016,1,1,299,Syria: Government,11973,Government of Syria - Syrian insurgents,118,Government of Syria,"
    '4456,,Syrian insurgents,1,"""SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter '
    'Ma’la""",SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la,SOHR,1,'
    "Teir Maaleh village,Homs Governorate,Ar Rastan district,34.802462,36.707602,POINT (36.707602 34.802462),"
    "179714,Syria,652,Middle East,1,1,2016-01-01,2016-01-01,2,2,0,0,4,4,4\n"
)
UCDP_NOTES = {
    "sources_created": 59,
    "documents_created": 13764,
    "placement": {"coordinates": 13883, "adm_2": 1331, "adm_1": 1015, "country": 337},
}


class ImportRefSchema(ResponseSchema):
    """An import of a dataset, in short."""

    id = fields.Integer(metadata={"example": 4})
    version = fields.String(metadata={"example": UCDP_GED.version})
    imported_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})


class DatasetSchema(ResponseSchema):
    """A dataset Tally imports, with the attribution its licence asks for."""

    id = fields.String(metadata={"example": UCDP_GED.id})
    name = fields.String(metadata={"example": UCDP_GED.name})
    kind = fields.String(
        metadata={
            "enum": list(DATASET_KINDS),
            "example": UCDP_GED.kind,
            "description": "figures: numbers; gazetteer: places.",
        }
    )
    publisher = fields.String(metadata={"example": UCDP_GED.publisher})
    url = fields.String(allow_none=True, metadata={"example": UCDP_GED.url})
    licence = fields.String(metadata={"example": UCDP_GED.licence})
    citation = fields.String(metadata={"description": "How to cite the dataset.", "example": UCDP_GED.citation})
    description = fields.String(allow_none=True, metadata={"example": UCDP_GED.description})
    figures = fields.Integer(metadata={"description": "Figures imported from it.", "example": 33132})
    locations = fields.Integer(metadata={"description": "Locations that came from it (gazetteers).", "example": 0})
    latest_import = fields.Nested(ImportRefSchema, allow_none=True)


class DatasetListSchema(ResponseSchema):
    """Every dataset Tally has imported."""

    data = fields.List(fields.Nested(DatasetSchema), required=True)


class ImportSummarySchema(ImportRefSchema):
    """An import, as listed with its dataset."""

    file_name = fields.String(metadata={"example": UCDP_FILE})
    imported_by = fields.String(metadata={"example": "analyst"})
    inserted = fields.Integer(metadata={"example": 33132})
    updated = fields.Integer(metadata={"example": 0})


class DatasetDetailSchema(DatasetSchema):
    """A dataset with every import of it, oldest first."""

    imports = fields.List(fields.Nested(ImportSummarySchema))


class ImportCountsSchema(ResponseSchema):
    """What an import did: figures (or places) inserted, updated, unchanged; rows rejected or skipped."""

    rows_read = fields.Integer(metadata={"example": 16566})
    inserted = fields.Integer(metadata={"example": 33132})
    updated = fields.Integer(metadata={"example": 0})
    unchanged = fields.Integer(metadata={"example": 0})
    rejected = fields.Integer(metadata={"description": "Invalid rows (left out with --skip-invalid).", "example": 0})
    skipped = fields.Integer(
        metadata={"description": "Valid rows that give no figure (zeros, gaps, no place).", "example": 0}
    )


class DatasetRefSchema(ResponseSchema):
    """A dataset, as referenced."""

    id = fields.String(metadata={"example": "ucdp-ged"})
    name = fields.String(metadata={"example": "UCDP Georeferenced Event Dataset (GED), Syria"})


class ImportSchema(ResponseSchema):
    """One import of one file: version, licence, checksum, who, when, what it did."""

    id = fields.Integer(metadata={"example": 4})
    dataset = fields.Nested(DatasetRefSchema)
    version = fields.String(metadata={"example": UCDP_GED.version})
    licence = fields.String(
        metadata={"description": "The licence as it stood for this version.", "example": UCDP_GED.licence}
    )
    citation = fields.String(metadata={"example": UCDP_GED.citation})
    file_name = fields.String(metadata={"example": UCDP_FILE})
    sha256 = fields.String(metadata={"description": "Checksum of the file's bytes.", "example": UCDP_SHA256})
    imported_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    imported_by = fields.String(metadata={"example": "analyst"})
    counts = fields.Nested(ImportCountsSchema)
    report = fields.Dict(
        metadata={"description": "Names matched and unmatched, placements, changed figures.", "example": UCDP_NOTES}
    )
    problem_count = fields.Integer(
        metadata={
            "description": "How many row findings the import reported: GET /v1/imports/{id}/problems lists them.",
            "example": 0,
        }
    )


class CitedDocumentSchema(ResponseSchema):
    """A document a dataset cites."""

    id = fields.Integer(metadata={"example": 12})
    title = fields.String(metadata={"example": "Clashes on many fronts of Aleppo"})
    published_on = fields.Date(allow_none=True, metadata={"example": "2016-01-01"})


class CitationSchema(ResponseSchema):
    """A source and document the dataset cites for a figure."""

    source = fields.Nested(SourceRefSchema)
    name_as_written = fields.String(
        allow_none=True,
        metadata={
            "description": "The source as the dataset names it (UCDP's source_office entry), which Tally matched "
            "to `source`; null where the dataset gave no name of its own.",
            "example": "SOHR",
        },
    )
    document = fields.Nested(CitedDocumentSchema)


class FigureDatasetSchema(ResponseSchema):
    """The dataset a figure was imported from."""

    id = fields.String(metadata={"example": "ucdp-ged"})
    name = fields.String(metadata={"example": "UCDP Georeferenced Event Dataset (GED), Syria"})
    version = fields.String(
        metadata={
            "description": "Version of the import that last wrote the figure.",
            "example": "19.1 (GED Syria 652.1601.1911)",
        }
    )
    import_id = fields.Integer(metadata={"description": "See /v1/imports/{import_id}.", "example": 4})
    external_id = fields.String(
        metadata={"description": "The figure's id in the dataset.", "example": "214808:civilians_killed"}
    )
    attributes = fields.Dict(
        allow_none=True,
        metadata={
            "description": "The dataset's own codes for the figure, as given (UCDP date_prec, where_prec, ...).",
            "example": {"date_prec": 1, "where_prec": 1, "placement": "coordinates"},
        },
    )
    citations = fields.List(
        fields.Nested(CitationSchema),
        metadata={
            "description": "The reports the dataset coded the figure from (UCDP: every source it cites for the "
            "event), in its order; empty when it cites none. The figure's own source is the dataset's compiler."
        },
    )


def _importer_choices() -> str:
    """The importers POST /v1/imports offers: "ucdp (UCDP GED events), ... or hxl (...)"."""
    choices = [f"{name} ({importer.about})" for name, importer in IMPORTERS.items()]
    return ", ".join(choices[:-1]) + " or " + choices[-1]


class ImportUploadQuerySchema(QuerySchema):
    """How to import an uploaded file."""

    dataset = fields.String(
        required=True,
        validate=one_of(tuple(IMPORTERS)),
        metadata={"description": f"What the file is: {_importer_choices()}.", "example": "ucdp"},
    )
    file_name = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "The file's name, kept with the import record (default: <dataset>.csv).",
            "example": UCDP_FILE,
        },
    )
    version = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "The dataset version the file is (default: the version Tally knows).",
            "example": UCDP_GED.version,
        },
    )
    released = fields.Date(
        metadata={
            "description": "Publication date of that version; figures are stated on it.",
            "example": "2025-05-13",
        }
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Validate and report; write nothing.", "example": True}
    )
    skip_invalid = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Import the valid rows and report the others (by default one invalid row aborts).",
            "example": True,
        },
    )


class ImportProblemSchema(ResponseSchema):
    """One row-level finding."""

    file = fields.String(metadata={"example": "ucdp_ged_syria_2016-2019.csv"})
    line = fields.Integer(metadata={"example": 12})
    field = fields.String(metadata={"example": "best"})
    value = fields.String(metadata={"example": "-3"})
    reason = fields.String(metadata={"example": "Must be a whole number of 0 or more."})
    outcome = fields.String(metadata={"enum": ["rejected", "skipped", "warning"], "example": "rejected"})


class ImportResultSchema(ResponseSchema):
    """What an uploaded import did (or, on a dry run, would do)."""

    import_id = fields.Integer(
        allow_none=True, metadata={"description": "The import record, when one was written.", "example": 4}
    )
    dataset = fields.String(metadata={"example": UCDP_GED.id})
    version = fields.String(metadata={"example": UCDP_GED.version})
    file_name = fields.String(metadata={"example": UCDP_FILE})
    sha256 = fields.String(metadata={"example": UCDP_SHA256})
    dry_run = fields.Boolean(metadata={"example": False})
    committed = fields.Boolean(metadata={"description": "Whether anything was written.", "example": True})
    counts = fields.Nested(ImportCountsSchema)
    problems = fields.List(
        fields.Nested(ImportProblemSchema),
        metadata={
            "description": "The first 1,000 row findings; when the import landed, GET /v1/imports/{id}/problems "
            "gives all of them as CSV.",
            "example": [],
        },
    )
    problem_count = fields.Integer(metadata={"description": "How many row findings there are in all.", "example": 0})
    notes = fields.Dict(
        metadata={
            "description": "Names matched and unmatched, placements, what changed, and the seconds each step took.",
            "example": UCDP_NOTES
            | {"seconds": 12.6, "seconds_by_step": {"read": 1.88, "match": 3.04, "write": 5.3, "commit": 2.38}},
        }
    )
