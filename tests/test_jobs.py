"""The job plumbing (no app): a job is queued, reports how far it got, leaves its files or says
in words why it failed, and is gone after its retention; another kind of job is a function
and a registration."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import Engine, create_engine

from annotator.export import ExportRequest, ExportSummary, SplitSpec
from annotator.jobs import JobFailed, JobQueue, JobResult, JobWork, make_huey
from annotator.jobs import queue as queue_module
from annotator.jobs.export_job import export_details
from annotator.jobs.queue import UNEXPECTED, JobFunction


def _counting(polled: list[JobQueue]) -> JobFunction:
    """A toy kind: three items and a result file; with a queue in ``polled``, it also notes
    what a poll of the job answered after each item."""

    def count_to_three(work: JobWork) -> JobResult:
        work.set_total(3)
        seen = []
        for _ in range(3):
            work.advance(1)
            for queue in polled:
                job = queue.state(work.id)
                assert job is not None
                seen.append((job.status, job.done, job.total))
        (work.folder / "out.txt").write_text("three", encoding="utf-8")
        return JobResult({"download": "out.txt"}, {"seen": seen})

    return count_to_three


def _refuses(work: JobWork) -> JobResult:
    raise JobFailed(f"option {work.params['why']} cannot be done")


def _breaks(_work: JobWork) -> JobResult:
    raise ZeroDivisionError("a bug")


def _upper_cases_the_upload(work: JobWork) -> JobResult:
    """Another kind, as an upload would be: its input was put in its folder before it ran."""
    text = (work.folder / "upload.txt").read_text(encoding="utf-8")
    (work.folder / "upper.txt").write_text(text.upper(), encoding="utf-8")
    return JobResult({"download": "upper.txt"}, {"characters": len(text)})


def _stopped_mid_way(work: JobWork) -> JobResult:
    work.set_total(10)
    work.advance(4)
    raise KeyboardInterrupt  # what a worker thread gets when the consumer is stopped hard


KINDS: dict[str, JobFunction] = {
    "count": _counting([]),
    "refuse": _refuses,
    "break": _breaks,
    "upper": _upper_cases_the_upload,
    "stopped": _stopped_mid_way,
}


@pytest.fixture
def engine() -> Iterator[Engine]:
    made = create_engine("sqlite://")
    yield made
    made.dispose()


def _queue(huey: Huey, root: Path, engine: Engine) -> JobQueue:
    return JobQueue(lambda: huey, root, engine, KINDS)


@pytest.fixture
def jobs(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> JobQueue:
    """A queue whose huey runs each job as it is started (immediate mode)."""
    monkeypatch.setattr(queue_module, "_SAVE_EVERY", 0.0)  # every advance is saved
    huey = MemoryHuey("test-jobs")
    huey.immediate = True
    polled: list[JobQueue] = []
    queue = JobQueue(lambda: huey, tmp_path / "jobs", engine, {**KINDS, "count": _counting(polled)})
    polled.append(queue)
    return queue


def test_a_job_reports_progress_and_leaves_its_file(jobs: JobQueue) -> None:
    """While it runs, a poll sees "running, n of 3"; once done, its file and details."""
    job = jobs.start("count", owner_id=7, params={"a": "b"})
    assert job.status == "done" and (job.done, job.total) == (3, 3) and job.owner_id == 7
    assert job.details["seen"] == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    path = jobs.file_of(job)
    assert path is not None and path.read_text(encoding="utf-8") == "three"
    assert path.parent == jobs.root / job.id
    assert jobs.file_of(job, "misaligned") is None


def test_a_failure_is_told_in_words(jobs: JobQueue, caplog: pytest.LogCaptureFixture) -> None:
    """A refusal keeps its reason; a bug gives a short sentence and a logged traceback."""
    refused = jobs.start("refuse", owner_id=1, params={"why": "X"})
    assert refused.status == "failed" and refused.error == "option X cannot be done"
    assert jobs.file_of(refused) is None
    with caplog.at_level(logging.ERROR, logger="annotator.jobs"):
        broken = jobs.start("break", owner_id=1, params={})
    assert broken.status == "failed" and broken.error == UNEXPECTED
    assert "ZeroDivisionError: a bug" in caplog.text


def test_a_worker_stopped_mid_job_leaves_it_failed(jobs: JobQueue) -> None:
    """A job cut off by a hard stop of the consumer does not stay "running" forever."""
    job = jobs.start("stopped", owner_id=1, params={})
    assert job.status == "failed" and "stopped" in (job.error or "")
    assert (job.done, job.total) == (4, 10)


def test_another_kind_is_a_function_and_a_registration(jobs: JobQueue) -> None:
    """An upload-like job: ``prepare`` puts its input in its folder before it runs."""
    job = jobs.start(
        "upper",
        owner_id=3,
        params={},
        prepare=lambda folder: (folder / "upload.txt").write_text("abc", encoding="utf-8"),
    )
    path = jobs.file_of(job)
    assert path is not None and path.read_text(encoding="utf-8") == "ABC"
    assert job.details == {"characters": 3}
    with pytest.raises(KeyError, match="no job kind 'nope'"):
        jobs.start("nope", owner_id=3, params={})


def test_ids_cannot_be_guessed_or_walk_out_of_the_folder(jobs: JobQueue) -> None:
    """Ids are 128 random bits; anything else, a path included, is no job."""
    ids = {jobs.start("count", owner_id=1, params={}).id for _ in range(20)}
    assert len(ids) == 20 and all(len(i) == 22 for i in ids)
    for wrong in ("../../etc", "", "x" * 21, "a/b" + "c" * 19, "1"):
        assert jobs.state(wrong) is None


def test_jobs_are_removed_after_their_retention(jobs: JobQueue) -> None:
    """Past the retention a job is gone at once, and the clean-up removes its folder."""
    old = jobs.start("count", owner_id=1, params={})
    young = jobs.start("count", owner_id=1, params={})
    stored = jobs.state(old.id)
    assert stored is not None
    stored.created_at -= timedelta(hours=25).total_seconds()
    jobs.save(stored)
    assert jobs.state(old.id) is None and jobs.state(young.id) is not None
    assert jobs.clean_up() == 1
    assert not (jobs.root / old.id).exists() and (jobs.root / young.id).exists()
    assert jobs.clean_up(now=time.time() + timedelta(hours=25).total_seconds()) == 1
    assert not any(jobs.root.iterdir())


def test_a_queued_job_waits_for_a_worker(tmp_path: Path, engine: Engine) -> None:
    """On SQLite (the default, no server): queued until a consumer takes the task, then done."""
    huey = make_huey(tmp_path / "instance", None)
    try:
        assert isinstance(huey, SqliteHuey)
        assert (tmp_path / "instance" / "jobs.sqlite3").is_file()
        jobs = _queue(huey, tmp_path / "jobs", engine)
        job = jobs.start("count", owner_id=1, params={})
        assert job.status == "queued" and jobs.file_of(job) is None
        huey.execute(huey.dequeue())  # what a consumer's worker does
        done = jobs.state(job.id)
        assert done is not None and done.status == "done" and done.done == 3
    finally:
        huey.storage.close()


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_redis_is_used_when_redis_url_is_set(tmp_path: Path, engine: Engine) -> None:
    """REDIS_URL picks RedisHuey (no file in the instance folder); a job goes through it."""
    assert isinstance(make_huey(tmp_path, "redis://127.0.0.1:6379/0"), RedisHuey)
    assert not (tmp_path / "jobs.sqlite3").exists()
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379 for the round trip")
    huey = make_huey(tmp_path, "redis://127.0.0.1:6379/0", name=f"test-{uuid.uuid4().hex}")
    try:
        jobs = _queue(huey, tmp_path / "jobs", engine)
        job = jobs.start("count", owner_id=1, params={})
        assert job.status == "queued"
        huey.execute(huey.dequeue())
        done = jobs.state(job.id)
        assert done is not None and done.status == "done"
    finally:
        huey.flush()


def test_export_details_list_every_set_and_note() -> None:
    """The result of a split export names each set with its records and documents (empty ones
    too), the split's and the format's notes, and the first misaligned spans of many."""
    summary = ExportSummary(records=5)
    summary.per_split.update({"train": 4, "test": 1})
    summary.documents_per_split = {"train": {"a", "b"}, "test": {"c"}}
    summary.split_notes = ("the dev set is empty: 3 documents are too few",)
    summary.overlap_notes = ["2 of 9 entities overlap a longer one"]
    summary.misaligned = [f"r{i} entity e1 [0:3] 'Syr'" for i in range(60)]
    details = export_details(ExportRequest(format="spacy", split=SplitSpec(80, 10, 10, 7)), summary)
    assert details["sets"] == [
        {"name": "train", "records": 4, "documents": 2},
        {"name": "dev", "records": 0, "documents": 0},
        {"name": "test", "records": 1, "documents": 1},
    ]
    assert details["notes"] == [*summary.split_notes, *summary.overlap_notes]
    assert details["misaligned"] == 60 and len(details["misaligned_shown"]) == 50
    assert export_details(ExportRequest(), ExportSummary(records=2))["sets"] == []
