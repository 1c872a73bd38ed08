# The part of flask-smorest's API that Tally uses (see stubs/README.md).
from typing import Any

from apispec import APISpec

# Moves schema, example and examples under content[content_type] (OpenAPI 3), in place.
def prepare_response(response: dict[str, Any], spec: APISpec, content_type: str) -> None: ...
