"""The layers stay apart, read from the source: who may import the HTTP layer and psycopg, and no import cycles.

Imports inside functions count as much as those at the top of a module: a
lazy import hides a cycle until the wrong module is imported first.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"

# The entry points that assemble or run the HTTP app, and so import service.api.
API_ENTRY_POINTS = {
    "service.app": "registers the blueprints and the request hooks",
    "service.server": "opens each gunicorn worker's pools, kept in the app under api.ROUTER_KEY",
    "service.cli": "renders the OpenAPI document from the app's Api, kept under api.API_KEY",
}
# psycopg that db.py does not wrap: SQL composition and adapters for values.
PSYCOPG_ANYWHERE = ("psycopg.sql", "psycopg.types")
# Modules that use psycopg beyond that, and why.
# Modules besides service/db.py that may import psycopg's machinery, with the reason: none.
PSYCOPG_ALLOWED: dict[str, str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SERVICE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in SERVICE.rglob("*.py")}


def _imported(module: str) -> Iterator[str]:
    """Every name the module imports, anywhere in it: `from a import b` gives a.b (b may be a module)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(part for part in (base, node.module) if part)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _service_imports(module: str) -> set[str]:
    """The service modules importing this one runs: each named module and the packages above it."""
    found = set()
    for name in _imported(module):
        while name:
            if name in MODULES and name != module:
                found.add(name)
            name = name.rpartition(".")[0]
    return found


GRAPH = {module: _service_imports(module) for module in MODULES}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_only_the_http_layer_and_its_entry_points_import_it():
    offenders = {
        module: sorted(m for m in GRAPH[module] if _in(m, "service.api"))
        for module in MODULES
        if not _in(module, "service.api") and module not in API_ENTRY_POINTS
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def _psycopg_uses(module: str) -> set[str]:
    return {
        name
        for name in _imported(module)
        if name.partition(".")[0] in ("psycopg", "psycopg_pool")
        and not any(_in(name, allowed) for allowed in PSYCOPG_ANYWHERE)
    }


def test_only_db_imports_psycopg_beyond_sql_composition_and_types():
    users = {module for module in MODULES if module != "service.db" and _psycopg_uses(module)}
    assert sorted(users - PSYCOPG_ALLOWED.keys()) == [], "go through service.db instead"
    assert sorted(PSYCOPG_ALLOWED.keys() - users) == [], "no longer needs psycopg: take it off PSYCOPG_ALLOWED"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(graph[module]):
            if found := visit(target):
                return found
        path.pop()
        done.add(module)
        return None

    return next((found for module in sorted(graph) if (found := visit(module))), None)


def test_no_import_cycles():
    assert _cycle(GRAPH) is None


def test_the_cycle_check_finds_a_cycle_and_reads_relative_imports():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert {"service.api", "service.api.auth"} <= GRAPH["service.app"]
    assert "service.importers.commands" in GRAPH["service.cli"]
    # a function-level import counts: commands.py imports the gazetteer importer inside a command
    assert "service.importers.locations" in GRAPH["service.importers.commands"]
