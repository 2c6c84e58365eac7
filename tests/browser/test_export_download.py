"""In a real browser: a reviewer downloads the labels from the documents page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import orjson
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Paragraph, User

from ..conftest import TEST_PASSWORD, Api


def test_reviewer_downloads_jsonl_and_annotators_see_no_button(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., User],
    api_as: Callable[..., Api],
    seeded: None,
    db: Session,
) -> None:
    """The download holds the submitted annotation with its spans' text; annotators get no button."""
    alice = api_as("alice")
    paragraph = db.scalars(select(Paragraph).where(Paragraph.is_boilerplate.is_(False))).first()
    body = {
        "version": 0,
        "status": "submitted",
        "stances": [],
        "quotes": [],
        "entities": [{"id": "e1", "start": 0, "end": 5, "label": "PERSON", "actor": None}],
    }
    assert alice.put(f"/api/paragraphs/{paragraph.id}/annotation", body).status_code == 200
    make_user("rita", role="reviewer")
    login("rita", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))
    page.locator("#export-split").fill("80/10/10")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"annotator-\d{8}T\d{6}Z\.jsonl", download.suggested_filename)
    lines = Path(download.path()).read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    assert len(records) == 1
    assert records[0]["entities"][0]["text"] == paragraph.text[0:5]
    assert records[0]["split"] in {"train", "dev", "test"}
    page.get_by_role("button", name="Log out").click()
    login("alice", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(page.get_by_role("button", name="Download", exact=True)).to_have_count(0)
