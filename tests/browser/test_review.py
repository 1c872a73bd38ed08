"""The review page in Chromium: the seed article submitted, one candidate accepted with the keyboard, one
corrected, one rejected, each checked through the API; the key sent only as an Authorization header."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from service.config import PROJECT_ROOT
from tests.browser.test_docs import console_errors, elsewhere, network, open_page, requested, waiting
from tests.live_server import live_server
from tests.support import database, key_headers

# The article Tally started from, beside the project (as the data sets are).
SEED_ARTICLE = PROJECT_ROOT.parent / "shared" / "seeds" / "aleppo-2016-11-27.txt"


@pytest.fixture(scope="module")
def review_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database of this module's own: the test writes figures."""
    with database(server_url, template=template_db) as url:
        yield url


@pytest.fixture(scope="module")
def origin(review_url: str) -> Iterator[str]:
    """`tally serve` over this module's database, as the browser reaches it (conftest's chromium uses it)."""
    from tests.browser.conftest import HOST

    with live_server(review_url) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def write_key(review_url: str) -> str:
    return key_headers(review_url)["write"]["Authorization"].removeprefix("Bearer ")


def _api(origin: str, path: str) -> Any:
    port = origin.rsplit(":", 1)[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.load(response)


def _card(chromium: WebDriver, words: str):
    """The card of the first candidate whose stated words are these."""
    for card in chromium.find_elements(By.CSS_SELECTOR, "article.card"):
        if card.find_element(By.CSS_SELECTOR, "h3 a").text == words:
            return card
    raise AssertionError(f"no candidate {words!r}")


def _state_becomes(chromium: WebDriver, card, state: str) -> None:
    waiting(chromium).until(lambda _: card.find_element(By.CSS_SELECTOR, ".state").text == state)


def _submit_the_article(chromium: WebDriver, origin: str, key: str) -> int:
    open_page(chromium, origin + "/review/extractions/new")
    chromium.find_element(By.ID, "api-key").send_keys(key)
    chromium.find_element(By.ID, "title").send_keys("'Aleppo is going to die'")
    # A date field takes the date in the browser's locale order; set it as the form would hold it.
    chromium.execute_script("document.getElementById('published-on').value = '2016-11-27'")
    text = SEED_ARTICLE.read_text("utf-8")
    chromium.execute_script("document.getElementById('text-field').value = arguments[0]", text)
    chromium.find_element(By.CSS_SELECTOR, "#submit-text button[type=submit]").send_keys(Keys.ENTER)
    waiting(chromium).until(lambda driver: "/review/extractions/new" not in driver.current_url)
    return int(chromium.current_url.rsplit("/", 1)[1])


def test_review_the_seed_article(chromium, origin, write_key):
    extraction_id = _submit_the_article(chromium, origin, write_key)
    marks = chromium.find_elements(By.CSS_SELECTOR, "#text mark")
    assert len(marks) == len(chromium.find_elements(By.CSS_SELECTOR, "article.card")) >= 14
    chromium.find_element(By.ID, "api-key").send_keys(write_key)

    # Accept, with the keyboard: the button focused, Enter pressed.
    killed = _card(chromium, "four")
    killed.find_element(By.CSS_SELECTOR, "button[data-action=accept]").send_keys(Keys.ENTER)
    _state_becomes(chromium, killed, "accepted")

    # Correct: the count re-read as 260, and the source given by its id.
    toll = _card(chromium, "More than 250")
    for name, typed in (("value", "260"), ("source", "sohr")):
        field = toll.find_element(By.CSS_SELECTOR, f"[data-field={name}]")
        field.clear()
        field.send_keys(typed)
    toll.find_element(By.CSS_SELECTOR, "button[data-action=correct]").click()
    _state_becomes(chromium, toll, "accepted")

    # Reject: a section heading's vague "Thousands".
    heading = _card(chromium, "Thousands")
    heading.find_element(By.CSS_SELECTOR, "[name=reject_reason]").send_keys("A heading restating the section")
    heading.find_element(By.CSS_SELECTOR, "button[data-action=reject]").click()
    _state_becomes(chromium, heading, "rejected")

    # Through the API: the states, and the figures as written.
    candidates = {
        c["stated_words"]: c for c in reversed(_api(origin, f"/v1/extractions/{extraction_id}")["candidates"])
    }
    assert [candidates[w]["state"] for w in ("four", "More than 250", "Thousands")] == [
        "accepted",
        "accepted",
        "rejected",
    ]
    assert candidates["Thousands"]["reject_reason"] == "A heading restating the section"
    accepted = _api(origin, candidates["four"]["figure"])
    assert (accepted["value"], accepted["metric"], accepted["location"]["id"], accepted["source"]["id"]) == (
        4,
        "people_killed",
        "golan-heights",
        "israeli-military",
    )
    corrected = _api(origin, candidates["More than 250"]["figure"])
    assert (corrected["value"], corrected["qualifier"], corrected["source"]["id"], corrected["location"]["id"]) == (
        260,
        "more_than",
        "sohr",
        "eastern-aleppo",
    )
    revisions = _api(origin, candidates["More than 250"]["figure"] + "/revisions")["data"]
    assert revisions[0]["reason"].startswith(f"Accepted from extraction {extraction_id}, candidate ")

    # The key went only in Authorization headers: in no URL, and no request carried a cookie.
    events = network(chromium)
    urls = requested(events)
    assert elsewhere(urls, origin) == [] and not any(write_key in url for url in urls)
    sent = [e["params"]["request"] for e in events if e["method"] == "Network.requestWillBeSent"]
    posts = [r for r in sent if r["method"] == "POST"]
    # The submission and the three decisions.
    assert len(posts) == 4 and all(r["headers"].get("Authorization") == f"Bearer {write_key}" for r in posts)
    assert not any("Cookie" in r["headers"] for r in sent)
    assert console_errors(chromium) == []
