"""In a real browser: a team lead reads a batch's progress (each annotator's counts, the
paragraphs submitted today drawn as a bar) and its agreement, down to the paragraph to
adjudicate."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document, Paragraph

from ..conftest import TEST_PASSWORD, Api, _annotate


def _make_batch(admin: Api, db: Session, name: str, documents: int = 1) -> dict[str, Any]:
    """A batch of the first seeded documents for ann and ben, overlap 2, made through the API."""
    ids = db.scalars(select(Document.id).order_by(Document.id)).all()[:documents]
    response = admin.client.post(
        "/api/batches",
        json={"name": name, "documents": ids, "annotators": ["ann", "ben"], "overlap": 2},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _next(api: Api, db: Session) -> Paragraph:
    """The next paragraph of the caller's queue, as the workspace asks for it."""
    response = api.get("/api/queue/next")
    assert response.status_code == 200, response.status_code
    return db.get(Paragraph, response.get_json()["paragraph_id"])


def _annotate_less(api: Api, paragraph: Paragraph) -> None:
    """A poorer annotation than ``_annotate``'s: its first entity only, no quote, no stance."""
    first_end = len(paragraph.text.split(" ")[0])
    body = {
        "version": 0,
        "status": "submitted",
        "entities": [{"id": "e1", "start": 0, "end": first_end, "label": "PERSON", "actor": None}],
        "quotes": [],
        "stances": [],
    }
    response = api.put(f"/api/paragraphs/{paragraph.id}/annotation", body)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def team(api_as: Callable[..., Api], seeded: None) -> dict[str, Api]:
    """An admin and two annotators, each with an API token."""
    return {"admin": api_as("ada", "admin"), "ann": api_as("ann"), "ben": api_as("ben")}


@pytest.fixture
def worked_batch(team: dict[str, Api], db: Session) -> dict[str, Any]:
    """Batch B1 (one document, both annotators on every paragraph): ann submits 3 paragraphs,
    ben 2, the second of them poorer than ann's."""
    batch = _make_batch(team["admin"], db, "B1")
    for _ in range(3):
        _annotate(team["ann"], _next(team["ann"], db))
    _annotate(team["ben"], _next(team["ben"], db))
    disputed = _next(team["ben"], db)
    _annotate_less(team["ben"], disputed)
    return {"batch": batch, "disputed": disputed.id}


@pytest.fixture
def lead(page: Page, login: Callable[[str, str], None], make_user: Callable[..., object]) -> Page:
    """A tab logged in as rita, a reviewer."""
    make_user("rita", role="reviewer")
    login("rita", TEST_PASSWORD)
    return page


def _ready(page: Page) -> None:
    expect(page.locator("#batch-progress")).to_have_attribute("data-ready", "true")


def test_dashboard_shows_each_annotators_counts_and_todays_bar(
    lead: Page, worked_batch: dict[str, Any]
) -> None:
    """The lead sees who submitted how much, what is left, and today's paragraphs as one bar."""
    batch = worked_batch["batch"]
    assigned = {a["username"]: a["assigned"] for a in batch["annotators"]}
    lead.goto("/dashboard")
    row = lead.locator(f"tr[data-batch-id='{batch['id']}']")
    expect(row).to_contain_text(f"5 / {batch['assignments']}")
    expect(row.get_by_role("link", name="Agreement of B1")).to_have_attribute(
        "href", f"/agreement?batch={batch['id']}"
    )
    row.get_by_role("link", name="B1", exact=True).click()
    expect(lead).to_have_url(re.compile(rf"/dashboard\?batch={batch['id']}$"))
    _ready(lead)
    expect(lead.get_by_text("Loading…")).to_be_hidden()

    for name, submitted in (("ann", 3), ("ben", 2)):
        person = lead.locator(f"table.annotator-progress tr[data-annotator='{name}']")
        expect(person.locator("td.submitted")).to_have_text(str(submitted))
        expect(person.locator("td.remaining")).to_have_text(str(assigned[name] - submitted))
        expect(person.locator("td.median")).to_have_text(re.compile(r"^(\d+ s|\d+ min \d\d s|—)$"))

    today = datetime.now(UTC).date().isoformat()
    chart = lead.get_by_role("img", name=re.compile("Paragraphs submitted per day"))
    expect(chart).to_have_attribute("aria-label", re.compile(f"5 paragraphs on {today}"))
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(1)
    expect(bars.locator("title")).to_have_text(f"{today}: 5 paragraphs submitted")
    assert bars.first.bounding_box()["height"] > 10  # type: ignore[index]
    document = lead.locator("table.document-progress tbody tr")
    expect(document).to_have_count(1)
    expect(document).to_contain_text(f"5 / {batch['assignments']}")


