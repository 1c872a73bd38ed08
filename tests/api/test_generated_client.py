"""A Python client generated from the committed OpenAPI document with openapi-python-client, as a developer
integrating Tally would make one, works against the real server: reading, paging, writing, conditional writes
and their problems, history, and list filters."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from service.cli import OPENAPI_FILE
from tests.live_server import live_server
from tests.support import NEW_FIGURE, figure_tag, make_key

CONFIG = OPENAPI_FILE.parent / "client.yaml"
PACKAGE = "tally_client"


def generate(folder, config) -> subprocess.CompletedProcess[str]:
    """openapi-python-client run on the committed document, as README.md shows, into folder/tally_client."""
    bin_dir = os.path.dirname(sys.executable)
    command = [os.path.join(bin_dir, "openapi-python-client"), "generate", "--path", str(OPENAPI_FILE)]
    command += ["--output-path", str(folder / PACKAGE), "--meta", "none", "--config", str(config)]
    # The generator formats its code with ruff, which it looks for on PATH.
    env = os.environ | {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once for the module; what the generator printed."""
    folder = tmp_path_factory.mktemp("client")
    run = generate(folder, CONFIG)
    sys.path.insert(0, str(folder))
    try:
        yield run, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_generation_succeeds_without_a_warning(generated):
    run, _ = generated
    printed = run.stdout + run.stderr
    assert run.returncode == 0, printed
    assert "warning" not in printed.lower(), printed
    assert "error" not in printed.lower(), printed


def test_without_its_configuration_the_generator_warns_of_the_upload(tmp_path):
    """The check above can fail: told nothing of text/csv, the generator leaves POST /v1/imports out, and says so."""
    (tmp_path / "empty.yaml").write_text("{}\n")
    run = generate(tmp_path, tmp_path / "empty.yaml")
    printed = run.stdout + run.stderr
    assert "WARNING parsing POST /v1/imports" in printed and "Unsupported content type text/csv" in printed


def test_a_scenario_with_the_generated_client_against_the_real_server(generated, fresh_url):
    _, package = generated
    token = make_key(fresh_url, "integration", "write")
    models, types = (importlib.import_module(f"{PACKAGE}.{name}") for name in ("models", "types"))
    with (
        live_server(fresh_url) as port,
        package.AuthenticatedClient(base_url=f"http://127.0.0.1:{port}", token=token) as client,
    ):
        _scenario(client, models, types)


def op(name: str):
    """The generated module of an operation of the figures tag, named after its operationId."""
    return importlib.import_module(f"{PACKAGE}.api.figures.{name}")


def _scenario(client, models, types) -> None:
    # A filtered list: civilians killed in Aleppo governorate in November 2016.
    killed = op("list_civilians_killed").sync(client=client, location="SY02", from_="2016-11", to="2016-11")
    assert [(f.id, f.source.id, f.value) for f in killed.data] == [(4, "sohr", 250), (7, "lcc", 15)]

    # The second page, from the first page's cursor.
    first = op("list_figures").sync(client=client, limit=5)
    cursor = parse_qs(urlsplit(first.next_).query)["cursor"][0]
    second = op("list_figures").sync(client=client, limit=5, cursor=cursor)
    assert ([f.id for f in first.data], [f.id for f in second.data]) == ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])

    # One figure, with its version as ETag.
    one = op("get_figure").sync_detailed(client=client, figure_id=4)
    assert (one.status_code, one.parsed.stated_words, one.headers["ETag"]) == (
        200,
        "More than 250",
        figure_tag(1, one.content),
    )

    # Created with the key: 201, the figure, where it is.
    created = op("create_figure").sync_detailed(client=client, body=models.FigureCreate.from_dict(NEW_FIGURE))
    new_id = created.parsed.id
    assert (created.status_code, created.headers["Location"], created.parsed.value) == (201, f"/v1/figures/{new_id}", 7)

    # Changed with If-Match; the same ETag again is a 412 problem that names the current one.
    patch = models.FigurePatch(value=8, reason="SOHR corrected the count")
    changed = op("update_figure").sync_detailed(client=client, figure_id=new_id, body=patch, if_match='"v1"')
    assert (changed.status_code, changed.parsed.value, changed.headers["ETag"]) == (
        200,
        8,
        figure_tag(2, changed.content),
    )
    stale = op("update_figure").sync_detailed(client=client, figure_id=new_id, body=patch, if_match='"v1"')
    assert isinstance(stale.parsed, models.Problem)
    assert (stale.status_code, stale.parsed.status, stale.parsed.current_etag) == (412, 412, changed.headers["ETag"])

    # Its history: both versions, who and why.
    revisions = op("list_figure_revisions").sync(client=client, figure_id=new_id)
    history = [(r.version, r.kind, r.changed_by, r.reason) for r in revisions.data]
    assert history == [
        (1, "create", "integration", "From the SOHR bulletin"),
        (2, "update", "integration", "SOHR corrected the count"),
    ]

    # An upload, the document's own example: a dry run writes nothing.
    upload = json.loads(OPENAPI_FILE.read_text("utf-8"))["paths"]["/v1/imports"]["post"]["requestBody"]
    excerpt = upload["content"]["text/csv"]["example"].encode()
    imports = importlib.import_module(f"{PACKAGE}.api.datasets.create_import")
    dataset = models.CreateImportDataset("ucdp")
    checked = imports.sync_detailed(client=client, body=types.File(io.BytesIO(excerpt)), dataset=dataset, dry_run=True)
    assert (checked.status_code, checked.parsed.dry_run, checked.parsed.counts.rows_read) == (200, True, 1)

    # A list filter with two values.
    siege = op("list_children_under_siege").sync(client=client, source=["unicef", "un"])
    assert [(f.id, f.source.id) for f in siege.data] == [(5, "unicef"), (6, "un")]
