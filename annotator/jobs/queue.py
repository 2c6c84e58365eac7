"""Background jobs: long work (a spaCy or hf export, an upload's import) run by a huey consumer
off the request, with its owner, its progress and its result files kept where the web can
read them.

A kind of job is one function ``run(work: JobWork) -> JobResult`` registered under a name
(``annotator.jobs.KINDS``). ``JobQueue.start`` records a job and queues it; the consumer
(``annotator worker``) runs it; ``JobQueue.state`` reads how far it got. Each job works in a
folder of its own, ``<root>/<id>``, named by an id nobody can guess; the folder and the
state are removed once ``retention`` has passed (a periodic task of the consumer).
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from huey import Huey, crontab
from huey.api import Task
from huey.consumer import Consumer
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import Engine

log = logging.getLogger(__name__)

RETENTION = timedelta(hours=24)
_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
_SAVE_EVERY = 0.25  # seconds between two progress writes
_RUN_TASK = "annotator.jobs.run"
_CLEAN_UP_TASK = "annotator.jobs.clean_up"
UNEXPECTED = "the job failed unexpectedly; the server's log has the details"


class JobFailed(Exception):
    """A job stopped for a reason its owner can act on: the message is shown to them."""


@dataclass(frozen=True)
class JobResult:
    """What a finished job leaves: its files (by name: ``download`` is the main one) in the
    job's folder, and details (JSON values) shown beside them."""

    files: dict[str, str]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class JobState:
    """One job as its owner sees it: queued, running, done or failed, with ``done`` of
    ``total`` items so far."""

    id: str
    kind: str
    owner_id: int
    params: dict[str, str]
    created_at: float  # seconds since the epoch
    status: str = "queued"
    done: int = 0
    total: int | None = None
    error: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class JobWork:
    """What a job function gets: the database, its folder, its parameters, and where to
    report progress (saved at most every quarter second, so reporting often costs little)."""

    def __init__(self, queue: JobQueue, job: JobState, engine: Engine) -> None:
        self.id = job.id
        self.engine = engine
        self.folder = queue.folder_of(job.id)
        self.params: Mapping[str, str] = job.params
        self._queue, self._job, self._saved_at = queue, job, 0.0

    def set_total(self, total: int) -> None:
        """How many items the job will go through (for "done of total")."""
        self._job.total = total
        self._save(force=True)

    def advance(self, count: int) -> None:
        """``count`` more items are done."""
        self._job.done += count
        self._save(force=False)

    def describe(self, **details: Any) -> None:
        """Show ``details`` (JSON values: the item being worked on) while the job runs; a
        finished job's details are its result's."""
        self._job.details.update(details)
        self._save(force=True)

    def _save(self, force: bool) -> None:
        now = time.monotonic()
        if force or now - self._saved_at >= _SAVE_EVERY:
            self._queue.save(self._job)
            self._saved_at = now


JobFunction = Callable[[JobWork], JobResult]


