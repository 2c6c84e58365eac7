"""In a real browser: a guessed-at account is held with a message saying how long, and a
logout ends the session for a copy of its cookies too."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from annotator.models import User

from ..conftest import TEST_PASSWORD
from .conftest import LiveServer


@pytest.mark.expected_console_errors("status of 429")
def test_after_ten_wrong_passwords_the_login_page_says_how_long_to_wait(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User]
) -> None:
    """The eleventh try, right password or not, stays on the login page with the wait."""
    make_user("alice")
    for _ in range(10):
        login("alice", "not the password")
        expect(page.get_by_role("status")).to_have_text("Invalid username or password.")
    login("alice", TEST_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(
        "Too many failed logins for this username or from your address. Try again in 15 minutes."
    )
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/documents")
    expect(page).to_have_url(re.compile(r"/login\?next=/documents$"))


def test_cookies_copied_into_another_browser_stop_working_at_logout(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
) -> None:
    """Cookies carried off to another browser open the site until the owner logs out."""
    make_user("alice")
    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Keep me logged in").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    cookies = page.context.cookies()
    assert {"session", "remember_token"} <= {cookie["name"] for cookie in cookies}

    other = browser.new_context(base_url=live_server.url)
    try:
        other.add_cookies(cookies)
        elsewhere = other.new_page()
        elsewhere.goto("/documents")
        expect(elsewhere).to_have_url(re.compile(r"/documents$"))

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        fresh = browser.new_context(base_url=live_server.url)
        try:
            fresh.add_cookies(cookies)
            thief = fresh.new_page()
            thief.goto("/documents")
            expect(thief).to_have_url(re.compile(r"/login\?next=/documents$"))
        finally:
            fresh.close()
        elsewhere.reload()
        expect(elsewhere).to_have_url(re.compile(r"/login\?next=/documents$"))
    finally:
        other.close()
