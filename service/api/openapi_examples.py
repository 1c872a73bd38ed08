"""Examples in the OpenAPI document, declared once.

A response's example is built from the examples its schema's fields carry (marshmallow `metadata`), which are
the seed's: a figure's fields are those of figure 4, SOHR's "More than 250" civilians killed in eastern Aleppo.
The tests check that each example is valid against its schema and that the figure's is what the API serves.
Request bodies are the seed's records as a client would send them (`figure_body`, ...), given where each
operation declares its body.
"""

from __future__ import annotations

import functools
from typing import Any

from apispec import APISpec, BasePlugin

from ..seed import seed_data

JSON = "application/json"
# The seed's one document, as it is numbered in a database the seed filled.
SEED_DOCUMENT_ID = 1


class MissingExample(ValueError):
    """A documented field has no example, and none can be built for it."""


def example_of(schema: dict[str, Any], schemas: dict[str, dict[str, Any]], where: str = "") -> Any:
    """An example of a JSON schema: its own, else built from its parts' (a nullable value without one is null)."""
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example_of(schemas[name], schemas, name)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [option for option in schema[combined] if option.get("type") != "null"]
            return example_of(options[0], schemas, where)
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "object" in types and "properties" in schema:
        return {name: example_of(field, schemas, f"{where}.{name}") for name, field in schema["properties"].items()}
    if "array" in types and "items" in schema:
        return [example_of(schema["items"], schemas, f"{where}[]")]
    if "null" in types:
        return None
    raise MissingExample(f"{where or 'a schema'} has no example; give its field one (metadata={{'example': ...}})")


class ExampleBodies(BasePlugin):
    """Give every JSON success response of every operation an example, built from its schema (example_of)."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        schemas = self.spec.components.schemas
        for method, operation in (operations or {}).items():
            for code, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get(JSON) if isinstance(response, dict) else None
                if str(code).startswith("2") and media and "example" not in media and "examples" not in media:
                    media["example"] = example_of(media["schema"], schemas, f"{method.upper()} {path} {code}")


@functools.cache
def _seed() -> dict[str, Any]:
    return seed_data()


def figure_body(metric: str, *, implied_metric: bool = False) -> dict[str, Any]:
    """The seed's first figure of a metric as a client creates it (its document by id; the metric left out where
    the collection implies it)."""
    record = next(figure for figure in _seed()["figures"] if figure["metric"] == metric)
    body = {name: value for name, value in record.items() if name != "disputes"} | {"document": SEED_DOCUMENT_ID}
    return {name: value for name, value in body.items() if not (implied_metric and name == "metric")}


def dispute_body() -> dict[str, Any]:
    """The seed's dispute, as a client records it."""
    dispute: dict[str, Any] = next(d for figure in _seed()["figures"] for d in figure.get("disputes", []))
    return dispute | {"document": SEED_DOCUMENT_ID}


def source_body(source_id: str) -> dict[str, Any]:
    """A seed source, as a client creates it."""
    source: dict[str, Any] = next(source for source in _seed()["sources"] if source["id"] == source_id)
    return source


def document_body() -> dict[str, Any]:
    """The seed's document, as a client creates it."""
    return {name: value for name, value in _seed()["documents"][0].items() if name != "key"}


def location_body(location_id: str) -> dict[str, Any]:
    """A seed place, as a client creates it."""
    location: dict[str, Any] = next(place for place in _seed()["locations"] if place["id"] == location_id)
    return location
