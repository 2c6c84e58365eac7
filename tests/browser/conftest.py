"""Browser fixtures: the app served on a free loopback port, and the system Chromium
driven by Playwright (headless, never a browser downloaded by a test tool)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run."""
    path = _chromium_path()
    if path is None:
        message = (
            "Chromium not found: install the distribution's package (apt-get install chromium) "
            "or set CHROMIUM_PATH to run the browser tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run them)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh browser tab (own cookies and storage) that fails the test on CSP violations."""
    context = browser.new_context(base_url=live_server)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert not problems, f"the page reported errors: {problems}"


@pytest.fixture
def login(page: object) -> Callable[[str, str], None]:
    """Log in through the real login form."""

    def do_login(username: str, password: str) -> None:
        page.goto("/login")  # type: ignore[attr-defined]
        page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
        page.get_by_label("Password", exact=True).fill(password)  # type: ignore[attr-defined]
        page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]

    return do_login
