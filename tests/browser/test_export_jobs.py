"""In a real browser, with a real job consumer: a reviewer starts a split spaCy export from the
documents page, follows its progress, reads the records per set, and downloads a zip whose
DocBins hold those records."""

from __future__ import annotations

import io
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.jobs import JOBS_KEY, JobQueue
from annotator.models import Annotation

from ..conftest import TEST_PASSWORD


@pytest.fixture
def consumer(app: Flask) -> Iterator[JobQueue]:
    """A huey consumer for the app's jobs, its workers threads of this process (the
    consumer's signal handlers are put back as pytest had them)."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    running = queue.consumer(workers=1)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    running.start()
    for number, handler in handlers.items():
        signal.signal(number, handler)
    yield queue
    running.stop(graceful=True)
    queue.huey.storage.close()


def _docs_per_set(archive: bytes) -> dict[str, int]:
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    counts = {}
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        for name in bundle.namelist():
            if name.endswith(".spacy"):
                docs = list(DocBin().from_bytes(bundle.read(name)).get_docs(vocab))
                counts[name.rsplit("/", 1)[1].removesuffix(".spacy")] = len(docs)
    return counts


def test_a_split_spacy_export_runs_in_the_background(
    page: Page,
    login: Callable[[str, str], None],
    annotated: dict[str, Any],
    consumer: JobQueue,
    db: Session,
) -> None:
    """Progress, then the file and the records per set, which are the DocBins' docs."""
    submitted = len(db.scalars(select(Annotation.id).where(Annotation.status == "submitted")).all())
    login("rita", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/documents$"))
    expect(page.locator("form.export-form")).to_have_attribute("data-ready", "true")
    page.get_by_label("Format").select_option("spacy")
    page.get_by_label("Split by document").fill("80/10/10")
    page.get_by_label("Seed").fill("7")
    page.get_by_label("One file per set (.zip)").check()
    page.get_by_role("button", name="Download", exact=True).click()
    job = page.locator("#export-job")
    expect(job).to_be_visible()
    expect(job).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#export-job-status")).to_have_text(
        re.compile(rf"^Ready: {submitted} records in annotator-\d{{8}}T\d{{6}}Z-spacy\.zip\.$")
    )
    expect(page.locator("#export-job-progress")).to_have_js_property("value", 1)
    shown = {
        row.get_attribute("data-set"): int(row.locator("td").first.inner_text())
        for row in page.locator("#export-job-sets tbody tr").all()
    }
    assert list(shown) == ["train", "dev", "test"] and sum(shown.values()) == submitted
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download annotator-.*\.zip$")).click()
    download = download_info.value
    assert _docs_per_set(Path(download.path()).read_bytes()) == shown
    expect(page.get_by_role("button", name="Download", exact=True)).to_be_enabled()


@pytest.mark.expected_console_errors("422")
def test_a_refused_option_and_a_failed_job_are_told_in_words(
    page: Page,
    login: Callable[[str, str], None],
    annotated: dict[str, Any],
    consumer: JobQueue,
    db: Session,
) -> None:
    """A seed that is no whole number never becomes a job: the page names the field. A job
    that fails (a record changed outside the tool) shows why, and offers no file."""
    login("rita", TEST_PASSWORD)
    expect(page.locator("form.export-form")).to_have_attribute("data-ready", "true")
    page.get_by_label("Format").select_option("hf")
    page.get_by_label("Split by document").fill("80/10/10")
    page.get_by_label("Seed").fill("1e3")
    page.get_by_role("button", name="Download", exact=True).click()
    expect(page.locator("#export-job-error")).to_have_text(
        "The export was not started: seed: '1e3' is not a whole number"
    )
    first = db.scalars(select(Annotation).order_by(Annotation.id)).first()
    assert first is not None
    first.record_layers = "[1, 2]"
    db.commit()
    page.get_by_label("Seed").fill("13")
    page.get_by_role("button", name="Download", exact=True).click()
    expect(page.locator("#export-job")).to_have_attribute("data-status", "failed", timeout=60_000)
    expect(page.locator("#export-job-error")).to_contain_text(
        re.compile(r"^The export failed: record \S+ its stored layers cannot be read")
    )
    expect(page.locator("#export-job-error")).to_contain_text("nothing was exported")
    expect(page.locator("#export-job-ready")).to_be_hidden()
