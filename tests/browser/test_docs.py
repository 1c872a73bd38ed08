"""/docs (Swagger UI) and /redoc (ReDoc) in Chromium: every operation listed, nothing asked of another host,
and Try it out starting with only the required parameters filled."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Each page's operations as [method, path], read from what it rendered (not from operationIds, which the
# pages would show only if the document had them).
SWAGGER_UI_OPERATIONS = """
return [...document.querySelectorAll('.opblock')].map(block => [
  block.querySelector('.opblock-summary-method').textContent.toLowerCase(),
  block.querySelector('.opblock-summary-path').dataset.path,
]);
"""
REDOC_OPERATIONS = """
return [...document.querySelectorAll('.http-verb')].map(verb => [
  verb.getAttribute('type'),
  verb.nextElementSibling.textContent,
]);
"""
# What each parameter's Try-it-out field holds: its text, its choice, or its choices joined by commas.
FIELDS = """
return Object.fromEntries([...arguments[0].querySelectorAll('tr[data-param-name]')].map(row => {
  const field = row.querySelector('input, select, textarea');
  const value = !field ? '' : field.multiple ? [...field.selectedOptions].map(o => o.value).join(',') : field.value;
  return [row.dataset.paramName, value];
}));
"""
# What each parameter's row says its example is, for the rows that say it.
EXAMPLES = """
return Object.fromEntries([...arguments[0].querySelectorAll('tr[data-param-name]')].flatMap(row => {
  const line = [...row.querySelectorAll('p')].map(p => p.textContent).find(text => text.startsWith('Example : '));
  return line === undefined ? [] : [[row.dataset.paramName, line.slice('Example : '.length)]];
}));
"""
SECONDS = 15


def waiting(chromium: WebDriver) -> WebDriverWait:
    return WebDriverWait(chromium, SECONDS, poll_frequency=0.05)


def operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((method, path) for path, item in spec["paths"].items() for method in item if method in METHODS)


def open_page(chromium: WebDriver, url: str) -> None:
    """Open url with the logs emptied of what came before."""
    chromium.get_log("performance")
    chromium.get_log("browser")
    chromium.get(url)


def rendered(chromium: WebDriver, script: str, at_least: int) -> list[tuple[str, str]]:
    """What script reads from the page once it shows at_least items (or once the wait is over)."""
    with suppress(TimeoutException):  # the caller's assertion on what it shows says what is missing
        waiting(chromium).until(lambda driver: len(driver.execute_script(script)) >= at_least)
    return sorted(tuple(item) for item in chromium.execute_script(script))


def network(chromium: WebDriver) -> list[dict[str, Any]]:
    """Chromium's Network events since the performance log was last read."""
    messages = [json.loads(entry["message"])["message"] for entry in chromium.get_log("performance")]
    return [message for message in messages if message["method"].startswith("Network.")]


def requested(events: list[dict[str, Any]]) -> list[str]:
    return [event["params"]["request"]["url"] for event in events if event["method"] == "Network.requestWillBeSent"]


def elsewhere(urls: list[str], origin: str) -> list[str]:
    """The urls that would leave the page's own server (data: and blob: URLs never leave the page)."""
    return [url for url in urls if urlsplit(url).scheme not in ("data", "blob") and not url.startswith(origin + "/")]


def console_errors(chromium: WebDriver) -> list[str]:
    return [entry["message"] for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.parametrize(("page", "script"), [("/docs", SWAGGER_UI_OPERATIONS), ("/redoc", REDOC_OPERATIONS)])
def test_the_page_lists_every_operation_and_asks_no_other_host(chromium, origin, spec, page, script):
    """Every operation of the document, by method and path, and every request to Tally's server."""
    expected = operations(spec)
    open_page(chromium, origin + page)
    assert rendered(chromium, script, len(expected)) == expected
    urls = requested(network(chromium))
    assert f"{origin}/openapi.json" in urls
    assert elsewhere(urls, origin) == []
    assert console_errors(chromium) == []


def parameters(spec: dict[str, Any], method: str, path: str) -> list[dict[str, Any]]:
    """The operation's parameters, references followed."""
    found = []
    for parameter in spec["paths"][path].get("parameters", []) + spec["paths"][path][method].get("parameters", []):
        while "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found.append(parameter)
    return found


def example(parameter: dict[str, Any]) -> Any:
    """The parameter's example, its own or its schema's (None if it has neither)."""
    return parameter.get("example", parameter.get("schema", {}).get("example"))


def in_field(value: Any) -> str:
    """A value as Swagger UI writes it in a Try-it-out field."""
    if value is None:
        return ""
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def in_text(value: Any) -> str:
    """An example as the docs write it: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def operation_block(chromium: WebDriver, method: str, path: str) -> WebElement:
    """The operation on the page, opened."""
    block = chromium.find_element(By.CSS_SELECTOR, f'.opblock-{method}:has(.opblock-summary-path[data-path="{path}"])')
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    waiting(chromium).until(lambda _: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    return block


@pytest.mark.parametrize("path", ["/v1/figures", "/v1/figures/totals"])
def test_try_it_out_starts_with_only_the_required_parameters_filled(chromium, origin, spec, path):
    """Optional parameters start empty though the document gives examples for them, which the docs still show;
    required ones start with their example. Execute then sends the required parameters alone, and the answer
    is JSON."""
    given = parameters(spec, "get", path)
    required = {parameter["name"]: in_field(example(parameter)) for parameter in given if parameter.get("required")}
    optional = [parameter for parameter in given if not parameter.get("required")]
    shown = {parameter["name"]: in_text(example(parameter)) for parameter in optional if example(parameter) is not None}
    assert shown
    open_page(chromium, origin + "/docs")
    rendered(chromium, SWAGGER_UI_OPERATIONS, 1)
    block = operation_block(chromium, "get", path)
    examples = chromium.execute_script(EXAMPLES, block)
    assert {name: text for name, text in examples.items() if name not in required} == shown

    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    fields = chromium.execute_script(FIELDS, block)
    assert fields == {parameter["name"]: required.get(parameter["name"], "") for parameter in given}

    block.find_element(By.CSS_SELECTOR, ".execute").click()
    waiting(chromium).until(lambda _: block.find_elements(By.CSS_SELECTOR, ".live-responses-table"))
    url = f"{origin}{path}" + (f"?{urlencode(required)}" if required else "")
    assert block.find_element(By.CSS_SELECTOR, ".request-url pre").text == url
    events = network(chromium)
    answers = [event["params"]["response"] for event in events if event["method"] == "Network.responseReceived"]
    assert [(a["url"], a["status"], a["mimeType"]) for a in answers if "/v1/" in a["url"]] == [
        (url, 200, "application/json")
    ]
    assert elsewhere(requested(events), origin) == []
    assert console_errors(chromium) == []
