"""/docs and /redoc as the server sends them: from installed packages, and nothing to load from elsewhere.

tests/browser renders them in Chromium."""

from __future__ import annotations

import pytest

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
)


def test_redoc_is_served_from_the_installed_package_without_its_cdn_logo(client):
    page = client.get("/redoc")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<redoc spec-url="/openapi.json"></redoc>' in html
    assert '<script src="/redoc/redoc.standalone.js"></script>' in html
    assert "https://" not in html
    with client.get("/redoc/redoc.standalone.js") as bundle:
        assert (bundle.status_code, bundle.mimetype) == (200, "text/javascript")
        script = bundle.get_data()
    assert len(script) > 100_000
    assert b"cdn.redoc.ly" not in script
    again = client.get("/redoc/redoc.standalone.js", headers={"If-None-Match": bundle.headers["ETag"]})
    assert (again.status_code, again.get_data()) == (304, b"")


@pytest.mark.parametrize("path", ["/docs", "/docs/", "/redoc", "/redoc/"])
def test_the_docs_pages_forbid_the_browser_to_load_from_elsewhere(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/docs/nothing.js", "/docs/../pyproject.toml", "/docs/%2e%2e/app.py"])
def test_an_asset_that_is_not_there_is_a_404_problem(client, path):
    response = client.get(path)
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
