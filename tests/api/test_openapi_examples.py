"""The OpenAPI document's examples: one for every request body and every success, each valid against its own
schema, made of real values: the responses' are what the API serves over the seed, the requests' are accepted."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from service.api import PATH_PARAMETERS
from service.api.openapi_examples import MissingExample, example_of
from service.cli import render_openapi
from service.pagination import encode_cursor
from service.schemas.common import EXAMPLE_SERVER

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Fields whose values are the moment the seed was loaded: different in every database.
MOMENTS = ("created_at", "updated_at", "changed_at")


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(render_openapi())


def _examples(spec: dict):
    """(where, media type object) of every request body and every success response of every operation."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                yield f"{method} {path} body {media_type}", media
            for code, response in operation["responses"].items():
                for media_type, media in response.get("content", {}).items() if code.startswith("2") else ():
                    yield f"{method} {path} {code} {media_type}", media


def _valid(spec: dict, schema: dict, example) -> list[str]:
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(example)]


def test_every_request_body_and_success_has_an_example_valid_against_its_schema(spec):
    found = list(_examples(spec))
    # Bodies, successes (the extractions' 3 and 4 apart), and beside the JSON the CSV, NDJSON and GeoJSON of the six
    # figure lists and the GeoJSON of the places.
    assert len(found) == 17 + 3 + 47 + 4 + 6 * 3 + 1
    for where, media in found:
        examples = [media["example"]] if "example" in media else [e["value"] for e in media["examples"].values()]
        for example in examples:
            assert example not in (None, "string", {}), where
            if "json" in where:
                assert _valid(spec, media["schema"], example) == [], where


