"""Long computations that must not stall the other requests of a gevent worker."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(function: Callable[..., T], *args: Any) -> T:
    """function(*args), in a native thread when the process runs under gevent.

    Greenlets share one thread and switch only when one of them waits. An
    import parses and matches a whole file in Python: a 10 MB UCDP file held
    every other request of its worker, /healthz too, for 1.8 s, and a file
    that takes longer than gunicorn's timeout would get the worker killed.
    gevent's thread pool runs it in a native thread, which the interpreter
    switches away from as it does from any thread, while the worker's loop
    goes on serving. Without gevent this is a plain call.
    """
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("threading"):
        return function(*args)
    import gevent

    return gevent.get_hub().threadpool.apply(function, args)
