"""In a real browser, the whole team cycle: an admin deals two seed articles to two annotators
with overlap 2, both label the same paragraph differently, the agreement page shows the
hand-computed F1, a reviewer adjudicates it into gold taking items from both, and the gold
export holds it with its sources."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document, Paragraph

from ..conftest import TEST_PASSWORD
from .test_workspace import drag_select


def _log_in_as(page: Page, login: Callable[[str, str], None], username: str) -> None:
    if page.locator("form.logout").count():
        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
    login(username, TEST_PASSWORD)


def _label(page: Page, fragment: str, key: str) -> None:
    drag_select(page, fragment)
    page.keyboard.press(key)


def test_a_team_runs_a_batch_from_assignment_to_gold_export(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., object],
    seeded: None,
    db: Session,
) -> None:
    """If this fails, a team lead cannot run a project in the browser alone: deal, label,
    measure agreement, adjudicate and download the gold."""
    for name, role in (
        ("ada", "admin"),
        ("rita", "reviewer"),
        ("alice", "annotator"),
        ("bob", "annotator"),
    ):
        make_user(name, role=role)
    documents = db.scalars(select(Document).order_by(Document.source, Document.id)).all()[:2]
    first = db.scalars(
        select(Paragraph)
        .where(Paragraph.document_id == documents[0].id, Paragraph.is_boilerplate.is_(False))
        .order_by(Paragraph.position)
    ).first()
    words = [w for w in re.findall(r"[A-Za-z]{4,}", first.text) if first.text.count(w) == 1]
    one, two = words[0], words[1]

    # The admin makes the batch on the Batches page.
    _log_in_as(page, login, "ada")
    page.get_by_role("link", name="Batches").click()
    page.get_by_label("Name").fill("seed round")
    page.get_by_label("Documents").select_option([d.id for d in documents])
    page.get_by_label("Annotators", exact=True).select_option(["alice", "bob"])
    page.get_by_label("Annotators per paragraph (overlap)").fill("2")
    page.get_by_role("button", name="Make the batch and deal it").click()
    expect(page.locator("h1")).to_have_text("Batch seed round")
    expect(page.locator("tr[data-annotator=alice]")).to_be_visible()
    batch_url = page.url

    # Each annotator opens Annotate, lands on the batch's first paragraph, labels, submits.
    for name, labels in (("alice", ((one, "1"), (two, "2"))), ("bob", ((one, "1"),))):
        _log_in_as(page, login, name)
        page.get_by_role("link", name="Annotate").click()
        expect(page).to_have_url(re.compile(re.escape(first.id)))
        expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
        expect(page.locator("#progress")).to_contain_text("0")
        for fragment, key in labels:
            _label(page, fragment, key)
        expect(page.locator("#entity-list .layer-item")).to_have_count(len(labels))
        page.locator("#paragraph-text").focus()
        page.keyboard.press("Control+Enter")
        expect(page).not_to_have_url(re.compile(re.escape(first.id)))

    # The reviewer reads the agreement: alice {one PERSON, two ARMED_GROUP}, bob {one PERSON}
    # share one item exactly: F1 = 2 * 1 / (2 + 1) = 0.67; on every other paragraph
    # neither has submitted anything, so this is the only one compared.
    _log_in_as(page, login, "rita")
    page.get_by_role("link", name="Agreement").click()
    page.get_by_label("Batch").select_option(label="seed round")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.overall")).to_contain_text("Over 1 paragraph")
    expect(page.locator('[data-metric="entities.f1_exact"] .value')).to_have_text("0.67")
    expect(page.locator('[data-metric="entities.f1_overlap"] .value')).to_have_text("0.67")
    page.locator(f'tr[data-paragraph-id="{first.id}"]').get_by_role(
        "link", name=re.compile("Adjudicate")
    ).click()

    # Adjudication: take everything both agreed on, then alice's second entity; submit.
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Shift+T")
    expect(page.locator("#entity-list .layer-item")).to_have_count(1)
    page.locator(
        '#annotators-panel .adj-item[data-annotator="alice"][data-kind="entity"]', has_text=two
    ).get_by_role("button", name="Take").click()
    expect(page.locator("#entity-list .layer-item")).to_have_count(2)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#save-state")).to_have_text("Gold saved (version 1)")

    # The gold export, downloaded from the documents page, holds it with its sources.
    page.get_by_role("link", name="Documents").click()
    page.locator("#export-status").select_option("gold")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert (record["paragraph_id"], record["annotator"], record["status"]) == (
        first.id,
        None,
        "gold",
    )
    assert record["sources"] == ["alice", "bob"]
    assert sorted((e["text"], e["label"]) for e in record["entities"]) == sorted(
        [(one, "PERSON"), (two, "ARMED_GROUP")]
    )

    # Back on the batch page, the admin sees one paragraph done by each.
    _log_in_as(page, login, "ada")
    page.goto(batch_url)
    for name in ("alice", "bob"):
        expect(page.locator(f"tr[data-annotator={name}] td").nth(2)).to_have_text("1")
