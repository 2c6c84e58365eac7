"""In a real browser: an admin uploads articles, follows the import running in the background
and reads what became of each file, and retires a document from the documents page (asked
first) and restores it."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.jobs import JOBS_KEY, JobQueue
from annotator.models import Actor, Document, Paragraph

from ..conftest import SEEDS, TEST_PASSWORD


@pytest.fixture
def start_worker(app: Flask) -> Iterator[Callable[[], None]]:
    """Start a huey consumer for the app's jobs, in threads of this process (its signal
    handlers put back as pytest had them); stopped at the end of the test."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    running = []

    def start() -> None:
        consumer = queue.consumer(workers=1)
        handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
        consumer.start()
        for number, handler in handlers.items():
            signal.signal(number, handler)
        running.append(consumer)

    yield start
    for consumer in running:
        consumer.stop(graceful=True)
    queue.huey.storage.close()


def test_uploading_the_seeds_and_a_broken_file_shows_each_outcome(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., object],
    db: Session,
    tmp_path: Path,
    start_worker: Callable[[], None],
) -> None:
    """If this fails, an admin cannot bring articles in without a terminal, is not told
    which file was refused and why, or a refused file leaves part of itself behind."""
    start_worker()
    make_user("ada", role="admin")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        '{"id": "kept-out", "title": "Never stored", "text": "A paragraph."}\n{"id": "oops"\n',
        encoding="utf-8",
    )
    login("ada", TEST_PASSWORD)
    page.get_by_role("link", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="Upload files to import")).to_be_visible()
    seeds = sorted(SEEDS.iterdir())
    page.get_by_label("Files").set_input_files([*seeds, broken])
    expect(page.locator("#chosen-files li")).to_have_count(len(seeds) + 1)
    # One more article dropped on the drop zone joins the files chosen with the picker.
    dropped = page.evaluate_handle(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(["Dropped title\\n\\nA dropped paragraph of text.\\n"],
                                  "dropped.txt", {type: "text/plain"}));
          return data;
        }"""
    )
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": dropped})
    expect(page.locator("#chosen-files li")).to_have_count(len(seeds) + 2)
    expect(page.locator("#chosen-files")).to_contain_text("dropped.txt")
    page.get_by_role("button", name="Upload and import").click()

    expect(page).to_have_url(re.compile(r"/upload/jobs/[A-Za-z0-9_-]{22}$"))
    table = page.locator("#upload-outcomes")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(seeds) + 2)
    for path in seeds:
        row = rows.filter(has=page.locator("td.file-name", has_text=path.name))
        expect(row.locator("td").nth(1)).to_have_text("imported")
        if path.suffix == ".txt":
            expect(row.locator("td").nth(2)).to_have_text("1")
            paragraphs = int(row.locator("td").nth(3).inner_text())
            assert paragraphs > 0
    refused = rows.filter(has=page.locator("td.file-name", has_text="broken.jsonl"))
    expect(refused.locator("td").nth(1)).to_contain_text("refused")
    expect(refused.locator(".upload-error")).to_contain_text("broken.jsonl:2:")
    expect(refused.locator("td").nth(2)).to_have_text("0")
    expect(rows.filter(has=page.locator("td.file-name", has_text="dropped.txt"))).to_contain_text(
        "imported"
    )

    db.expire_all()
    assert "dropped.txt" in set(db.scalars(select(Document.source)))
    assert db.get(Document, "kept-out") is None
    assert db.scalar(select(func.count()).select_from(Document)) == 6
    assert db.scalar(select(func.count()).select_from(Actor)) > 0
    shown = sum(int(rows.nth(i).locator("td").nth(3).inner_text()) for i in range(len(seeds) + 2))
    assert shown == db.scalar(select(func.count()).select_from(Paragraph))


def test_the_job_page_shows_progress_until_the_outcome(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., object],
    start_worker: Callable[[], None],
    tmp_path: Path,
) -> None:
    """If this fails, the admin sees nothing while the files wait for the job runner, or must
    reload the page by hand to see what became of them."""
    make_user("ada", role="admin")
    article = tmp_path / "quiet.txt"
    article.write_text("A quiet day\n\nNothing happened in the camp today.\n", encoding="utf-8")
    login("ada", TEST_PASSWORD)
    page.goto("/upload")
    page.get_by_label("Files").set_input_files([article])
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#upload-job")).to_have_attribute("data-status", "queued")
    expect(page.locator("#upload-job-status")).to_contain_text("Waiting for the job runner")
    expect(page.locator("#upload-job-progress")).to_be_visible()
    expect(page.locator("#upload-outcomes")).to_have_count(0)
    start_worker()  # the page polls, and shows the outcome once the job is done
    row = page.locator("#upload-outcomes tbody tr")
    expect(row).to_contain_text("quiet.txt", timeout=30_000)
    expect(row.locator("td").nth(1)).to_have_text("imported")
    expect(page.locator("#upload-job-status")).to_have_text("Done: 1 file read.")
    expect(page.locator("#upload-job-progress")).to_have_count(0)


def test_retiring_a_document_takes_it_out_of_the_queue_until_restored(
    page: Page,
    login: Callable[[str, str], None],
    api_as: Callable[..., object],
    seeded: None,
    db: Session,
) -> None:
    """If this fails, an admin cannot take a bad article out of the annotators' work from
    the documents page, one stray click does it without asking, or it cannot be put back."""
    api_as("ada", "admin")
    alice = api_as("alice")
    first = alice.get("/api/queue/next").get_json()["paragraph_id"]  # type: ignore[attr-defined]
    document = db.get(Paragraph, first).document_id
    login("ada", TEST_PASSWORD)
    page.goto("/documents")
    row = page.locator(f'tr[data-document-id="{document}"]')
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Retire").click()
    expect(row.get_by_role("button", name="Retire")).to_be_visible()
    assert alice.get("/api/queue/next").get_json()["paragraph_id"] == first  # type: ignore[attr-defined]

    questions: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("button", name="Retire").click()
    expect(page.locator(".flash-success")).to_contain_text("Document retired")
    expect(row).to_have_class("retired")
    expect(row).to_contain_text("retired")
    assert "Retire" in questions[0] and "restore" in questions[0]
    after = alice.get("/api/queue/next").get_json()["paragraph_id"]  # type: ignore[attr-defined]
    assert db.get(Paragraph, after).document_id != document

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Restore").click()
    expect(page.locator(".flash-success")).to_contain_text("Document restored")
    expect(row).not_to_have_class("retired")
    assert alice.get("/api/queue/next").get_json()["paragraph_id"] == first  # type: ignore[attr-defined]
