"""The import job: files uploaded from the upload page or ``POST /api/imports``, saved in the
job's folder by the request (``prepare_import``), imported one by one by the job through the
same ``import_paths`` as ``annotator import`` (``ingest.upload.import_saved``), progress told
per file. Its details are each file's outcome, as ``POST /api/imports`` shows them; the files
themselves are deleted once imported."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..ingest.outcome import FileOutcome
from ..ingest.upload import (
    SavedUpload,
    Upload,
    UploadProblem,
    import_saved,
    importing_user,
    outcome_row,
    save_uploads,
)
from .queue import JobFailed, JobResult, JobWork

log = logging.getLogger(__name__)
UPLOADS = "uploads"  # the job's folder of uploaded files, removed when the job ends
MANIFEST = "uploads.json"  # the files in upload order, with the names their outcomes show


def prepare_import(uploads: Iterable[Upload]) -> Callable[[Path], None]:
    """What ``JobQueue.start`` calls to put the uploads in the job's folder: each streamed to
    disk, with a list of them beside."""

    def prepare(folder: Path) -> None:
        saved = save_uploads(uploads, folder / UPLOADS)
        manifest = [{"path": upload.path, "name": upload.name} for upload in saved]
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    return prepare


def run_import(work: JobWork) -> JobResult:
    """The job of an upload: ``work.params`` holds ``mode`` and ``as`` (checked before it was
    queued, checked again here in case the user went away meanwhile). A file refused stores
    nothing; a failure no file explains stops the job, says at which file, and that file
    stored nothing (the files before it are imported, their outcomes kept)."""
    folder = work.folder / UPLOADS
    manifest = json.loads((work.folder / MANIFEST).read_text(encoding="utf-8"))
    saved = [SavedUpload(item["path"], item["name"]) for item in manifest]
    rows: list[dict[str, Any]] = []
    current: list[str] = []
    work.set_total(len(saved))

    def start(upload: SavedUpload) -> None:
        current[:] = [upload.name]
        work.describe(current=upload.name)

    def finish(outcome: FileOutcome) -> None:
        current.clear()  # its transaction has ended: a failure from here is on no file
        rows.append(outcome_row(outcome))
        work.advance(1)

    try:
        with Session(work.engine, expire_on_commit=False) as session:
            try:
                as_user = importing_user(session, work.params.get("mode"), work.params.get("as"))
            except UploadProblem as problem:
                why = f"{problem.field}: {problem.message}; nothing was imported"
                raise JobFailed(why) from None
            outcomes = import_saved(session, folder, saved, as_user, start, finish)
    except JobFailed:
        raise
    except Exception:
        log.exception("import job %s failed", work.id)
        work.describe(current=None, files=rows)
        where = f" at {current[0]}, which stored nothing" if current else ""
        raise JobFailed(
            f"the import stopped unexpectedly{where}; the files before it were imported. "
            "The server's log has the details"
        ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return JobResult({}, {"files": [outcome_row(outcome) for outcome in outcomes]})
