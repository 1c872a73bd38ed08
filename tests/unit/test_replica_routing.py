"""Which server a read goes to, from what the router knows of each (no server is asked here); and the settings."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.replicas import Health, Router, format_position, parse_position

URLS = ("postgresql://tally@replica-a/tally", "postgresql://tally@replica-b/tally")


@pytest.fixture
def router():
    """A router over two replicas whose pools are never opened, both fit to serve reads."""
    made = Router(Settings(database_replica_urls=URLS, max_replica_lag_ms=500), "postgresql://tally@primary/tally")
    for replica in made.replicas:
        replica.health = Health(reachable=True, lag_ms=10, position=parse_position("1/0"))
    return made


def _names(router, reads: int, **kwargs) -> list[str]:
    return [router.for_read(**kwargs).name for _ in range(reads)]


def test_reads_take_the_fit_replicas_in_turn_and_writes_the_primary(router):
    assert _names(router, 4) == ["replica-1", "replica-2", "replica-1", "replica-2"]
    assert router.for_write().name == "primary"


def test_a_replica_behind_by_more_than_the_limit_or_of_unknown_lag_serves_no_reads(router):
    router.replicas[0].health = Health(reachable=True, lag_ms=501, position=parse_position("1/0"))
    router.replicas[1].health = Health(reachable=True, lag_ms=None, position=parse_position("1/0"))
    assert _names(router, 2) == ["primary", "primary"]
    router.replicas[1].health = Health(reachable=True, lag_ms=500, position=parse_position("1/0"))
    assert _names(router, 2) == ["replica-2", "replica-2"]


def test_an_unreachable_or_resting_replica_serves_no_reads_and_a_retry_avoids_the_one_that_failed(router):
    router.replicas[0].health = Health()
    assert _names(router, 2) == ["replica-2", "replica-2"]
    router.rest(router.replicas[1])
    assert _names(router, 2) == ["primary", "primary"]
    router.replicas[1].resting_until = 0
    assert router.for_read(avoid=router.replicas[1]).name == "primary"


def test_a_read_with_a_token_goes_only_where_the_write_is_replayed(router):
    router.replicas[0].health = Health(reachable=True, lag_ms=0, position=parse_position("1/10"))
    assert _names(router, 2, at_least=parse_position("1/10")) == ["replica-1", "replica-1"]
    assert _names(router, 2, at_least=parse_position("1/11")) == ["primary", "primary"]


def test_wal_positions_read_and_write_as_postgresql_writes_them():
    assert parse_position("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert format_position(parse_position("16/B374D848")) == "16/B374D848"
    assert format_position(parse_position("0/0a")) == "0/A"
    for malformed in ("", "16", "16/", "/1", "16/ZZ", "1/2/3", "123456789/0", "0x1/2"):
        assert parse_position(malformed) is None, malformed


def test_replica_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "DATABASE_REPLICA_URLS": " postgresql://a/tally , postgresql://b/tally,",
            "MAX_REPLICA_LAG_MS": "250",
            "DATABASE_PREPARE_THRESHOLD": "None",
        }
    )
    assert settings.database_replica_urls == ("postgresql://a/tally", "postgresql://b/tally")
    assert (settings.max_replica_lag_ms, settings.prepare_threshold) == (250, None)
    assert Settings.from_env({}).database_replica_urls == ()
    assert Settings.from_env({}).prepare_threshold == 5
    assert Settings.from_env({"DATABASE_PREPARE_THRESHOLD": "0"}).prepare_threshold == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_REPLICA_URLS": "replica:5432"}, "DATABASE_REPLICA_URLS: each entry must be a postgresql:// URL"),
        ({"DATABASE_PREPARE_THRESHOLD": "-1"}, "DATABASE_PREPARE_THRESHOLD must be a whole number of 0 or more"),
        ({"DATABASE_PREPARE_THRESHOLD": "off"}, "DATABASE_PREPARE_THRESHOLD must be a whole number"),
    ],
)
def test_bad_replica_settings_stop_the_start(env, message):
    with pytest.raises(SystemExit, match=message):
        Settings.from_env(env)


def test_a_replica_is_as_far_behind_as_the_time_since_the_primary_first_went_past_it(router):
    assert router.behind_ms(parse_position("1/0"), now=100.0) is None  # the primary never reached
    for seen_at, position in ((99.0, "1/0"), (99.2, "1/10"), (99.4, "1/20"), (99.6, "1/20")):
        router._primary_positions.append((seen_at, parse_position(position)))
    assert router.behind_ms(parse_position("1/20"), now=100.0) == 0
    assert router.behind_ms(parse_position("1/30"), now=100.0) == 0
    assert router.behind_ms(parse_position("1/18"), now=100.0) == 600
    assert router.behind_ms(parse_position("1/0"), now=100.0) == 800
    assert router.behind_ms(parse_position("0/FFFFFFFF"), now=100.0) == 1000  # before any position kept: at least
