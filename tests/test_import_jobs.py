"""Uploads run as ``import`` jobs: the request saves the files and queues the job, which
imports them file by file telling its progress; the API answers the outcomes when the job
ends within its wait, else 202 with the job's address; only the uploader reads the job; a
failure stores nothing of the file it was on and says so."""

from __future__ import annotations

import io
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import annotator.ingest.service as service
import annotator.ingest.upload as upload
from annotator.jobs import JOBS_KEY, JobQueue, JobState
from annotator.jobs.import_job import UPLOADS
from annotator.models import Document

from .conftest import Api, AuthActions

ARTICLE = "A quiet day in the camp\n\nNothing happened in the camp today, residents said.\n"
OTHER = "A busy day at the market\n\nTraders said prices rose again this week.\n"
BROKEN = b'{"id": "fine", "title": "Fine", "text": "One paragraph."}\n{"id": "bad"\n'


def _files(*pairs: tuple[str, bytes]) -> dict[str, Any]:
    return {"file": [(io.BytesIO(content), name) for name, content in pairs]}


def _post(api: Api, data: dict[str, Any], prefer: str | None = None):
    headers = {**api.headers, **({"Prefer": prefer} if prefer else {})}
    return api.client.post(
        "/api/imports", data=data, headers=headers, content_type="multipart/form-data"
    )


def _documents(db: Session) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Document.title)))


@pytest.fixture
def queued(app: Flask) -> Iterator[JobQueue]:
    """The app's job queue with no worker: jobs wait until the test runs them."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    queue.huey.immediate = False
    yield queue
    queue.huey.storage.close()


@pytest.fixture
def immediate(app: Flask) -> JobQueue:
    """The app's job queue, running each job as soon as it is started."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    queue.huey.immediate = True
    return queue


@pytest.fixture
def consumer(queued: JobQueue) -> Iterator[JobQueue]:
    """A huey consumer in threads of this process (its signal handlers put back)."""
    running = queued.consumer(workers=1)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    running.start()
    for number, handler in handlers.items():
        signal.signal(number, handler)
    yield queued
    running.stop(graceful=True)


def _run_next(queue: JobQueue) -> None:
    """What a consumer's worker does with the next queued task."""
    queue.huey.execute(queue.huey.dequeue())


