"""HTTP resources: one Blueprint per resource, thin MethodViews."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import Any

import flask_smorest
from flask import Request, Response, current_app, g, request
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from ..db import Connection, DatabaseUnavailable, autocommitted, idle, pool_connection, transaction
from ..errors import TallyError
from ..replicas import REPLICA, Router, Server, parse_position, write_position

# The primary's pool (ROUTER_KEY's primary.pool), and the router of every server this worker uses.
POOL_KEY = "tally.pool"
ROUTER_KEY = "tally.router"
# Response header naming the server that served the request (primary, replica-1, ...).
SERVER_HEADER = "Tally-Server"
# A write's answer carries its consistency token here; a read sends it back in the same header.
CONSISTENCY_HEADER = "Tally-Consistency"
# Requests that only read: their unit of work is autocommitted.
READ_METHODS = ("GET", "HEAD")
API_KEY = "tally.api"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: with a key given twice, which value was meant is a guess."""
    found = dict(pairs)
    if len(found) != len(pairs):
        repeated = next(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
        raise ValueError(f"the key {repeated!r} is given twice")
    return found


def _repeated_single_values(req: Request, schema: Any) -> list[str]:
    """The query parameters given more than once that take one value: the first would silently win."""
    multiple = {field.data_key or name for name, field in schema.fields.items() if getattr(field, "is_multiple", False)}
    return sorted(key for key, values in req.args.lists() if len(values) > 1 and key not in multiple)


class StrictParser(FlaskParser):
    """webargs' Flask parser, reading strictly: in a JSON body, nesting too deep, a number too long to read
    or a key given twice is a 400 saying which, never a 500 or a silent last-one-wins. In the query string a
    list parameter may be repeated (ValueList joins the repeats); any other parameter given twice is a 400
    naming it, where webargs would silently keep the first."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        text = req.get_data(cache=True)
        try:
            return json.loads(text.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys)
        except UnicodeDecodeError as error:
            return self._handle_invalid_json_error(error, req)
        except RecursionError:
            reason = "it nests too deeply"
        except json.JSONDecodeError:
            raise
        except ValueError as error:  # a key given twice, or an integer of thousands of digits
            reason = "a number has too many digits" if "digits" in str(error) else str(error)
        abort(400, messages={"json": [f"Invalid JSON body: {reason}."]})

    def load_querystring(self, req: Request, schema: Any) -> Any:
        repeated = _repeated_single_values(req, schema)
        if repeated:
            message = "Give this parameter once: only list parameters take several values (a,b or repeated)."
            abort(400, messages={"query": {name: [message] for name in repeated}})
        return super().load_querystring(req, schema)


# Every path parameter of the API, declared once: what it names, and a value the seed (or the importers) has.
PATH_PARAMETERS: dict[str, tuple[str, int | str]] = {
    "figure_id": ("The figure's id.", 4),
    "source_id": ("The source's id: a stable slug.", "sohr"),
    "document_id": ("The document's id.", 1),
    "code": ("The place's id or its OCHA p-code.", "SY02"),
    "dataset_id": ("The dataset's id (GET /v1/datasets lists them).", "ucdp-ged"),
    "import_id": ("The import's id (GET /v1/datasets/{dataset_id} lists a dataset's imports).", 4),
    "extraction_id": ("The extraction's id.", 1),
    "n": ("The candidate's number in its extraction (1, 2, ... in text order).", 1),
}
_RULE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, but each schema's Meta.unknown decides about unknown fields, and every path
    parameter is documented from PATH_PARAMETERS.

    webargs would otherwise silently drop unknown query parameters, and a typo
    in a filter would return everything.
    """

    ARGUMENTS_PARSER = StrictParser(unknown=None)

    def route(self, rule: str, *, parameters: list[Any] | None = None, **options: Any) -> Any:
        """flask-smorest's route, its path parameters described (it documents only their type)."""
        documented = [_path_parameter(name) for name in _RULE_PARAMETER.findall(rule)]
        return super().route(rule, parameters=[*documented, *(parameters or [])], **options)


def _path_parameter(name: str) -> dict[str, Any]:
    description, example = PATH_PARAMETERS[name]
    return {"in": "path", "name": name, "description": description, "example": example}


@contextmanager
def connection() -> Iterator[Connection]:
    """This request's unit of work: commits when the outermost block ends, rolls back on error; a read's
    statements commit one by one (db.autocommitted), without the round trips of BEGIN and COMMIT.

    Nested blocks share the outer block's transaction, so a wrapper (such as
    the idempotency check) and the view commit together. Every block of a
    request runs on one pooled connection, taken at the first block and given
    back when the request ends (release_connection): the key check, the cache
    check and the view cost one checkout, not one each.
    """
    if g.get("tally_in_transaction"):
        yield g.tally_connection
        return
    conn = _request_connection()
    g.tally_in_transaction = True
    try:
        with autocommitted(conn) if request.method in READ_METHODS else transaction(conn):
            yield conn
    finally:
        g.tally_in_transaction = False


def _request_connection() -> Connection:
    """The request's pooled connection, taken from its server's pool on first use."""
    if g.get("tally_connection") is None:
        held = ExitStack()
        g.tally_connection = held.enter_context(pool_connection(request_server().pool))
        g.tally_held_connection = held
    conn: Connection = g.tally_connection
    return conn


@contextmanager
def primary_connection() -> Iterator[Connection]:
    """A connection to the primary beside the request's own, for what a replica may not have yet; its statements
    commit one by one."""
    router: Router = current_app.extensions[ROUTER_KEY]
    with pool_connection(router.primary.pool) as conn, autocommitted(conn):
        yield conn


def request_server() -> Server:
    """The server of this request's unit of work, chosen at its first use: the primary for a write, for a read
    a replica fit to serve it (caught up with the request's consistency token) or else the primary."""
    server: Server | None = g.get("tally_server")
    if server is None:
        router: Router = current_app.extensions[ROUTER_KEY]
        read = request.method in READ_METHODS
        server = router.for_read(at_least=consistency_token()) if read else router.for_write()
        g.tally_server = server
    return server


class MalformedConsistencyToken(TallyError):
    """Send back the Tally-Consistency header of a write's response as it came, or leave it out."""

    title = "Malformed consistency token"


def consistency_token() -> int | None:
    """The WAL position a read must see (its Tally-Consistency header), None without one; a malformed one is a
    400 naming the header."""
    header = request.headers.get(CONSISTENCY_HEADER)
    if header is None:
        return None
    position = parse_position(header)
    if position is None:
        message = "Must be the Tally-Consistency header of a write's response, such as 0/1A2B3C4D."
        errors = [{"in": "header", "field": CONSISTENCY_HEADER, "messages": [message]}]
        raise MalformedConsistencyToken(f"{CONSISTENCY_HEADER}: {message}", errors=errors)
    return position


def retry_elsewhere() -> bool:
    """After a replica failed this read: rest the replica, and send the read once to another server (True)."""
    server: Server | None = g.get("tally_server")
    if server is None or server.role != REPLICA or g.get("tally_retried"):
        return False
    router: Router = current_app.extensions[ROUTER_KEY]
    router.rest(server)
    with suppress(DatabaseUnavailable):  # the connection is broken, most likely: the pool replaces it
        release_connection()
    g.tally_in_transaction = False
    g.tally_retried = True
    g.tally_server = router.for_read(at_least=consistency_token(), avoid=server)
    return True


def add_server_headers(response: Response) -> Response:
    """Say which server served the request and, after a write, the consistency token of what it committed."""
    server: Server | None = g.get("tally_server")
    if server is not None:
        response.headers[SERVER_HEADER] = server.name
    conn = g.get("tally_connection")
    if conn is not None and request.method not in READ_METHODS and response.status_code < 400 and idle(conn):
        # The write has committed: a database lost now costs the client only the token, not its answer.
        with suppress(DatabaseUnavailable), autocommitted(conn):
            response.headers[CONSISTENCY_HEADER] = write_position(conn)
    return response


def release_connection(_error: BaseException | None = None) -> None:
    """Give the request's connection back to the pool (at teardown, after a streamed body too)."""
    held = g.pop("tally_held_connection", None)
    g.pop("tally_connection", None)
    if held is not None:
        held.close()


def written(row: dict[str, Any] | None) -> str:
    """The JSON body of a resource this request has just written, read back (so it is there)."""
    assert row is not None
    body: str = row["body"]
    return body


def camel(path: str) -> str:
    """A collection's path as it reads inside an operationId: civilians-killed gives CiviliansKilled."""
    return "".join(word.capitalize() for word in path.split("-"))


def json_response(body: str | bytes, status: int = 200) -> Response:
    """A response whose JSON body is already built (by the database, or by orjson)."""
    return Response(body, status=status, mimetype="application/json")
