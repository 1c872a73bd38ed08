""".env.example lists every environment variable Tally's code reads, and nothing it does not read.

The names are read from the source: a key given to `os.environ.get`, `os.environ[...]` or `env.get`,
a name given to config.py's readers (`_int(env, "PORT", ...)`), or a module constant holding one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("service", "bench", "tests")
ENV_EXAMPLE = ROOT / ".env.example"
# The operating system's, not Tally's settings.
SYSTEM = {"PATH", "HOME", "USER", "LOGNAME", "TERM", "COLUMNS"}
# Listed and read, but by another program than Tally: gunicorn itself, or docker compose for docker-compose.yml.
READ_BY_OTHERS = {
    "FORWARDED_ALLOW_IPS": "gunicorn",
    "POSTGRES_USER": "docker compose",
    "POSTGRES_PASSWORD": "docker compose",
    "POSTGRES_DB": "docker compose",
    "TALLY_HTTP_PORT": "docker compose",
    "TALLY_REPLICATED_HTTP_PORT": "docker compose (the replica profile)",
    "REPLICATION_USER": "docker compose (the replica profile)",
    "REPLICATION_PASSWORD": "docker compose (the replica profile)",
}
# Settings docker-compose.yml does not take from the shell or .env, and why.
NOT_FROM_COMPOSE = {
    "DATABASE_URL": "set to the db service",
    "HOST": "fixed inside the container",
    "PORT": "fixed inside the container (TALLY_HTTP_PORT is the host's side)",
    "TALLY_PGDATA": "no embedded server: the db service is the database",
    "TALLY_DATA_DIR": "the image holds no data files to import",
    "DATABASE_REPLICA_URLS": "set to the db-replica service by the replica profile's api",
}
_LISTED = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _is_environment(node: ast.expr) -> bool:
    """os.environ, environ, a mapping named env (config.py's readers take one), or a choice of them."""
    if isinstance(node, ast.IfExp):
        return _is_environment(node.body) or _is_environment(node.orelse)
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id in ("environ", "env")
    )


def _keys(tree: ast.Module) -> Iterator[ast.expr]:
    """The expressions used as keys into the environment."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and _is_environment(func.value):
                yield node.args[0]
            elif len(node.args) > 1 and _is_environment(node.args[0]):
                yield node.args[1]  # _int(env, "PORT", default)
        elif isinstance(node, ast.Subscript) and _is_environment(node.value):
            yield node.slice


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "VALUE" assignments, for keys given by name (SKIP = "SKIP_BROWSER_TESTS")."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def read_by_code(folders: tuple[str, ...] = SOURCES) -> set[str]:
    """Every environment variable a module of these folders (service/, bench/ and tests/) reads."""
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                continue  # a virtualenv of the bench's (bench/.datasette-venv), not Tally's code
            tree = ast.parse(path.read_text("utf-8"))
            constants = _constants(tree)
            for key in _keys(tree):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names.add(key.value)
                elif isinstance(key, ast.Name) and key.id in constants:
                    names.add(constants[key.id])
    return names - SYSTEM


def listed() -> set[str]:
    """Every variable .env.example sets or shows commented out."""
    return set(_LISTED.findall(ENV_EXAMPLE.read_text("utf-8")))


def test_the_reader_finds_settings_tests_and_benchmarks_read_in_each_way():
    names = read_by_code()
    # config.py's readers, os.environ.get, and a key held in a module constant.
    assert {"PORT", "GUNICORN_WORKER_CLASS", "CORS_WRITE_ORIGINS", "TALLY_DATA_DIR", "SKIP_BROWSER_TESTS"} <= names
    assert {"TEST_DATABASE_URL", "BENCH_DATABASE_URL", "BENCH_EXPORT_FORMAT"} <= names


def test_every_variable_the_code_reads_is_in_env_example():
    assert read_by_code() - listed() == set()


def test_env_example_lists_nothing_that_no_code_reads():
    assert listed() - read_by_code() - set(READ_BY_OTHERS) == set()
    compose = (ROOT / "docker-compose.yml").read_text("utf-8")
    for_compose = [name for name, reader in READ_BY_OTHERS.items() if reader == "docker compose"]
    assert [name for name in for_compose if f"${{{name}" not in compose] == []


def test_docker_compose_passes_every_setting_from_the_shell_or_env_to_tally():
    compose = (ROOT / "docker-compose.yml").read_text("utf-8")
    settings = read_by_code(("service",)) - set(NOT_FROM_COMPOSE) | {"FORWARDED_ALLOW_IPS"}
    assert sorted(name for name in settings if f"{name}: ${{{name}:-" not in compose) == []
