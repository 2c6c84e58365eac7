"""In a real browser: an admin runs accounts from the users page (make one, deactivate one
whose owner is working), and anyone changes their password and makes a token on "My account"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ..conftest import TEST_PASSWORD
from .conftest import LiveServer

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def second(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A second browser (own cookies), for the other person at another computer."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_an_admin_makes_an_account_and_its_owner_starts_annotating(
    page: Page,
    second: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., object],
    seeded: None,
) -> None:
    """If this fails, onboarding an annotator still needs a terminal on the server."""
    make_user("root", role="admin")
    login("root", TEST_PASSWORD)
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Role").select_option("annotator")
    page.get_by_role("button", name="Make the account").click()
    expect(page.locator("h1")).to_have_text("Account nora made")
    password = page.locator("#generated-password").inner_text()
    assert len(password) >= 10

    _log_in(second, "nora", password)
    second.get_by_role("link", name="Annotate").click()
    expect(second).to_have_url(re.compile(r"/annotate/"))
    expect(second.locator("#workspace")).to_have_attribute("data-ready", "true")

    page.goto("/users")
    expect(page.locator("tr[data-username=nora] .user-state")).to_have_text("active")
    expect(page.locator("body")).not_to_contain_text(password)


def test_a_deactivated_user_is_thrown_out_at_their_next_click(
    page: Page, second: Page, login: Callable[[str, str], None], make_user: Callable[..., object]
) -> None:
    """If this fails, someone who has left the project keeps working in an open tab."""
    make_user("root", role="admin")
    make_user("alice")
    _log_in(second, "alice", TEST_PASSWORD)
    expect(second).to_have_url(re.compile(r"/documents$"))

    login("root", TEST_PASSWORD)
    page.goto("/users")
    questions: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("tr[data-username=alice]").get_by_role("button", name="Deactivate").click()
    expect(page.locator(".flash")).to_contain_text("alice deactivated")
    assert "Deactivate alice?" in questions[0]

    second.get_by_role("link", name="Guidelines").click()
    expect(second).to_have_url(re.compile(r"/login"))
    expect(second.get_by_role("button", name="Log in")).to_be_visible()


def test_my_account_changes_the_password_and_shows_a_new_token_once(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., object]
) -> None:
    """If this fails, a user cannot change a leaked password or make a token for a script
    without an admin, or the token's secret stays on screen."""
    make_user("alice")
    login("alice", TEST_PASSWORD)
    page.get_by_role("link", name="My account").click()
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator(".flash")).to_contain_text("Password changed")
    expect(page.locator(".whoami")).to_contain_text("alice")

    page.get_by_label("Name").fill("nightly export")
    page.get_by_label(re.compile("Expires after")).fill("90d")
    page.get_by_role("button", name="Make a token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("ann_")
    row = page.locator("table.tokens tr", has_text="nightly export")
    expect(row.locator(".token-state")).to_have_text("active")

    page.goto("/account")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(secret)
    expect(page.locator("table.tokens tr", has_text="nightly export")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    login("alice", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))
