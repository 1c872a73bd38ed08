"""Gunicorn, embedded: `tally serve` runs the app with these settings.

Workers load the app themselves (no preload), and each opens its own pool in
post_worker_init: a pool opened before the fork would be shared by every
worker and break under load.
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING, cast

from flask import Flask
from gunicorn.app.base import BaseApplication

from .api import ROUTER_KEY
from .app import create_app
from .config import Settings
from .workers import WORKERS

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker


def _start_worker(worker: Worker) -> None:
    # worker.wsgi is what TallyServer.load returned.
    cast(Flask, worker.wsgi).extensions[ROUTER_KEY].open()
    # What is loaded now (Flask, the schemas, the OpenAPI document: about 74,000 objects) lives as long as
    # the worker. Left to the collector, every full collection walks it again: 47 ms during which no request
    # of the worker moves, /healthz included (the outage test saw 52-99 ms answers from an idle database).
    # Frozen, a full collection looks only at what requests made since.
    gc.freeze()


def _close_pool(server: Arbiter, worker: Worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions[ROUTER_KEY].close()


# Worker settings.
#
# The worker class is gevent (service/workers.py), chosen with
# bench/slow_clients.py: 8 ordinary clients (a new connection per request)
# beside 200 connections that send a request head or body one byte a second,
# every set-up running at once and measured in alternating slices, on 2 CPUs
# shared with other work (p50/p99 in ms of the ordinary clients):
#
#   set-up                    alone        beside 200 slow connections
#   gthread 2 x 4          28.7 / 116     nothing answered (24 of 24 timed out)
#   sync 2                 40.9 /  82     nothing answered (24 of 24 timed out)
#   gevent 2               46.4 / 157     44.0 / 126, none failed
#   nginx before gthread   23.9 /  82     24.6 / 110, none failed
#
# A gthread or sync worker gives a connection a thread (or the process) from
# its first byte until its request is read, so 8 slow clients tie up every
# thread. gunicorn's answer is a buffering proxy in front (the nginx line),
# and behind one gthread is the fastest set-up. But `make run` must survive
# slow clients too, on a developer's machine where no proxy can be assumed;
# a gevent worker does on its own, and the set-up CI tests (tests/api/
# test_slow_clients.py) is then the one both `make run` and `docker compose`
# serve. It costs about a tenth of the throughput: wrk with 16 keep-alive
# connections, side by side, gave gthread 154 req/s and gevent 137, at 3.4
# and 3.7 ms of Python CPU per request. Put a buffering proxy in front in
# production all the same (TLS, compression); behind one, setting
# GUNICORN_WORKER_CLASS=gthread wins that tenth back.
#
# Under gevent, requests of a worker share one thread and switch when one
# waits: psycopg must wait through gevent (db.wait_cooperatively), and long
# computations run in a native thread (service/cooperative.py). The pool
# still holds GUNICORN_THREADS connections per worker; requests beyond that
# wait for one, up to POOL_TIMEOUT_MS.
#
# Workers and threads (gthread) were chosen with bench/tune.py on 2 CPUs:
# 1,000,000 figures, wrk with 16 keep-alive connections on one 50-figure
# page; medians of 4-6 rounds of 15 s each:
#
#   class    workers x threads   req/s     p99 ms
#   gthread        2 x 4        198-234   123-147
#   gthread        2 x 3          236       133
#   gthread        3 x 2        210-237   159-196
#   gthread        3 x 1        174-219   160-227
#   gthread        4 x 1          228       246
#   sync           3 x 1        198-213   108-115
#
# Every setting keeps both CPUs busy at about 7 ms of CPU per request (3 in
# the workers, 4 in PostgreSQL), so throughput barely moves; the tail does.
# On more CPUs, set WEB_CONCURRENCY to about one worker per CPU.


# gunicorn's default access log line, then the request's Tally-Server (primary, replica-1, ...).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({tally-server}o)s'


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
            "worker_class": WORKERS[s.worker_class],
            # gthread's threads; the pool is sized to this number whatever the class, so a
            # gthread thread never waits for a connection (gevent ignores the setting).
            "threads": s.threads,
            # gevent: connections one worker holds at once, slow ones included (gunicorn's default).
            "worker_connections": 1000,
            "keepalive": 5,
            "graceful_timeout": 20,
            "timeout": 30,
            "loglevel": s.log_level,
            "accesslog": "-",
            # gunicorn's own format, and last the server that served the request (- when none did).
            "access_log_format": ACCESS_LOG_FORMAT,
            "post_worker_init": _start_worker,
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