def test_dashboard_of_a_batch_nobody_worked_on_says_so(
    lead: Page, team: dict[str, Api], db: Session
) -> None:
    """A fresh batch shows everyone's full queue and a sentence instead of an empty chart."""
    batch = _make_batch(team["admin"], db, "Fresh")
    lead.goto(f"/dashboard?batch={batch['id']}")
    _ready(lead)
    expect(lead.get_by_text("No paragraph of this batch has been submitted yet.")).to_be_visible()
    expect(lead.locator("svg")).to_have_count(0)
    ann = lead.locator("tr[data-annotator='ann'] td.remaining")
    expect(ann).to_have_text(str(batch["annotators"][0]["assigned"]))


@pytest.mark.expected_console_errors("status of 500", "net::ERR_FAILED")
def test_dashboard_says_when_the_progress_cannot_be_loaded(
    lead: Page, team: dict[str, Api], db: Session
) -> None:
    """A server error or a dead network is said in words, not left as "Loading…" forever."""
    batch = _make_batch(team["admin"], db, "B1")
    url = f"**/api/batches/{batch['id']}/progress"
    lead.route(url, lambda route: route.fulfill(status=500, body="boom"))
    lead.goto(f"/dashboard?batch={batch['id']}")
    _ready(lead)
    expect(lead.get_by_role("alert")).to_contain_text("the server answered 500")
    expect(lead.get_by_text("Loading…")).to_be_hidden()

    lead.unroute(url)
    lead.route(url, lambda route: route.abort())
    lead.reload()
    _ready(lead)
    expect(lead.get_by_role("alert")).to_contain_text("the server could not be reached")


def test_agreement_shows_the_figures_and_the_paragraph_to_adjudicate(
    lead: Page, worked_batch: dict[str, Any]
) -> None:
    """The lead reads each layer's agreement, why a figure is missing, and opens the
    paragraph the two annotators read apart."""
    batch = worked_batch["batch"]
    lead.goto(f"/agreement?batch={batch['id']}")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Agreement: batch B1")
    expect(lead.get_by_label("Batch")).to_have_value(str(batch["id"]))
    expect(
        lead.get_by_text("Over 2 paragraphs that at least two annotators submitted")
    ).to_be_visible()
    # Two paragraphs shared: one identical, one where ben marked 1 of ann's 2 entities (6 of 7).
    expect(lead.locator("[data-metric='entities.f1_exact']")).to_have_text("0.86")
    # One polarity only: alpha cannot be computed, and the page says why instead of a 0.
    alpha = lead.locator("[data-metric='stances.alpha']")
    expect(alpha).to_contain_text("—")
    expect(alpha.locator("small")).to_have_text(re.compile("only one polarity"))
    expect(lead.locator("table.per-label tr[data-label='PERSON']")).to_contain_text("1.00")
    expect(lead.locator("table.pairs tbody tr")).to_have_count(1)
    expect(lead.locator("table.pairs tbody tr")).to_contain_text("ann & ben")

    disputed = lead.locator("table.disagreements tbody tr")
    expect(disputed).to_have_count(1)
    expect(disputed).to_contain_text("ann, ben")
    link = disputed.get_by_role("link", name=re.compile("Adjudicate paragraph"))
    expect(link).to_have_attribute("href", f"/adjudicate/{worked_batch['disputed']}")

    lead.get_by_label("Batch").select_option(value="all")
    lead.get_by_role("button", name="Show").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Agreement: every paragraph")


def test_agreement_of_a_batch_without_shared_paragraphs_says_so(
    lead: Page, team: dict[str, Api], db: Session
) -> None:
    """Before two annotators submit the same paragraph, the page says why it has no figures."""
    batch = _make_batch(team["admin"], db, "Fresh")
    _annotate(team["ann"], _next(team["ann"], db))
    lead.goto(f"/agreement?batch={batch['id']}")
    expect(lead.locator("#agreement-empty")).to_contain_text(
        "No paragraph has two submitted annotations yet"
    )
    expect(lead.locator("table.figures")).to_have_count(0)
