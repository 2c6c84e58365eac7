"""Uploading files to import: the admin's upload page and ``POST /api/imports``.

Both hand the files to ``ingest.upload.import_uploads``, which imports them as
``annotator import`` does (one transaction per file; a refused file stores nothing). These
routes take bodies up to ``ANNOTATOR_MAX_UPLOAD_MB``; every other route keeps the app's
``MAX_CONTENT_LENGTH``. A larger body is refused with 413 before it is read (``errors``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..ingest.outcome import FileOutcome
from ..ingest.upload import MODES, Upload, UploadProblem, import_uploads, importing_user
from .errors import refused
from .forms import ActionForm
from .policy import Access, allow

bp = Blueprint("uploads", __name__)
UPLOAD_ENDPOINTS = ("uploads.submit", "uploads.api_import")
MEBIBYTE = 1024 * 1024


@bp.get("/upload")
@allow(Access.ADMIN)
def form() -> str:
    """The upload form: files, and what records become."""
    return _page()


@bp.post("/upload")
@allow(Access.ADMIN)
def submit() -> tuple[str, int]:
    """Import the chosen files and show what became of each."""
    mode, username = request.form.get("mode"), request.form.get("as")
    uploads = _uploads()
    if not uploads:
        return _page(error="file: choose at least one file to upload", mode=mode, as_=username), 422
    db = get_session()
    try:
        as_user = importing_user(db, mode, username)
    except UploadProblem as problem:
        db.rollback()
        return _page(error=f"{problem.field}: {problem.message}", mode=mode, as_=username), 422
    report = import_uploads(db, uploads, as_user)
    return _page(outcomes=[_row(outcome) for outcome in report.files], mode=mode, as_=username), 200


@bp.post("/api/imports")
@allow(Access.ADMIN)
def api_import() -> tuple[Response, int]:
    """Import the ``file`` fields of a multipart body: ``{"files": [outcome, ...]}``, one
    per file in the order sent; 422 naming the field when there is no file or ``as`` and
    ``mode`` do not fit."""
    uploads = _uploads()
    if not uploads:
        return refused(PayloadError("file", "send one or more files as multipart fields 'file'"))
    db = get_session()
    try:
        as_user = importing_user(db, request.form.get("mode"), request.form.get("as"))
    except UploadProblem as problem:
        db.rollback()
        return refused(PayloadError(problem.field, problem.message))
    report = import_uploads(db, uploads, as_user)
    return jsonify(files=[_row(outcome) for outcome in report.files]), 200


def _uploads() -> list[Upload]:
    """The files sent (an empty file picker sends one part without a name or content)."""
    files: list[FileStorage] = request.files.getlist("file") if request.files else []
    return [Upload(part.filename, part.stream) for part in files if part.filename]


def _row(outcome: FileOutcome) -> dict[str, Any]:
    """One file's outcome as the page and the API show it."""
    refused_ = outcome.status in ("rejected", "skipped")
    return {
        "name": outcome.path,
        "status": "refused" if refused_ else "imported",
        "documents": outcome.documents_added,
        "paragraphs": outcome.paragraphs_added,
        "boilerplate": outcome.boilerplate_flagged,
        "duplicates": outcome.documents_present,
        "repeats_dropped": outcome.duplicates_dropped,
        "annotations": outcome.annotations_added,
        "pre_annotations": outcome.pre_annotations_added,
        "actors": outcome.actors_added,
        "aliases": outcome.aliases_added,
        "notes": list(outcome.notes),
        "error": outcome.message if refused_ else None,
    }


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
