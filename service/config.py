"""Settings, read from the environment once at start-up."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir(env: dict[str, str] | None = None) -> Path:
    """Where the data files Tally imports by name lie: TALLY_DATA_DIR, else shared/data beside the project."""
    raw = (os.environ if env is None else env).get("TALLY_DATA_DIR", "").strip()
    return Path(raw).expanduser() if raw else PROJECT_ROOT.parent / "shared" / "data"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be true or false, got {raw!r}")


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...], default: str, *, any_case: bool = False) -> str:
    raw = env.get(name, "").strip()
    raw = raw.lower() if any_case else raw
    if not raw:
        return default
    if raw not in choices:
        raise SystemExit(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


_ORIGIN = re.compile(r"^https?://[^/\s]+$")


def _origins(env: dict[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of web origins (scheme://host[:port], as browsers send them), or *."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    origins = tuple(origin.strip() for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not _ORIGIN.match(origin):
            raise SystemExit(f"{name}: {origin!r} is not an origin such as https://dashboard.example.org or *")
    return origins


def _prepare_threshold(env: dict[str, str], default: int | None) -> int | None:
    """psycopg's prepare_threshold: a whole number, or none to never prepare statements."""
    raw = env.get("DATABASE_PREPARE_THRESHOLD", "").strip().lower()
    if not raw:
        return default
    if raw == "none":
        return None
    threshold = _int(env, "DATABASE_PREPARE_THRESHOLD", 0)
    if threshold < 0:
        raise SystemExit(f"DATABASE_PREPARE_THRESHOLD must be a whole number of 0 or more, or none; got {raw!r}")
    return threshold


def _urls(env: dict[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of PostgreSQL URLs."""
    urls = tuple(url.strip() for url in env.get(name, "").split(",") if url.strip())
    for url in urls:
        if not url.startswith(("postgresql://", "postgres://")):
            raise SystemExit(f"{name}: each entry must be a postgresql:// URL; entry {urls.index(url) + 1} is not")
    return urls


# gunicorn worker classes Tally serves with (service/workers.py); see service/server.py for the choice.
WORKER_CLASSES = ("gthread", "sync", "gevent")
# gunicorn's log levels: it reads any other name as info, so a misspelt one would pass unnoticed.
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment; see .env.example."""

    # None means "start the embedded PostgreSQL under embedded_pgdata".
    database_url: str | None = None
    # Streaming replicas of database_url that serve reads (service/replicas.py), and how far behind the primary
    # a replica may be and still serve them.
    database_replica_urls: tuple[str, ...] = ()
    max_replica_lag_ms: int = 1000
    # psycopg's prepare_threshold (its default, 5); None never prepares, as PgBouncer's transaction mode needs.
    prepare_threshold: int | None = 5
    embedded_pgdata: Path = field(default_factory=lambda: PROJECT_ROOT / ".pgdata")
    host: str = "127.0.0.1"
    port: int = 8000
    # gunicorn: worker processes, threads per worker (and pool size), worker
    # class; chosen by measurement, see service/server.py.
    workers: int = 2
    threads: int = 4
    worker_class: str = "gevent"
    # How long a request waits for a database connection before a 503, and how long
    # connecting may take: an outage fails fast instead of holding every thread.
    pool_timeout_ms: int = 1500
    connect_timeout_s: int = 1
    statement_timeout_ms: int = 10_000
    log_level: str = "info"
    # Reads are public unless this is set; writes always need a key.
    require_read_key: bool = False
    # Larger request bodies are refused with 413.
    max_body_bytes: int = 1_048_576
    # Largest data file POST /v1/imports accepts.
    max_import_bytes: int = 67_108_864
    # Rate limits (limits' syntax: "600/minute"): reads and writes per API key, else per client
    # address; failed authentications per address. The storage is per process with memory://
    # (each gunicorn worker counts apart); redis://host:6379 shares it between workers and hosts.
    rate_limits_enabled: bool = True
    rate_limit_reads: str = "1200/minute"
    rate_limit_writes: str = "120/minute"
    rate_limit_failed_auth: str = "30/minute"
    rate_limit_storage_uri: str = "memory://"
    # How long a POST's Idempotency-Key (and its stored response) is kept.
    idempotency_ttl_hours: int = 24
    # Browsers (CORS): pages on these origins may read, and on those may write; * is any origin.
    cors_read_origins: tuple[str, ...] = ("*",)
    cors_write_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from environment variables (os.environ by default)."""
        env = dict(os.environ if env is None else env)
        defaults = cls()
        pgdata = env.get("TALLY_PGDATA", "").strip()
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or None,
            database_replica_urls=_urls(env, "DATABASE_REPLICA_URLS"),
            max_replica_lag_ms=_int(env, "MAX_REPLICA_LAG_MS", defaults.max_replica_lag_ms),
            prepare_threshold=_prepare_threshold(env, defaults.prepare_threshold),
            embedded_pgdata=Path(pgdata) if pgdata else defaults.embedded_pgdata,
            host=env.get("HOST", "").strip() or defaults.host,
            port=_int(env, "PORT", defaults.port),
            workers=_int(env, "WEB_CONCURRENCY", defaults.workers),
            threads=_int(env, "GUNICORN_THREADS", defaults.threads),
            worker_class=_choice(env, "GUNICORN_WORKER_CLASS", WORKER_CLASSES, defaults.worker_class),
            statement_timeout_ms=_int(env, "STATEMENT_TIMEOUT_MS", defaults.statement_timeout_ms),
            pool_timeout_ms=_int(env, "POOL_TIMEOUT_MS", defaults.pool_timeout_ms),
            connect_timeout_s=_int(env, "CONNECT_TIMEOUT_S", defaults.connect_timeout_s),
            log_level=_choice(env, "LOG_LEVEL", LOG_LEVELS, defaults.log_level, any_case=True),
            require_read_key=_bool(env, "REQUIRE_READ_KEY", defaults.require_read_key),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", defaults.max_body_bytes),
            max_import_bytes=_int(env, "MAX_IMPORT_BYTES", defaults.max_import_bytes),
            idempotency_ttl_hours=_int(env, "IDEMPOTENCY_TTL_HOURS", defaults.idempotency_ttl_hours),
            rate_limits_enabled=_bool(env, "RATE_LIMITS_ENABLED", defaults.rate_limits_enabled),
            rate_limit_reads=env.get("RATE_LIMIT_READS", "").strip() or defaults.rate_limit_reads,
            rate_limit_writes=env.get("RATE_LIMIT_WRITES", "").strip() or defaults.rate_limit_writes,
            rate_limit_failed_auth=env.get("RATE_LIMIT_FAILED_AUTH", "").strip() or defaults.rate_limit_failed_auth,
            rate_limit_storage_uri=env.get("RATE_LIMIT_STORAGE_URI", "").strip() or defaults.rate_limit_storage_uri,
            cors_read_origins=_origins(env, "CORS_READ_ORIGINS", defaults.cors_read_origins),
            cors_write_origins=_origins(env, "CORS_WRITE_ORIGINS", defaults.cors_write_origins),
        )
