"""Browser fixtures: the app served on a free loopback port, and the system Chromium
driven by Playwright (headless, never a browser downloaded by a test tool)."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ..conftest import TEST_PASSWORD

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


class LiveServer:
    """The test app served on a free loopback port.

    ``refuse_saves`` makes every annotation save answer 503, as a proxy in front of a
    server that is down would: the tests of what survives an outage use it.
    """

    def __init__(self, app: Flask) -> None:
        self.refuse_saves = False
        self._app = app
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._in_flight = 0
        self._idle = threading.Condition()

    def _wsgi(self, environ: dict, start_response: Callable) -> Iterator[bytes]:  # type: ignore[type-arg]
        with self._idle:
            self._in_flight += 1
        try:
            return self._answer(environ, start_response)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _answer(self, environ: dict, start_response: Callable) -> Iterator[bytes]:  # type: ignore[type-arg]
        path = environ.get("PATH_INFO", "")
        if (
            self.refuse_saves
            and environ["REQUEST_METHOD"] == "PUT"
            and path.endswith("/annotation")
        ):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return iter([b"the server is down"])
        response = self._app(environ, start_response)
        # Every answer is read whole here: when the browser drops a request (a page left
        # while its modules load), Werkzeug's test server fails on the dropped socket before
        # closing the answer, and the unclosed file's warning fails whichever test runs next.
        try:
            return iter([b"".join(response)])
        finally:
            if hasattr(response, "close"):
                response.close()

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        # Requests still in flight (a late autosave, an actor search) finish before the app's
        # engine is disposed: a thread that checked a connection out and gave it back after
        # the dispose left it to be garbage-collected open, and psycopg's ResourceWarning then
        # failed whichever PostgreSQL test ran next. (Werkzeug's request threads are daemons,
        # which socketserver does not keep to join: the answers in flight are counted here.)
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=10)
        self._server.socket.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app served over HTTP on 127.0.0.1."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def page(
    browser: object, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[object]:
    """A fresh browser tab (own cookies and storage) that fails the test on script errors and
    CSP violations, apart from console errors the test declares it expects."""
    context = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    marker = request.node.get_closest_marker("expected_console_errors")
    expected = marker.args if marker else ()
    problems: list[str] = []

    def on_console(message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if message.type == "error" and not any(e in text for e in expected):  # type: ignore[attr-defined]
            problems.append(text)

    page.on("console", on_console)
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
        # The form's answer has arrived (the next page, or the form again) before the test
        # goes on: a goto right after the click could otherwise race the login.
        with page.expect_navigation():  # type: ignore[attr-defined]
            page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]

    return do_login


@pytest.fixture
def annotator(
    page: object, login: Callable[[str, str], None], make_user: Callable[..., object], seeded: None
) -> object:
    """A tab logged in as alice (a reviewer: she may also read others' work), seeds imported."""
    from playwright.sync_api import expect

    make_user("alice", role="reviewer")
    login("alice", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))  # type: ignore[arg-type]
    return page
