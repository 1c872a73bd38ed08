"""The importer registry is the one list: each entry works, and the CLI and the API offer exactly its importers."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from service.importers.commands import _IMPORTER_OPTIONS, import_group
from service.importers.core import Options
from service.importers.registry import IMPORTERS
from service.schemas.datasets import ImportUploadQuerySchema


@pytest.mark.parametrize("name", IMPORTERS)
def test_an_entry_names_its_import_function_and_options(name):
    importer = IMPORTERS[name]
    module = importlib.import_module(f"service.importers.{importer.module}")
    assert callable(getattr(module, f"import_{importer.module}"))
    assert set(importer.options) <= _IMPORTER_OPTIONS.keys() & {f.name for f in dataclasses.fields(Options)}


def test_the_command_line_and_the_api_offer_the_registry():
    assert set(import_group.commands) == {*IMPORTERS, "locations"}
    dataset = ImportUploadQuerySchema().fields["dataset"]
    assert list(dataset.validate.choices) == list(IMPORTERS)
    assert dataset.validate.error == "Must be one of: ucdp, unhcr, idmc, csv, hxl."
