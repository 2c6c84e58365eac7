"""In a real browser: a scraped page whose body is one enormous line keeps the documents list
one screen tall, and its body is there to annotate."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from annotator.extensions import get_session
from annotator.ingest import import_paths
from annotator.models import User

from ..conftest import TEST_PASSWORD

BODY = "Updates from the ground, hour by hour, as the shelling went on. " * 2_300


def test_a_live_blog_of_one_long_line_gets_a_short_title_and_a_paragraph(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., User],
    app: Flask,
    tmp_path: Path,
) -> None:
    """A "Live" line (furniture) over a 147,000-character body: the list shows a short
    title, the page stays short, and the body is a paragraph beside the furniture."""
    path = tmp_path / "liveblog.txt"
    path.write_text(f"Live\n\n{BODY}\n", encoding="utf-8")
    with app.app_context():
        report = import_paths(get_session(), [path])
        assert not report.rejected, report.files[0].message
    make_user("alice")
    login("alice", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))
    link = page.locator("table.documents tbody tr a")
    expect(link).to_have_count(1)
    assert len(link.inner_text()) <= 300
    assert link.inner_text().startswith("Updates from the ground, hour by hour")
    assert page.evaluate("document.documentElement.scrollHeight") < 1_500
    link.click()
    expect(page.locator("li.paragraph")).to_have_count(2)
    expect(page.locator("li.paragraph.boilerplate")).to_have_count(1)
    expect(page.locator("li.paragraph").nth(1)).to_contain_text("as the shelling went on.")
