"""``GET /api/export``: the export streamed as it is produced, for scripts and the download button.

Reviewers and admins may export everyone's work; an annotator gets only their own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, request, send_file
from flask_login import current_user

from .database import get_session, new_session
from .export import (
    FORMATS,
    LINE_FORMATS,
    STATUS_FILTERS,
    ExportFilters,
    RecordCheckFailed,
    SplitSpec,
    parse_since,
    stream_lines,
    write_export,
    zip_folder,
)

bp = Blueprint("exports", __name__)


def _bad(message: str, parameter: str) -> tuple[Response, int]:
    return jsonify(errors=[{"path": parameter, "message": message}]), 422


@bp.get("/api/export")
def export() -> Response | tuple[Response, int]:
    """Stream annotator.v1 JSONL; query parameters as the CLI's options."""
    args = request.args
    status = args.get("status", "submitted")
    if status not in STATUS_FILTERS:
        return _bad(f"status must be one of {', '.join(sorted(STATUS_FILTERS))}", "status")
    format_ = args.get("format", "annotator")
    if format_ not in FORMATS:
        return _bad(f"format must be one of {', '.join(FORMATS)}", "format")
    annotator = args.get("annotator") or None
    if not current_user.can_review:
        if annotator not in (None, current_user.username):
            abort(403, description="annotators can export only their own annotations")
        annotator = current_user.username
    since = None
    if args.get("since"):
        try:
            since = parse_since(args["since"])
        except ValueError as error:
            return _bad(str(error), "since")
    split = None
    if args.get("split"):
        try:
            split = SplitSpec.parse(args["split"], int(args.get("seed", 13)))
        except ValueError as error:
            return _bad(str(error), "split")
    filters = ExportFilters(
        status=status, annotator=annotator, document=args.get("document") or None, since=since
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"annotator-{stamp}" + (f"-{format_}" if format_ != "annotator" else "")
    if format_ in LINE_FORMATS:
        session = new_session()

        def lines() -> Iterator[bytes]:
            # Runs after the view has returned, as the client reads: it has its own session,
            # closed when the download ends or is abandoned.
            try:
                yield from stream_lines(session, filters, format_, split)
            finally:
                session.close()

        response = Response(lines(), mimetype="application/x-ndjson")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.jsonl"'
        return response
    return _built_download(filters, format_, split, name)


def _built_download(
    filters: ExportFilters, format_: str, split: SplitSpec | None, name: str
) -> Response | tuple[Response, int]:
    """spaCy and hf exports are files built first, then sent (and removed once sent)."""
    workdir = Path(tempfile.mkdtemp(prefix="annotator-download-"))
    try:
        if format_ == "spacy":
            target = workdir / f"{name}.spacy"
            result = write_export(get_session(), filters, format_, target, split)
            download, mimetype = target, "application/octet-stream"
        else:
            target = workdir / name
            result = write_export(get_session(), filters, format_, target, split)
            download = zip_folder(target, result.paths[-1], workdir / f"{name}.zip")
            mimetype = "application/zip"
    except RecordCheckFailed as error:
        shutil.rmtree(workdir, ignore_errors=True)
        return _bad(str(error), "$")
    except RuntimeError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        return _bad(str(error), "format")
    response = send_file(
        download, mimetype=mimetype, as_attachment=True, download_name=download.name
    )
    if result.misaligned:
        response.headers["X-Annotator-Misaligned-Spans"] = str(len(result.misaligned))
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response
