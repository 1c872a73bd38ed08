"""Settings, read from the environment once at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment; see .env.example."""

    # None means "start the embedded PostgreSQL under embedded_pgdata".
    database_url: str | None = None
    embedded_pgdata: Path = field(default_factory=lambda: PROJECT_ROOT / ".pgdata")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 3
    threads: int = 1
    pool_timeout: float = 10.0
    statement_timeout_ms: int = 10_000
    default_page_size: int = 50
    max_page_size: int = 500
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        """Build settings from environment variables (os.environ by default)."""
        env = dict(os.environ if env is None else env)
        defaults = cls()
        pgdata = env.get("TALLY_PGDATA", "").strip()
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or None,
            embedded_pgdata=Path(pgdata) if pgdata else defaults.embedded_pgdata,
            host=env.get("HOST", "").strip() or defaults.host,
            port=_int(env, "PORT", defaults.port),
            workers=_int(env, "WEB_CONCURRENCY", defaults.workers),
            threads=_int(env, "GUNICORN_THREADS", defaults.threads),
            statement_timeout_ms=_int(env, "STATEMENT_TIMEOUT_MS", defaults.statement_timeout_ms),
            log_level=env.get("LOG_LEVEL", "").strip() or defaults.log_level,
        )
