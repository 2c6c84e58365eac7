"""Long work off the request: the job plumbing (``queue``) and the kinds of job it runs.

Kinds: ``export`` (``export_job``) and ``import`` (``import_job``, the uploads). A new kind
is a function ``run(work) -> JobResult`` (see ``queue.JobWork``) and a line in ``KINDS``.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import Engine

from .export_job import build_download, run_export
from .import_job import prepare_import, run_import
from .queue import RETENTION, JobFailed, JobQueue, JobResult, JobState, JobWork

KINDS = {"export": run_export, "import": run_import}
JOBS_KEY = "annotator.jobs"  # where the app keeps its JobQueue (app.extensions)


def make_huey(instance_path: Path, redis_url: str | None, name: str = "annotator") -> Huey:
    """Redis when ``redis_url`` is given; else an SQLite file in the instance folder, which
    needs no server."""
    if redis_url:
        try:
            import redis  # noqa: F401 - RedisHuey needs it
        except ImportError:
            raise RuntimeError(
                "REDIS_URL is set but the redis package is missing: pip install 'annotator[redis]'"
            ) from None
        return RedisHuey(name, url=redis_url, results=False)
    instance_path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(instance_path / "jobs.sqlite3"), results=False)


def job_queue(instance_path: Path, engine: Engine, redis_url: str | None) -> JobQueue:
    """The app's jobs: queued on Redis or SQLite (``make_huey``, on first use), working in
    ``<instance>/jobs/<id>``."""
    return JobQueue(
        lambda: make_huey(instance_path, redis_url), instance_path / "jobs", engine, KINDS
    )


__all__ = [
    "JOBS_KEY",
    "KINDS",
    "RETENTION",
    "JobFailed",
    "JobQueue",
    "JobResult",
    "JobState",
    "JobWork",
    "build_download",
    "job_queue",
    "make_huey",
    "prepare_import",
]
