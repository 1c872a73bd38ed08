"""Gunicorn, embedded: `tally serve` runs the app with these settings.

Workers load the app themselves (no preload), and each opens its own pool in
post_worker_init: a pool opened before the fork would be shared by every
worker and break under load.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from flask import Flask
from gunicorn.app.base import BaseApplication

from .api import POOL_KEY
from .app import create_app
from .config import Settings

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker


def _open_pool(worker: Worker) -> None:
    # worker.wsgi is what TallyServer.load returned.
    cast(Flask, worker.wsgi).extensions[POOL_KEY].open(wait=True)


def _close_pool(server: Arbiter, worker: Worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions[POOL_KEY].close()


# Worker settings. The defaults (service/config.py: gthread, 2 workers x 4
# threads) were chosen with bench/tune.py on 2 CPUs: 1,000,000 figures, wrk
# with 16 keep-alive connections on one 50-figure page; medians of 4-6 rounds
# of 15 s each, on a machine shared with other work (hence the ranges, which
# are the medians of three separate runs):
#
#   class    workers x threads   req/s     p99 ms
#   gthread        2 x 4        198-234   123-147
#   gthread        2 x 3          236       133
#   gthread        3 x 2        210-237   159-196
#   gthread        3 x 1        174-219   160-227   (the former default)
#   gthread        4 x 1          228       246
#   sync           3 x 1        198-213   108-115
#
# Every setting keeps both CPUs busy at about 7 ms of CPU per request (3 in
# the workers, 4 in PostgreSQL), so throughput barely moves; the tail does. A
# keep-alive connection stays with the worker that accepted it, and with one
# thread it waits behind the other connections that worker holds; four threads
# per worker take most of that wait away, with fewer processes. sync has the
# best tail here (each request is a new connection, taken by an idle worker),
# but a slow client or a streamed CSV export holds a whole worker, and an
# export running past `timeout` gets the worker killed. On more CPUs, set
# WEB_CONCURRENCY to about one worker per CPU.


class TallyServer(BaseApplication):
    """Gunicorn configured from Settings rather than from a config file."""

    def __init__(self, settings: Settings, database_url: str) -> None:
        self.settings = settings
        self.database_url = database_url
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": s.worker_class,
            # The pool is sized to the thread count: a thread never waits for a connection.
            "threads": s.threads,
            "keepalive": 5,
            "graceful_timeout": 20,
            "timeout": 30,
            "loglevel": s.log_level,
            "accesslog": "-",
            "post_worker_init": _open_pool,
            "worker_exit": _close_pool,
            "proc_name": "tally",
            # Tally is driven by signals; no control socket under $HOME (which
            # may not be writable in a container).
            "control_socket_disable": True,
            # Heartbeat files in memory: a slow or full /tmp disk must not stall workers.
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    # types-gunicorn's WSGI type declares a start_response that returns None, where
    # werkzeug's (which Flask takes) returns write(); the app is a WSGI app all the same.
    def load(self) -> Flask:  # type: ignore[override]
        return create_app(self.settings, database_url=self.database_url, open_pool=False)
