"""Exports over HTTP: ``GET /api/export`` streams the line formats; ``POST /api/exports`` builds
any export as a background job (``annotator.jobs``) whose progress, details and file are read
at ``/api/exports/<id>``. The documents page's download form uses both.

The options are the CLI's (``ExportRequest.parse``). Reviewers and admins may export
everyone's work; an annotator gets only their own. A job, its details and its file are
visible to whoever started it, and to admins.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file, url_for
from flask_login import current_user

from ..accounts import find_user
from ..annotation import RecordCheckFailed
from ..export import (
    LINE_FORMATS,
    BadExportRequest,
    ExportRequest,
    default_target,
    export_lines,
)
from ..extensions import get_engine, get_session
from ..jobs import JOBS_KEY, JobQueue, JobState, build_download
from .errors import found
from .policy import Access, allow

bp = Blueprint("exports", __name__)
log = logging.getLogger(__name__)

OPTIONS = ("format", "status", "annotator", "document", "since", "split", "seed", "split_files")


@bp.app_context_processor
def _export_formats() -> dict[str, Any]:
    """The formats the download form may stream directly (the others run as jobs)."""
    return {"export_line_formats": LINE_FORMATS}


def _refused(field: str, message: str) -> tuple[Response, int]:
    return jsonify(errors=[{"path": field, "message": message}]), 422


def _refuse(field: str, message: str) -> NoReturn:
    """Stop the request with the 422 of ``_refused``."""
    response, status = _refused(field, message)
    response.status_code = status
    abort(response)


def _jobs() -> JobQueue:
    return current_app.extensions[JOBS_KEY]


def _permitted(wanted: ExportRequest) -> ExportRequest:
    """``wanted`` as the caller may have it: an annotator's export is narrowed to their own
    annotations; asking for someone else's, or for gold, is a 403."""
    if current_user.can_review:
        return wanted
    if wanted.status == "gold":
        abort(403, description="only reviewers and admins export gold annotations")
    if wanted.annotator not in (None, current_user.username):
        abort(403, description="annotators can export only their own annotations")
    return replace(wanted, annotator=current_user.username)


@bp.get("/api/export")
@allow(Access.USER)
def export() -> Response | tuple[Response, int]:
    """The export asked for by the query parameters, as a download: line formats stream;
    the others are built in the request (small exports; ``POST /api/exports`` for any size)."""
    try:
        wanted = _permitted(ExportRequest.parse(request.args))
    except BadExportRequest as error:
        return _refused(error.field, error.message)
    if wanted.streams:
        response = Response(export_lines(get_engine(), wanted), mimetype="application/x-ndjson")
        name = default_target(wanted, Path()).name
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _built_download(wanted)


def _built_download(wanted: ExportRequest) -> Response | tuple[Response, int]:
    """Files built first, then sent, and removed once sent: a DocBin, or a zip of a folder."""
    workdir = Path(tempfile.mkdtemp(prefix="annotator-download-"))
    try:
        download = build_download(get_engine(), wanted, workdir)
    except RecordCheckFailed as error:
        shutil.rmtree(workdir, ignore_errors=True)
        log.exception("export refused")
        return _refused("$", f"{error}; nothing was exported")
    except RuntimeError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        log.exception("export failed")
        return _refused("format", str(error))
    response = send_file(
        download.path,
        mimetype=download.mimetype,
        as_attachment=True,
        download_name=download.path.name,
    )
    if download.summary.misaligned:
        response.headers["X-Annotator-Misaligned-Spans"] = str(len(download.summary.misaligned))
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response


def _posted_options() -> dict[str, str]:
    """The export options of a POST, from a JSON object or a form, as text; an unknown
    option or a value that is not text, a number or true/false is a 422 naming it."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            _refuse("$", "the body must be a JSON object of export options")
    else:
        body = {k: v for k, v in request.form.items() if k != "csrf_token"}
    options: dict[str, str] = {}
    for name, value in body.items():
        if name not in OPTIONS:
            _refuse(name, f"is not an export option (use {', '.join(OPTIONS)})")
        if isinstance(value, bool):
            options[name] = "true" if value else ""
        elif isinstance(value, str | int | float) or value is None:
            options[name] = "" if value is None else str(value)
        else:
            _refuse(name, "must be text, a number or true/false")
    return options


@bp.post("/api/exports")
@allow(Access.USER)
def start_job() -> tuple[Response, int]:
    """Start building an export off the request: 202 with the job and its address."""
    options = _posted_options()
    try:
        wanted = _permitted(ExportRequest.parse(options))
    except BadExportRequest as error:
        return _refused(error.field, error.message)
    if wanted.annotator and find_user(get_session(), wanted.annotator) is None:
        return _refused("annotator", f"no user {wanted.annotator!r}")
    if wanted.annotator:
        options["annotator"] = wanted.annotator  # an annotator's own, whatever was asked
    job = _jobs().start("export", current_user.id, options)
    response = jsonify(_described(job))
    response.headers["Location"] = url_for("exports.job", job_id=job.id)
    return response, 202


def _own_job(job_id: str) -> JobState:
    """The export job ``job_id`` if the caller started it (or is an admin): else 404 or 403."""
    job = found(_jobs().state(job_id))
    if job.kind != "export":
        abort(404)
    if job.owner_id != current_user.id and current_user.role != "admin":
        abort(403, description="this export was started by another user")
    return job


def _described(job: JobState) -> dict[str, Any]:
    """A job as the API shows it, with the addresses of its files once it is done."""
    described: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "options": {k: v for k, v in job.params.items() if v},
        "details": job.details,
        "url": url_for("exports.job", job_id=job.id),
    }
    if job.status == "done":
        described["file"] = job.files["download"]
        described["file_url"] = url_for("exports.job_file", job_id=job.id)
        if "misaligned" in job.files:
            described["misaligned_url"] = url_for("exports.job_misaligned", job_id=job.id)
    return described


@bp.get("/api/exports/<job_id>")
@allow(Access.USER)
def job(job_id: str) -> Response:
    """How far an export job has got: queued, running (done of total), done, or failed."""
    return jsonify(_described(_own_job(job_id)))


@bp.get("/api/exports/<job_id>/file")
@allow(Access.USER)
def job_file(job_id: str) -> Response | tuple[Response, int]:
    """The finished export's file; 409 while it is being built or when it failed."""
    job = _own_job(job_id)
    path = _jobs().file_of(job)
    if path is None:
        reason = job.error if job.status == "failed" else f"the export is still {job.status}"
        return jsonify(error=f"no file to download: {reason}"), 409
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.get("/api/exports/<job_id>/misaligned")
@allow(Access.USER)
def job_misaligned(job_id: str) -> Response:
    """Every span of a finished spaCy export that is not on token boundaries, one a line."""
    path = found(_jobs().file_of(_own_job(job_id), "misaligned"))
    return send_file(path, mimetype="text/plain", as_attachment=True, download_name=path.name)
