"""``GET /api/export``: the export streamed as it is produced, for scripts and the download button.

Reviewers and admins may export everyone's work; an annotator gets only their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, jsonify, request
from flask_login import current_user

from .database import new_session
from .export import STATUS_FILTERS, ExportFilters, SplitSpec, stream_native

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
    if args.get("format", "annotator") != "annotator":
        return _bad("only format=annotator is available yet; the converters come next", "format")
    annotator = args.get("annotator") or None
    if not current_user.can_review:
        if annotator not in (None, current_user.username):
            abort(403, description="annotators can export only their own annotations")
        annotator = current_user.username
    since = None
    if args.get("since"):
        try:
            since = datetime.fromisoformat(args["since"])
        except ValueError:
            return _bad("since must be a date, YYYY-MM-DD", "since")
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
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
    session = new_session()

    def lines() -> Iterator[bytes]:
        # Runs after the view has returned, as the client reads: it has its own session,
        # closed when the download ends or is abandoned.
        try:
            yield from stream_native(session, filters, split)
        finally:
            session.close()

    response = Response(lines(), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="annotator-{stamp}.jsonl"'
    return response
