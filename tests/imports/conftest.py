"""Fixtures the import tests share: the seeded template with the gazetteer excerpts imported."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import db
from service.importers.locations import import_locations
from tests.imports.support import GAZETTEERS, options
from tests.support import database, database_name


@pytest.fixture(scope="session")
def located_template(server_url: str, template_db: str) -> Iterator[str]:
    """The seeded template with the gazetteer excerpts imported: the places the figure excerpts need."""
    with database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            import_locations(conn, GAZETTEERS, options())
        yield database_name(url)


@pytest.fixture
def located_url(server_url: str, located_template: str) -> Iterator[str]:
    """A database of this test's own with seed and gazetteer excerpts."""
    with database(server_url, template=located_template) as url:
        yield url


@pytest.fixture(scope="module")
def shared_located_url(server_url: str, located_template: str) -> Iterator[str]:
    """A database with seed and gazetteer excerpts one module's tests share: what the module's own fixtures
    import into it, its tests only read; or they prove with a fingerprint that they changed nothing."""
    with database(server_url, template=located_template) as url:
        yield url
