"""In a real browser: an admin changes who is in a running batch, and is asked first."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document

from ..conftest import TEST_PASSWORD


def test_removing_an_annotator_asks_first_and_moves_their_work(
    page: Page,
    login: Callable[[str, str], None],
    api_as: Callable[..., object],
    seeded: None,
    db: Session,
) -> None:
    """If this fails, one stray click takes an annotator out of a running batch, or the
    page does not show where their paragraphs went."""
    admin = api_as("ada", "admin")
    for name in ("alice", "bob"):
        api_as(name)
    document = db.scalars(select(Document.id).order_by(Document.source, Document.id)).first()
    body = {"name": "r", "documents": [document], "annotators": ["alice", "bob"], "overlap": 1}
    made = admin.client.post("/api/batches", json=body, headers=admin.headers)  # type: ignore[attr-defined]
    batch = made.get_json()
    login("ada", TEST_PASSWORD)
    page.goto(f"/batches/{batch['id']}")
    bob = page.locator("tr[data-annotator=bob]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    bob.get_by_role("button", name="Remove").click()
    expect(bob).not_to_have_class("removed")
    expect(bob.get_by_role("button", name="Remove")).to_be_visible()
    questions: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    bob.get_by_role("button", name="Remove").click()
    expect(page.locator(".flash")).to_contain_text("bob: removed")
    expect(page.locator("tr[data-annotator=bob]")).to_have_class("removed")
    assert "Take bob out of this batch?" in questions[0]
    total = batch["assignments"]
    expect(page.locator("tr[data-annotator=alice] td").nth(1)).to_have_text(str(total))


def test_the_dashboard_lists_what_annotators_flagged_with_their_comment(
    page: Page,
    login: Callable[[str, str], None],
    api_as: Callable[..., object],
    seeded: None,
    db: Session,
) -> None:
    """If this fails, a lead sees that something was flagged but not what, nor where."""
    admin, alice = api_as("ada", "admin"), api_as("alice")
    document = db.scalars(select(Document.id).order_by(Document.source, Document.id)).first()
    body = {"name": "r", "documents": [document], "annotators": ["alice"], "overlap": 1}
    batch = admin.client.post("/api/batches", json=body, headers=admin.headers).get_json()  # type: ignore[attr-defined]
    first = alice.get("/api/queue/next").get_json()["paragraph_id"]  # type: ignore[attr-defined]
    flag = {
        "version": 0,
        "status": "skipped",
        "flagged": True,
        "comment": "<b>garbled</b> OCR",
        "entities": [],
        "stances": [],
        "quotes": [],
    }
    assert alice.put(f"/api/paragraphs/{first}/annotation", flag).status_code == 200  # type: ignore[attr-defined]
    login("ada", TEST_PASSWORD)
    page.goto(f"/dashboard?batch={batch['id']}")
    row = page.locator(f'table.flagged tr[data-paragraph-id="{first}"]')
    expect(row).to_contain_text("alice")
    expect(row.locator("td.comment")).to_have_text("<b>garbled</b> OCR")  # shown, not run
    expect(row.get_by_role("link")).to_have_attribute("href", f"/annotate/{first}?annotator=alice")
