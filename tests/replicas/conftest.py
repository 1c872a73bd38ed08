"""Fixtures of the replica tests: a private primary with a seeded database, and a real streaming replica of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import db, migrations
from service.seed import load_seed
from tests.replicas.cluster import Cluster, cluster, replayed_up_to_now

DATABASE = "tally"


@pytest.fixture(scope="session")
def replication() -> Iterator[Cluster]:
    """A primary holding a migrated, seeded database, and a replica streaming from it; both stopped at the end."""
    with cluster() as made:
        db.ensure_database(made.primary.url(), DATABASE)
        with db.connect(made.primary.url(DATABASE)) as conn:
            migrations.upgrade(conn)
            load_seed(conn)
        made.start_replica()
        yield made


@pytest.fixture
def primary_url(replication: Cluster) -> str:
    return replication.primary.url(DATABASE)


@pytest.fixture
def replica_url(replication: Cluster) -> Iterator[str]:
    """The replica's URL, the replica running and caught up with the primary (a test may have stopped it)."""
    if not (replication.replica.data / "postmaster.pid").exists():
        replication.replica.start()
    url = replication.replica.url(DATABASE)
    replayed_up_to_now(replication.primary.url(DATABASE), url)
    return url
