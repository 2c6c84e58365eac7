"""``GET /api/export``: the export for scripts and the documents page's download form.

The query parameters are the CLI's options (``ExportRequest.parse``). Line formats stream
as they are produced; spaCy and hf are files built first, then sent. Reviewers and admins
may export everyone's work; an annotator gets only their own.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, request, send_file
from flask_login import current_user

from ..annotation import RecordCheckFailed
from ..export import (
    BadExportRequest,
    ExportRequest,
    default_target,
    export_lines,
    registry_path,
    write_export,
)
from ..extensions import get_engine
from .policy import Access, allow

bp = Blueprint("exports", __name__)
log = logging.getLogger(__name__)


def _refused(field: str, message: str) -> tuple[Response, int]:
    return jsonify(errors=[{"path": field, "message": message}]), 422


@bp.get("/api/export")
@allow(Access.USER)
def export() -> Response | tuple[Response, int]:
    """The export asked for by the query parameters, as a download."""
    try:
        wanted = ExportRequest.parse(request.args)
    except BadExportRequest as error:
        return _refused(error.field, error.message)
    if not current_user.can_review:
        if wanted.status == "gold":
            abort(403, description="only reviewers and admins export gold annotations")
        if wanted.annotator not in (None, current_user.username):
            abort(403, description="annotators can export only their own annotations")
        wanted = replace(wanted, annotator=current_user.username)
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
        target = default_target(wanted, workdir)
        summary = write_export(get_engine(), wanted, target)
        if target.is_dir():
            download = _zip(target, registry_path(target), target.with_name(target.name + ".zip"))
            mimetype = "application/zip"
        else:
            download, mimetype = target, "application/octet-stream"
    except RecordCheckFailed as error:
        shutil.rmtree(workdir, ignore_errors=True)
        log.exception("export refused")
        return _refused("$", f"{error}; nothing was exported")
    except RuntimeError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        log.exception("export failed")
        return _refused("format", str(error))
    response = send_file(
        download, mimetype=mimetype, as_attachment=True, download_name=download.name
    )
    if summary.misaligned:
        response.headers["X-Annotator-Misaligned-Spans"] = str(len(summary.misaligned))
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response


def _zip(folder: Path, registry: Path, archive: Path) -> Path:
    """A folder export as ``<name>/data/*`` plus ``<name>/actors.json`` (outside data/)."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        root = archive.stem
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"{root}/data/{path.name}")
        bundle.write(registry, f"{root}/actors.json")
    return archive
