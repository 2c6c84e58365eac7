"""Uploading files to import: the admin's upload page and ``POST /api/imports``.

Both stream the files into the folder of an ``import`` job (``jobs.import_job``), which
imports them off the request as ``annotator import`` does (one transaction per file; a
refused file stores nothing), telling its progress per file. The page then follows the job
at ``/upload/jobs/<id>``; the API waits for it a bounded time (``IMPORT_WAIT_SECONDS``)
and answers its outcomes, or 202 with the job's address (at once when the client sends
``Prefer: respond-async``). These routes take bodies up to ``ANNOTATOR_MAX_UPLOAD_MB``;
every other route keeps the app's ``MAX_CONTENT_LENGTH``. A larger body is refused with 413
before it is read (``errors``).
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..ingest.upload import MODES, Upload, UploadProblem, importing_user
from ..jobs import JOBS_KEY, JobQueue, JobState, prepare_import
from .errors import found, refused
from .forms import ActionForm
from .policy import Access, allow

bp = Blueprint("uploads", __name__)
UPLOAD_ENDPOINTS = ("uploads.submit", "uploads.api_import")
MEBIBYTE = 1024 * 1024
WAIT_SECONDS = 20  # how long POST /api/imports waits for its job (IMPORT_WAIT_SECONDS)
_POLL = 0.2


@bp.get("/upload")
@allow(Access.ADMIN)
def form() -> str:
    """The upload form: files, and what records become."""
    return _page()


@bp.post("/upload")
@allow(Access.ADMIN)
def submit() -> Response | tuple[str, int]:
    """Start importing the chosen files and follow the job on its own page."""
    mode, username = request.form.get("mode"), request.form.get("as")
    try:
        job = _start(mode, username)
    except UploadProblem as problem:
        message = problem.message
        if problem.field == "file":
            message = "choose at least one file to upload"
        return _page(error=f"{problem.field}: {message}", mode=mode, as_=username), 422
    return redirect(url_for("uploads.job_page", job_id=job.id), code=303)


@bp.get("/upload/jobs/<job_id>")
@allow(Access.USER)
def job_page(job_id: str) -> str:
    """An upload's progress while it runs (reloaded by the page's script, or by the browser
    without it), then what became of each file."""
    job = _own_job(job_id)
    return render_template(
        "uploads/job.html",
        job=job,
        outcomes=job.details.get("files") or [],
        api_url=url_for("uploads.api_job", job_id=job.id),
    )


@bp.post("/api/imports")
@allow(Access.ADMIN)
def api_import() -> tuple[Response, int]:
    """Import the ``file`` fields of a multipart body as a job. Answers ``{"files": [outcome,
    ...]}`` (one per file, in the order sent) when the job ends within the wait, else (or at
    once with ``Prefer: respond-async``) 202 with the job's address; 422 naming the field when
    there is no file or ``as`` and ``mode`` do not fit."""
    try:
        job = _start(request.form.get("mode"), request.form.get("as"))
    except UploadProblem as problem:
        return refused(PayloadError(problem.field, problem.message))
    if "respond-async" not in request.headers.get("Prefer", "").lower():
        job = _wait(job, float(current_app.config.get("IMPORT_WAIT_SECONDS", WAIT_SECONDS)))
        if job.status == "done":
            return jsonify(files=job.details["files"]), 200
    response = jsonify(_described(job))
    response.headers["Location"] = url_for("uploads.api_job", job_id=job.id)
    return response, 202


@bp.get("/api/imports/<job_id>")
@allow(Access.USER)
def api_job(job_id: str) -> Response:
    """How far an upload's import has got: queued, running (files done of total, the one
    being imported), done with each file's outcome, or failed with the reason."""
    return jsonify(_described(_own_job(job_id)))


def _start(mode: str | None, username: str | None) -> JobState:
    """Check the options, stream the files into a new import job's folder and queue it.
    Raises ``UploadProblem`` naming the field at fault (``file``, ``mode`` or ``as``)."""
    uploads = _uploads()
    if not uploads:
        raise UploadProblem("file", "send one or more files as multipart fields 'file'")
    db = get_session()
    owner_id = current_user.id
    try:
        importing_user(db, mode, username)
    finally:
        db.rollback()  # hold no transaction while the job (immediate in tests) writes
    params = {"mode": (mode or "").strip(), "as": (username or "").strip()}
    return _jobs().start("import", owner_id, params, prepare_import(uploads))


def _wait(job: JobState, seconds: float) -> JobState:
    """``job`` once it has finished, or as it is after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not job.finished and time.monotonic() < deadline:
        time.sleep(_POLL)
        job = _jobs().state(job.id) or job
    return job


def _own_job(job_id: str) -> JobState:
    """The import job ``job_id`` if the caller started it; 404 for anyone else (an upload's
    outcome is its uploader's)."""
    job = found(_jobs().state(job_id))
    if job.kind != "import" or job.owner_id != current_user.id:
        found(None)
    return job


def _described(job: JobState) -> dict[str, Any]:
    """An import job as the API shows it: the outcomes once it is done (and those of the
    files it got through when it failed)."""
    described: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "current": None if job.finished else job.details.get("current"),
        "url": url_for("uploads.api_job", job_id=job.id),
        "page_url": url_for("uploads.job_page", job_id=job.id),
    }
    if job.status in ("done", "failed") and "files" in job.details:
        described["files"] = job.details["files"]
    if job.status == "failed":
        described["error"] = job.error
    return described


def _jobs() -> JobQueue:
    return current_app.extensions[JOBS_KEY]


def _uploads() -> list[Upload]:
    """The files sent (an empty file picker sends one part without a name or content)."""
    files: list[FileStorage] = request.files.getlist("file") if request.files else []
    return [Upload(part.filename, part.stream) for part in files if part.filename]


def _page(**context: Any) -> str:
    limit = current_app.config["MAX_UPLOAD_MB"]
    return render_template(
        "uploads/form.html", form=ActionForm(), modes=MODES, limit_mb=limit, **context
    )


def _raise_the_limit() -> None:
    """Give the upload routes their own body limit, before anything reads the body (the
    413's message names it through ``g.upload_limit_mb``)."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        g.upload_limit_mb = current_app.config["MAX_UPLOAD_MB"]
        request.max_content_length = int(g.upload_limit_mb * MEBIBYTE)


def init_app(app: Flask) -> None:
    """Install the upload routes' body limit; call before ``boundary.init_app``, whose check
    reads form bodies."""
    app.before_request(_raise_the_limit)
