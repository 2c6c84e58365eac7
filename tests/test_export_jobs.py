"""Export jobs over the API (huey in immediate mode): a job is started with a 202, reports its
progress, serves its file once ready and only to whoever started it (and admins), and says in
words why it failed; wrong options are named and start nothing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator.jobs import JOBS_KEY, JobQueue
from annotator.models import Annotation, Paragraph

from .conftest import Api, AuthActions


@pytest.fixture
def jobs(app: Flask) -> JobQueue:
    """The app's job queue, running each job as soon as it is started."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    queue.huey.immediate = True
    return queue


def _post(api: Api, body: Any) -> Any:
    return api.client.post("/api/exports", json=body, headers=api.headers)


def _docs_per_set(archive: bytes) -> dict[str, int]:
    """How many docs each ``<set>.spacy`` of a zipped split export holds."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    counts = {}
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        for name in bundle.namelist():
            if name.endswith(".spacy"):
                docs = DocBin().from_bytes(bundle.read(name)).get_docs(vocab)
                counts[name.rsplit("/", 1)[1].removesuffix(".spacy")] = len(list(docs))
    return counts


def test_a_split_spacy_export_runs_as_a_job(
    annotated: dict[str, Any], jobs: JobQueue, app: Flask
) -> None:
    """202 with a Location; the job reports every record written of the total, the records
    per set match the DocBins in the zip, and the file is there to download."""
    reviewer = annotated["reviewer"]
    started = _post(
        reviewer, {"format": "spacy", "split": "80/10/10", "seed": 7, "split_files": True}
    )
    assert started.status_code == 202
    location = started.headers["Location"]
    job = reviewer.get(location).get_json()
    assert job == started.get_json()
    assert job["status"] == "done" and job["done"] == job["total"] == 8
    assert job["options"] == {
        "format": "spacy",
        "split": "80/10/10",
        "seed": "7",
        "split_files": "true",
    }
    sets = {s["name"]: s["records"] for s in job["details"]["sets"]}
    assert list(sets) == ["train", "dev", "test"] and sum(sets.values()) == 8
    download = reviewer.get(job["file_url"])
    assert download.status_code == 200 and job["file"].endswith(".zip")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert _docs_per_set(download.get_data()) == sets
    download.close()
    assert jobs.file_of(jobs.state(job["id"])).parent.parent == jobs.root  # type: ignore[arg-type,union-attr]


def test_the_seed_changes_the_split(annotated: dict[str, Any], jobs: JobQueue) -> None:
    """The same seed gives the same sets; another seed puts documents elsewhere (the three
    documents hold 2, 3 and 3 records, one document per set)."""
    reviewer = annotated["reviewer"]

    def records_per_set(seed: int) -> tuple[int, ...]:
        body = {"format": "hf", "split": "34/33/33", "seed": seed}
        details = _post(reviewer, body).get_json()["details"]
        return tuple(s["records"] for s in details["sets"])

    assert records_per_set(1) == records_per_set(1)
    assert len({records_per_set(seed) for seed in range(8)}) > 1


def test_a_job_is_visible_only_to_its_owner_and_admins(
    annotated: dict[str, Any], jobs: JobQueue, api_as: Callable[..., Api]
) -> None:
    """Another user's job and its file answer 403, whoever they are short of an admin; an
    unknown job 404."""
    reviewer, bob = annotated["reviewer"], annotated["bob"]
    job = _post(reviewer, {"format": "spacy"}).get_json()
    other_reviewer = api_as("ruth", "reviewer")
    for caller in (bob, other_reviewer):
        for url in (job["url"], job["file_url"], f"{job['url']}/misaligned"):
            refused = caller.get(url)
            assert refused.status_code == 403, url
            assert "another user" in refused.get_json()["error"]
    admin = api_as("root", "admin")
    assert admin.get(job["url"]).get_json()["status"] == "done"
    served = admin.get(job["file_url"])
    assert served.status_code == 200
    served.close()
    assert reviewer.get("/api/exports/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert reviewer.get("/api/exports/..%2F..%2Fsecret_key/file").status_code == 404


def test_annotators_export_only_their_own(annotated: dict[str, Any], jobs: JobQueue) -> None:
    """As with the streamed export: gold and another's work are refused, one's own is given."""
    bob = annotated["bob"]
    assert _post(bob, {"annotator": "alice"}).status_code == 403
    assert _post(bob, {"status": "gold", "format": "spacy"}).status_code == 403
    job = _post(bob, {"format": "annotator", "split_files": True, "split": "80/10/10"}).get_json()
    assert job["status"] == "done" and job["done"] == 2 and job["options"]["annotator"] == "bob"
    archive = bob.get(job["file_url"])
    with zipfile.ZipFile(io.BytesIO(archive.get_data())) as bundle:
        lines = [
            orjson.loads(line)
            for name in bundle.namelist()
            if name.endswith(".jsonl")
            for line in bundle.read(name).splitlines()
        ]
    archive.close()
    assert len(lines) == 2 and {line["annotator"] for line in lines} == {"bob"}


def test_the_file_waits_until_the_job_is_done(annotated: dict[str, Any], app: Flask) -> None:
    """With no worker yet, the job is queued and its file a 409 that says so."""
    reviewer = annotated["reviewer"]
    queue: JobQueue = app.extensions[JOBS_KEY]
    try:
        job = _post(reviewer, {"format": "spacy"}).get_json()
        assert job["status"] == "queued" and job["done"] == 0 and "file_url" not in job
        waiting = reviewer.get(f"{job['url']}/file")
        assert waiting.status_code == 409 and "still queued" in waiting.get_json()["error"]
        queue.huey.execute(queue.huey.dequeue())  # a worker takes it
        done = reviewer.get(job["url"]).get_json()
        assert done["status"] == "done" and done["done"] == done["total"] == 8
        served = reviewer.get(done["file_url"])
        assert served.status_code == 200
        served.close()
    finally:
        queue.huey.storage.close()


def test_a_failed_export_says_why(
    annotated: dict[str, Any], jobs: JobQueue, app: Flask, db: Session
) -> None:
    """A record whose stored layers were changed outside the tool fails the job with the
    record named; there is no file to download."""
    first = db.scalars(select(Annotation.id).order_by(Annotation.id)).first()
    db.execute(update(Annotation).where(Annotation.id == first).values(record_layers="[1, 2]"))
    db.commit()
    reviewer = annotated["reviewer"]
    job = _post(reviewer, {"format": "spacy"}).get_json()
    assert job["status"] == "failed"
    assert "cannot be read" in job["error"] and job["error"].endswith("nothing was exported")
    refused = reviewer.get(f"{job['url']}/file")
    assert refused.status_code == 409 and "nothing was exported" in refused.get_json()["error"]


def test_misaligned_spans_are_listed_with_the_result(
    api_as: Callable[..., Api], jobs: JobQueue, db: Session, seeded: None
) -> None:
    """A span inside a word cannot be a spaCy span: the result counts it, lists it, and offers
    the whole list as a file (it used to be only a response header)."""
    alice = api_as("alice", "reviewer")
    paragraph = db.scalars(select(Paragraph).where(Paragraph.is_boilerplate.is_(False))).first()
    assert paragraph is not None
    body = {
        "version": 0,
        "status": "submitted",
        "stances": [],
        "quotes": [],
        "entities": [{"id": "e1", "start": 0, "end": 2, "label": "PERSON", "actor": None}],
    }
    assert alice.put(f"/api/paragraphs/{paragraph.id}/annotation", body).status_code == 200
    job = _post(alice, {"format": "spacy"}).get_json()
    details = job["details"]
    assert details["misaligned"] == 1
    assert details["misaligned_shown"] == [
        f"{paragraph.id}/alice entity e1 [0:2] {paragraph.text[0:2]!r}"
    ]
    listed = alice.get(job["misaligned_url"])
    assert listed.get_data(as_text=True) == details["misaligned_shown"][0] + "\n"
    listed.close()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"format": "csv"}, "format", "must be one of"),
        ({"split": "80/10/10", "seed": "x"}, "seed", "whole number"),
        ({"split": "80/10/10", "seed": 7.5}, "seed", "whole number"),
        ({"split": "80-10-10"}, "split", "TRAIN/DEV/TEST"),
        ({"split_files": True}, "split_files", "needs a split"),
        ({"formt": "spacy"}, "formt", "is not an export option"),
        ({"split": ["80", "10", "10"]}, "split", "text, a number or true/false"),
        ({"annotator": "nobody"}, "annotator", "no user 'nobody'"),
        (["spacy"], "$", "JSON object"),
    ],
)
def test_wrong_options_are_named_and_start_nothing(
    annotated: dict[str, Any], jobs: JobQueue, body: Any, field: str, words: str
) -> None:
    """422 naming the option, on either engine; no job folder is made."""
    answer = _post(annotated["reviewer"], body)
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["path"] == field and words in error["message"]
    assert not jobs.root.exists() or not any(jobs.root.iterdir())


def test_the_page_starts_jobs_with_its_csrf_token(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., Any], jobs: JobQueue
) -> None:
    """From a logged-in page the POST needs the CSRF token (as a header); then it is a 202."""
    make_user("rita", role="reviewer")
    auth.login("rita")
    assert client.post("/api/exports", json={"format": "spacy"}).status_code == 400
    token = auth.csrf_token()
    started = client.post("/api/exports", json={"format": "spacy"}, headers={"X-CSRFToken": token})
    assert started.status_code == 202 and started.get_json()["status"] == "done"


def test_jobs_are_gone_after_their_retention(annotated: dict[str, Any], jobs: JobQueue) -> None:
    """A day later the job answers 404 and the clean-up removes its file."""
    reviewer = annotated["reviewer"]
    job = _post(reviewer, {"format": "spacy"}).get_json()
    stored = jobs.state(job["id"])
    assert stored is not None
    stored.created_at -= 25 * 3600
    jobs.save(stored)
    assert reviewer.get(job["url"]).status_code == 404
    assert reviewer.get(job["file_url"]).status_code == 404
    assert jobs.clean_up() == 1 and not (jobs.root / job["id"]).exists()