class JobQueue:
    """Jobs of the ``kinds`` given, queued on the huey that ``make_huey`` builds (on first use,
    so that building the app touches no file), working in folders under ``root``."""

    def __init__(
        self,
        make_huey: Callable[[], Huey],
        root: Path,
        engine: Engine,
        kinds: Mapping[str, JobFunction],
        retention: timedelta = RETENTION,
    ) -> None:
        self.root, self.engine, self.kinds, self.retention = root, engine, kinds, retention
        self._make_huey = make_huey
        self._huey: Huey | None = None
        self._building = threading.Lock()  # a server's threads may all ask for it at once

    @property
    def huey(self) -> Huey:
        """The huey the jobs are queued on, with the run and clean-up tasks registered."""
        with self._building:
            if self._huey is None:
                huey = self._make_huey()
                self._run_task = huey.task(name=_RUN_TASK)(self._run)
                clean_up = huey.periodic_task(crontab(minute="*/15"), name=_CLEAN_UP_TASK)
                clean_up(self.clean_up)
                huey.signal(SIGNAL_INTERRUPTED)(self._interrupted)
                self._huey = huey
            return self._huey

    def start(
        self,
        kind: str,
        owner_id: int,
        params: Mapping[str, str],
        prepare: Callable[[Path], None] | None = None,
    ) -> JobState:
        """Record a job of ``kind`` for ``owner_id`` and queue it; ``prepare`` may put input
        files (an upload) in its folder first. Returns its state (already finished when huey
        runs tasks immediately, as in tests)."""
        if kind not in self.kinds:
            raise KeyError(f"no job kind {kind!r}")
        huey = self.huey  # built, with its tasks registered, on first use
        job = JobState(secrets.token_urlsafe(16), kind, owner_id, dict(params), time.time())
        self.folder_of(job.id).mkdir(parents=True)
        if prepare is not None:
            prepare(self.folder_of(job.id))
        self.save(job)
        huey.enqueue(self._run_task.s(job.id))
        return self.state(job.id) or job

    def state(self, job_id: str) -> JobState | None:
        """The job ``job_id``, or None when there is none or it is past its retention."""
        if not _ID.fullmatch(job_id):
            return None
        stored = self.huey.get(_key(job_id), peek=True)
        if stored is None:
            return None
        job = JobState(**stored)
        return None if self._expired(job.created_at, time.time()) else job

    def file_of(self, job: JobState, name: str = "download") -> Path | None:
        """The path of the finished ``job``'s file ``name``, or None when it has none."""
        if job.status != "done" or name not in job.files:
            return None
        path = self.folder_of(job.id) / job.files[name]
        return path if path.is_file() else None

    def folder_of(self, job_id: str) -> Path:
        """Where job ``job_id`` keeps its files: a folder of its own, removed with it."""
        return self.root / job_id

    def save(self, job: JobState) -> None:
        """Store ``job`` as it is now, where the web's polls read it (huey's key-value store:
        the SQLite file or Redis, whichever the queue is on)."""
        self.huey.put(_key(job.id), asdict(job))

    def consumer(self, workers: int = 1) -> Consumer:
        """A consumer that runs the jobs in ``workers`` threads and cleans up every 15 minutes."""
        return self.huey.create_consumer(workers=workers, periodic=True, worker_type="thread")

    def clean_up(self, now: float | None = None) -> int:
        """Remove the folders and states of jobs past their retention; return how many."""
        now = time.time() if now is None else now
        removed = 0
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            stored = self.huey.get(_key(folder.name), peek=True)
            created = stored["created_at"] if stored else folder.stat().st_mtime
            if self._expired(created, now):
                shutil.rmtree(folder, ignore_errors=True)
                self.huey.delete(_key(folder.name))
                removed += 1
        return removed

    def _expired(self, created_at: float, now: float) -> bool:
        return now - created_at > self.retention.total_seconds()

    def _run(self, job_id: str) -> None:
        """Run a queued job, leaving it done with its result or failed with a reason."""
        job = self.state(job_id)
        if job is None:  # removed before a worker got to it
            return
        job.status = "running"
        self.save(job)
        try:
            result = self.kinds[job.kind](JobWork(self, job, self.engine))
        except JobFailed as failure:
            job.status, job.error = "failed", str(failure)
        except Exception:
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.status, job.error = "failed", UNEXPECTED
        else:
            job.status, job.files, job.details = "done", result.files, result.details
        self.save(job)

    def _interrupted(self, _signal: str, task: Task, *_args: object) -> None:
        """The consumer stopped while a job ran: say so rather than leave it running."""
        job = self.state(task.args[0]) if task.name == _RUN_TASK and task.args else None
        if job is not None and not job.finished:
            job.status = "failed"
            job.error = "the job runner was stopped while this job ran; start it again"
            self.save(job)


def _key(job_id: str) -> str:
    return f"annotator-job:{job_id}"