def test_the_check_can_fail(spec):
    figure = spec["paths"]["/v1/figures/{figure_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    wrong = figure["example"] | {"value": "250", "qualifier": "roughly"}
    del wrong["source"]
    assert _valid(spec, figure["schema"], wrong) == [
        "value: '250' is not of type 'integer'",
        "qualifier: 'roughly' is not one of ['exact', 'approximately', 'at_least', 'more_than', 'at_most', "
        "'fewer_than']",
        ": 'source' is a required property",
    ]


def test_a_field_without_an_example_is_named_when_the_document_is_built():
    schemas = {"Thing": {"type": "object", "properties": {"id": {"type": "integer", "example": 4}, "at": {}}}}
    with pytest.raises(MissingExample, match=r"^Thing\.at has no example"):
        example_of({"$ref": "#/components/schemas/Thing"}, schemas)


def _example(spec: dict, path: str, code: str = "200", method: str = "get"):
    return spec["paths"][path][method]["responses"][code]["content"]["application/json"]["example"]


def _timeless(body):
    """The body with the moments the seed was loaded, and the server's address, left out."""
    if isinstance(body, dict):
        return {key: _timeless(value) for key, value in body.items() if key not in MOMENTS}
    if isinstance(body, list):
        return [_timeless(value) for value in body]
    return body.replace(EXAMPLE_SERVER, "http://localhost") if isinstance(body, str) else body


# Operation -> the request whose real answer is its example (over the seed).
SERVED = {
    "/v1/figures/{figure_id}": "/v1/figures/4",
    "/v1/figures": f"/v1/figures?limit=1&include_total=true&cursor={encode_cursor(3)}",
    "/v1/figures/{figure_id}/revisions": "/v1/figures/4/revisions",
    "/v1/changes": f"/v1/changes?since={encode_cursor(3)}&limit=1",
    "/v1/sources/{source_id}": "/v1/sources/sohr",
    "/v1/sources": f"/v1/sources?limit=1&cursor={encode_cursor('snhr')}",
    "/v1/documents/{document_id}": "/v1/documents/1",
    "/v1/locations/{code}": "/v1/locations/SY02",
    "/v1/claims": f"/v1/claims?limit=1&cursor={encode_cursor(3)}",
    "/v1/civilians-killed/totals": "/v1/civilians-killed/totals?source=sohr",
    "/v1/coverage": f"/v1/coverage?limit=1&cursor={encode_cursor('civilians_killed/anjara/lcc')}",
}


@pytest.mark.parametrize("path", sorted(SERVED))
def test_the_examples_are_what_the_api_serves_over_the_seed(spec, client, path):
    response = client.get(SERVED[path])
    assert response.status_code == 200
    assert _timeless(_example(spec, path)) == _timeless(response.get_json())


def test_the_metric_and_the_path_parameters_examples_are_real_too(spec, client):
    metric = _example(spec, "/v1/metrics")["data"][0]
    assert metric in client.get("/v1/metrics").get_json()["data"]
    for name, (_, example) in PATH_PARAMETERS.items():
        if name not in ("dataset_id", "import_id", "extraction_id", "n"):  # the seed imports and extracts nothing
            path = next(p for p in spec["paths"] if p.endswith(f"{{{name}}}"))
            assert client.get(path.replace(f"{{{name}}}", str(example))).status_code == 200, name
    # The example of /v1/changes?since= is where the feed stands after the seed.
    since = spec["paths"]["/v1/changes"]["get"]["parameters"][0]
    assert since["name"] == "since"
    assert client.get("/v1/changes").get_json()["cursor"] == since["schema"]["example"]


def test_the_comparison_can_fail(spec, client):
    served = client.get("/v1/figures/4").get_json()
    assert _timeless(served | {"value": 251}) != _timeless(_example(spec, "/v1/figures/{figure_id}"))


def _body(spec: dict, path: str, method: str):
    return spec["paths"][path][method]["requestBody"]["content"]["application/json"]["example"]


def _url(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(PATH_PARAMETERS[m.group(1)][1]), path)


# The seed's statements, entered again: the duplicate's 409 names the seed's figure.
SEED_FIGURES = {
    "/v1/figures": 4,
    "/v1/people-trapped": 1,
    "/v1/children-under-siege": 5,
    "/v1/civilians-killed": 4,
    "/v1/civilians-injured": 8,
    "/v1/displaced": 2,
}


def test_the_request_examples_are_accepted_and_the_seeds_are_the_seed(spec, write_client, keys):
    """Each request example sent as it is: the seed's records are duplicates (409, a figure's naming the one
    that holds its statement), the changes are made. Nothing is a 422."""
    write = keys["write"]
    for path, seed_id in SEED_FIGURES.items():
        response = write_client.post(path, json=_body(spec, path, "post"), headers=write)
        assert (response.status_code, response.get_json().get("existing_id")) == (409, seed_id), path
    for path in ("/v1/sources", "/v1/documents", "/v1/locations"):
        assert write_client.post(path, json=_body(spec, path, "post"), headers=write).status_code == 409, path
    for path in ("/v1/sources/{source_id}", "/v1/documents/{document_id}", "/v1/locations/{code}"):
        assert write_client.patch(_url(path), json=_body(spec, path, "patch"), headers=write).status_code == 200, path
    figure = "/v1/figures/{figure_id}"
    changed = write_client.patch(_url(figure), json=_body(spec, figure, "patch"), headers=write | {"If-Match": '"v1"'})
    assert (changed.status_code, changed.get_json()["value"]) == (200, 260)
    disputes = "/v1/figures/{figure_id}/disputes"
    disputed = write_client.post(_url(disputes), json=_body(spec, disputes, "post"), headers=write)
    assert (disputed.status_code, disputed.get_json()["status"]) == (201, "disputed")
    retracted = write_client.delete(_url(figure), json=_body(spec, figure, "delete"), headers=write)
    assert (retracted.status_code, retracted.get_json()["status_note"]) == (200, "Misattributed")


def test_the_upload_example_is_the_first_event_of_the_ucdp_file(spec):
    media = spec["paths"]["/v1/imports"]["post"]["requestBody"]["content"]["text/csv"]
    header, event, end = media["example"].split("\n")
    assert (header.count(","), event.split(",")[:2], end) == (40, ["214797", "2016"], "")