def test_an_upload_runs_as_a_job_file_by_file(
    api_as: Callable[..., Api],
    queued: JobQueue,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If this fails, the files are imported inside the request (and a large upload meets the
    server's timeout), or the job does not say how far it got and on which file."""
    admin = api_as("ada", "admin")
    seen: list[tuple[str, int, int | None, str | None]] = []
    save = queued.save

    def recording(job: JobState) -> None:
        seen.append((job.status, job.done, job.total, job.details.get("current")))
        save(job)

    monkeypatch.setattr(queued, "save", recording)
    files = _files(
        ("quiet.txt", ARTICLE.encode()), ("broken.jsonl", BROKEN), ("busy.txt", OTHER.encode())
    )
    started = _post(admin, files, prefer="respond-async")
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert job["status"] == "queued" and started.headers["Location"] == job["url"]
    assert admin.get(job["url"]).get_json()["status"] == "queued"
    assert _documents(db) == set()  # nothing imported yet: it waits for a worker
    saved = sorted(
        p.name for p in (queued.folder_of(job["id"]) / UPLOADS).rglob("*") if p.is_file()
    )
    assert saved == ["broken.jsonl", "busy.txt", "quiet.txt"]

    _run_next(queued)
    running = [
        (done, total, current) for status, done, total, current in seen if status == "running"
    ]
    assert [status for status, *_ in seen][0] == "queued" and seen[-1][0] == "done"
    assert (0, 3, "quiet.txt") in running and (1, 3, "broken.jsonl") in running
    assert (2, 3, "busy.txt") in running
    finished = admin.get(job["url"]).get_json()
    assert (finished["status"], finished["done"], finished["total"]) == ("done", 3, 3)
    assert [(f["name"], f["status"]) for f in finished["files"]] == [
        ("quiet.txt", "imported"),
        ("broken.jsonl", "refused"),
        ("busy.txt", "imported"),
    ]
    assert finished["files"][1]["error"].startswith("broken.jsonl:2: ")
    assert _documents(db) == {"A quiet day in the camp", "A busy day at the market"}
    assert not (queued.folder_of(job["id"]) / UPLOADS).exists()  # the files are gone


def test_the_api_answers_the_files_when_the_job_ends_within_the_wait(
    api_as: Callable[..., Api], consumer: JobQueue, app: Flask, db: Session
) -> None:
    """If this fails, scripts written for the first ``POST /api/imports`` (files in, outcomes
    out) break now that the import runs in the background."""
    admin = api_as("ada", "admin")
    response = _post(admin, _files(("quiet.txt", ARTICLE.encode())))
    assert response.status_code == 200, response.get_json()
    assert [row["name"] for row in response.get_json()["files"]] == ["quiet.txt"]
    assert _documents(db) == {"A quiet day in the camp"}


def test_a_job_still_running_after_the_wait_is_a_202_to_follow(
    api_as: Callable[..., Api], queued: JobQueue, app: Flask
) -> None:
    """If this fails, a large upload holds the request past the server's timeout, or the
    client is not told where to read the outcome."""
    app.config["IMPORT_WAIT_SECONDS"] = 0.3
    admin = api_as("ada", "admin")
    response = _post(admin, _files(("quiet.txt", ARTICLE.encode())))
    assert response.status_code == 202
    job = response.get_json()
    assert job["status"] == "queued" and "files" not in job
    _run_next(queued)
    done = admin.get(response.headers["Location"]).get_json()
    assert done["status"] == "done" and done["files"][0]["documents"] == 1


def test_only_the_uploader_reads_the_job(
    api_as: Callable[..., Api],
    immediate: JobQueue,
    client: FlaskClient,
    auth: AuthActions,
) -> None:
    """If this fails, another user learns what someone else uploaded, or whether a job id
    exists."""
    admin = api_as("ada", "admin")
    job = _post(admin, _files(("quiet.txt", ARTICLE.encode())), prefer="respond-async").get_json()
    assert admin.get(job["url"]).get_json()["status"] == "done"
    for name, role in (("root", "admin"), ("rita", "reviewer"), ("alice", "annotator")):
        other = api_as(name, role)
        assert other.get(job["url"]).status_code == 404, role
    auth.login("root")
    assert client.get(job["page_url"]).status_code == 404
    assert admin.get("/api/imports/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_a_failure_stores_nothing_of_the_file_it_was_on(
    api_as: Callable[..., Api],
    immediate: JobQueue,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If this fails, a file that breaks half-way leaves half of itself in the database, the
    other files go down with it, or the failure is not told."""
    admin = api_as("ada", "admin")
    store = service.store_articles

    def store_then_break(session: Session, articles: Any, name: str) -> Any:
        outcome = store(session, articles, name)  # the article is in the session...
        if "busy" in name:
            raise RuntimeError("disk on fire")  # ...when something breaks
        return outcome

    monkeypatch.setattr(service, "store_articles", store_then_break)
    rows = _post(admin, _files(("quiet.txt", ARTICLE.encode()), ("busy.txt", OTHER.encode())))
    quiet, busy = rows.get_json()["files"]
    assert quiet["status"] == "imported"
    assert busy["status"] == "refused" and "unexpected error" in busy["error"]
    assert _documents(db) == {"A quiet day in the camp"}

    # A failure outside any one file's import (the database gone, say) stops the job.
    import_paths = upload.import_paths
    monkeypatch.setattr(service, "store_articles", store)

    def lost_connection(session: Session, paths: list[Any], **options: Any) -> Any:
        if "busy" in str(paths[0]):
            raise ConnectionError("the database went away")
        return import_paths(session, paths, **options)

    monkeypatch.setattr(upload, "import_paths", lost_connection)
    answer = _post(
        admin,
        _files(
            (
                "again.txt",
                b"A calm night in the town\n\nNothing was reported overnight, officials said.\n",
            ),
            ("busy.txt", OTHER.encode()),
        ),
    )
    assert answer.status_code == 202
    failed = answer.get_json()
    assert failed["status"] == "failed"
    assert "busy.txt, which stored nothing" in failed["error"]
    assert [row["name"] for row in failed["files"]] == ["again.txt"]
    assert _documents(db) == {"A quiet day in the camp", "A calm night in the town"}
    assert not (immediate.folder_of(failed["id"]) / UPLOADS).exists()


def test_the_page_follows_the_job_then_shows_each_file(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., Any], queued: JobQueue
) -> None:
    """If this fails, the admin sees nothing while the import runs, needs JavaScript to see
    it end, or never sees what became of each file."""
    make_user("ada", role="admin")
    auth.login("ada")
    response = client.post(
        "/upload",
        data={**_files(("quiet.txt", ARTICLE.encode())), "csrf_token": auth.csrf_token()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page_url = response.headers["Location"]
    assert page_url.startswith("/upload/jobs/")
    waiting = client.get(page_url).get_data(as_text=True)
    assert "Waiting for the job runner" in waiting and "<progress" in waiting
    assert 'http-equiv="refresh"' in waiting and ">Reload</a>" in waiting  # works without JS
    assert 'id="upload-outcomes"' not in waiting
    _run_next(queued)
    done = client.get(page_url).get_data(as_text=True)
    assert 'id="upload-outcomes"' in done and "quiet.txt" in done and "imported" in done
    assert 'http-equiv="refresh"' not in done and "<progress" not in done
