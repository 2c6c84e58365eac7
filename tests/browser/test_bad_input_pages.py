"""In a real browser: a control character typed (or pasted) into the login form gets a page
that names the field, not a server error, and nobody is logged in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from annotator.models import User

from ..conftest import TEST_PASSWORD


@pytest.mark.expected_console_errors("status of 422")
def test_a_control_character_in_the_login_form_gets_a_page_naming_the_field(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User]
) -> None:
    """The unauthenticated form was a 500 on PostgreSQL; the page now says which field holds
    which character, and the documents stay behind the login."""
    make_user("alice")
    login("alice\u0001", TEST_PASSWORD)
    expect(page.get_by_role("heading")).to_contain_text("422")
    expect(page.locator("main")).to_contain_text("form.username")
    expect(page.locator("main")).to_contain_text("U+0001")
    page.goto("/documents")
    expect(page).to_have_url(re.compile(r"/login\?next=/documents$"))
