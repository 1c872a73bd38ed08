"""Gunicorn, embedded: `tally serve` runs the app with these settings.

Workers load the app themselves (no preload), and each opens its own pool in
post_worker_init: a pool opened before the fork would be shared by every
worker and break under load.
"""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .api import POOL_KEY
from .app import create_app
from .config import Settings


def _open_pool(worker) -> None:
    worker.wsgi.extensions[POOL_KEY].open(wait=True)


def _close_pool(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions[POOL_KEY].close()


class TallyServer(BaseApplication):
    """Gunicorn configured from Settings rather than from a config file."""

    def __init__(self, settings: Settings, database_url: str):
        self.settings = settings
        self.database_url = database_url
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            # gthread keeps client connections alive; with the pool sized to the
            # thread count, a worker never waits for a database connection.
            "worker_class": s.worker_class,
            "threads": s.threads,
            "keepalive": 5,
            "graceful_timeout": 20,
            "timeout": 30,
            "loglevel": s.log_level,
            "accesslog": "-",
            "post_worker_init": _open_pool,
            "worker_exit": _close_pool,
            "proc_name": "tally",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(self.settings, database_url=self.database_url, open_pool=False)
