"""The unit layer runs without PostgreSQL: a test here that asks for a database fails and says where to go."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def server_url() -> str:
    pytest.fail(
        "tests/unit/ uses no database: a test that needs one belongs in tests/db/, tests/api/ or tests/imports/"
    )
