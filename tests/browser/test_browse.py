"""In a real browser: log in, see the documents, read an article, log out."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from annotator.models import User

from ..conftest import TEST_PASSWORD


def test_login_browse_and_read_an_article(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User], seeded: None
) -> None:
    """The admin logs in, finds five articles, reads one with its furniture greyed."""
    make_user("admin", role="admin")
    login("admin", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))
    rows = page.locator("table.documents tbody tr")
    expect(rows).to_have_count(5)
    expect(
        page.get_by_role("link", name="Jaysh al-Islam denies stopping negotiations with Russia")
    ).to_be_visible()

    page.get_by_role("link", name="IS loses ground in Syria's Yarmouk camp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IS loses ground in Syria's Yarmouk camp"
    )
    paragraphs = page.locator("li.paragraph")
    expect(paragraphs).to_have_count(18)
    furniture = page.locator("li.paragraph.boilerplate")
    expect(furniture).to_have_count(1)
    expect(furniture.first).to_contain_text("Skip to main content")
    # The stylesheet loads under the CSP and greys the furniture.
    grey = furniture.first.evaluate("el => getComputedStyle(el).color")
    story = paragraphs.nth(1).evaluate("el => getComputedStyle(el).color")
    assert grey == "rgb(154, 154, 160)" and story != grey

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto("/documents")
    expect(page).to_have_url(re.compile(r"/login\?next=/documents$"))


def test_wrong_password_shows_an_error(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User]
) -> None:
    """A typo in the password says so and stays on the login page."""
    make_user("alice")
    login("alice", "not the password")
    expect(page.get_by_role("status")).to_have_text("Invalid username or password.")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_arabic_paragraphs_render_right_to_left(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User], seeded: None
) -> None:
    """Arabic furniture in seed 004 is laid out right to left next to English text."""
    make_user("alice")
    login("alice", TEST_PASSWORD)
    page.get_by_role("link", name="Jaysh al-Islam denies stopping negotiations with Russia").click()
    arabic = page.locator("li.paragraph p", has_text="الاخبار المتعلقة")
    english = page.locator("li.paragraph p", has_text="Muhammad Alloush")
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_an_admins_nav_fits_a_narrow_window(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., User]
) -> None:
    """At 1024 px (or half a screen) every link of an admin's nav and Log out stay on screen:
    the bar wraps instead of pushing them past the right edge."""
    make_user("admin", role="admin")
    login("admin", TEST_PASSWORD)
    for width in (1024, 700):
        page.set_viewport_size({"width": width, "height": 800})
        links = page.locator("header.topbar nav a, header.topbar button")
        assert links.count() >= 8
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                width,
                links.nth(index).inner_text(),
                box,
            )
