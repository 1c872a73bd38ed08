"""The browser layer: Tally's pages rendered by Debian's Chromium, driven through its chromedriver by Selenium.

Nothing a page asks for may leave the machine. Chromium starts without its own traffic to Google (the flags
below) and reaches no host but the one the pages are served under: its resolver finds no other, IP addresses
included. The tests read every request a page made from Chromium's performance log.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from tests.live_server import live_server

# Debian's packages (`apt-get install chromium chromium-driver`; .ci/run installs them).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Set to 1 to skip this layer where Chromium cannot be installed; unset, a missing Chromium fails it.
SKIP = "SKIP_BROWSER_TESTS"
# The name the pages are served under, which Chromium maps to 127.0.0.1; any other host, an IP address too, is
# not found. Under a name, as in production, the pages do what they spare localhost: Swagger UI's validator
# badge, for one, is fetched from validator.swagger.io unless turned off.
HOST = "tally.test"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP * ~NOTFOUND",
)


@pytest.fixture(scope="module")
def origin(seeded_url: str) -> Iterator[str]:
    """`tally serve` on the seeded database, as the browser reaches it."""
    with live_server(seeded_url) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def spec(origin: str) -> dict[str, Any]:
    """The OpenAPI document the pages render, asked of the server directly."""
    port = origin.rsplit(":", 1)[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def installed() -> None:
    """Chromium and its driver are there, or the test fails (or is skipped, if SKIP says so) before any work."""
    missing = [str(program) for program in (CHROMIUM, CHROMEDRIVER) if not os.access(program, os.X_OK)]
    if missing and os.environ.get(SKIP) == "1":
        pytest.skip(f"{SKIP}=1 and {', '.join(missing)} missing")
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: `apt-get install chromium chromium-driver` (.ci/run does), "
            f"or set {SKIP}=1 to skip the browser tests"
        )


@pytest.fixture(scope="module")
def chromium(installed: None, origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile that logs every request and console message.

    It starts after the server and quits before it, so the server has no open connection to wait for.
    """
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    # With the driver's path given, Selenium Manager neither looks for nor downloads one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.get("about:blank")  # away from the new-tab page Chromium starts on, and its requests
    try:
        yield driver
    finally:
        driver.quit()
