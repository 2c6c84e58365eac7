"""In a real browser: an admin renames and retires labels on the Labels page, and the workspace
follows on the next paragraph it opens while old annotations keep their labels."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document, Paragraph

from ..conftest import TEST_PASSWORD, Api, _annotate


def _two_paragraphs(db: Session) -> tuple[Paragraph, Paragraph]:
    """The first two paragraphs (boilerplate aside) of the first document."""
    document = db.scalars(select(Document.id).order_by(Document.source, Document.id)).first()
    first, second = db.scalars(
        select(Paragraph)
        .where(Paragraph.document_id == document, Paragraph.is_boilerplate.is_(False))
        .order_by(Paragraph.position)
        .limit(2)
    ).all()
    return first, second


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")


def test_a_rename_and_a_retirement_reach_the_workspace_but_not_old_work(
    page: Page,
    login: Callable[[str, str], None],
    api_as: Callable[..., Api],
    seeded: None,
    db: Session,
) -> None:
    """If this fails, a renamed label keeps its old name in the workspace (or the export
    loses the key annotations hold), or a retired label is still offered for new work, or
    disappears from the annotations that already have it."""
    alice = api_as("alice")
    first, second = _two_paragraphs(db)
    _annotate(alice, first)  # a PERSON and an ARMED_GROUP entity
    api_as("ada", "admin")
    login("ada", TEST_PASSWORD)
    _open(page, f"/annotate/{first.id}?annotator=alice")
    expect(page.locator("#entity-list")).to_contain_text("Person")

    labels = page.context.new_page()
    labels.goto("/labels")
    person = labels.locator('tr[data-label="entity-PERSON"]')
    person.get_by_label("Name of PERSON").fill("Individual")
    person.get_by_role("button", name="Save").click()
    expect(labels.locator(".flash")).to_contain_text("Individual (PERSON) saved")

    # The workspace, still open, shows the new name on the next paragraph it opens.
    page.locator("#next-link").click()
    expect(page).to_have_url(f"{page.url.split('/annotate/')[0]}/annotate/{second.id}")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(page.locator("#label-buttons")).to_contain_text("1 Individual")
    _open(page, f"/annotate/{first.id}?annotator=alice")
    expect(page.locator("#entity-list")).to_contain_text("Individual")
    export = page.request.get("/api/export?annotator=alice&status=all").text()
    assert '"PERSON"' in export and "Individual" not in export

    armed = labels.locator('tr[data-label="entity-ARMED_GROUP"]')
    armed.get_by_role("button", name="Retire").click()
    expect(labels.locator(".flash")).to_contain_text("Armed group (ARMED_GROUP) retired")
    expect(labels.locator('tr[data-label="entity-ARMED_GROUP"]')).to_have_class("retired")

    _open(page, f"/annotate/{first.id}?annotator=alice")
    buttons = page.locator("#label-buttons")
    expect(buttons).to_contain_text("1 Individual")
    expect(buttons).not_to_contain_text("Armed group")
    expect(page.locator("#help-label-keys")).not_to_contain_text("2")
    expect(page.locator("#entity-list")).to_contain_text("Armed group")  # the old annotation
    _open(page, f"/annotate/{second.id}")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("2")  # the retired type's key: no entity is made
    page.keyboard.press("1")
    expect(page.locator("#entity-list li")).to_have_count(1)
    expect(page.locator("#entity-list")).to_contain_text("Individual")
    labels.close()


@pytest.mark.expected_console_errors("status of 422")
def test_a_taken_hotkey_is_refused_on_the_page_naming_the_label(
    page: Page, login: Callable[[str, str], None], make_user: Callable[..., object]
) -> None:
    """If this fails, an admin gives two labels one key and one of them stops working."""
    make_user("ada", role="admin")
    login("ada", TEST_PASSWORD)
    page.get_by_role("link", name="Labels").click()
    person = page.locator('tr[data-label="entity-PERSON"]')
    person.get_by_label("Hotkey of PERSON").fill("3")
    person.get_by_role("button", name="Save").click()
    expect(person.get_by_role("alert")).to_contain_text("taken by State actor (STATE_ACTOR")
    expect(person.get_by_label("Hotkey of PERSON")).to_have_value("1")
