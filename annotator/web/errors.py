"""Error answers: JSON under /api/, a page elsewhere; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, g, jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

from ..annotation import InvalidPayload, SaveResult, VersionConflict
from ..annotation.validation import PayloadError
from ..extensions import login_manager
from .security import is_api_request

T = TypeVar("T")

log = logging.getLogger(__name__)


def found(value: T | None) -> T:
    """``value``, or a 404 answer (JSON under /api/, a page elsewhere) when there is none."""
    if value is None:
        abort(404)
    return value


def body_object() -> dict[str, Any] | None:
    """The request's JSON body when it is an object, else None."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


NOT_AN_OBJECT = PayloadError("$", "the body must be a JSON object")


def refused(*errors: PayloadError, status: int = 422) -> tuple[Response, int]:
    """The answer to a request the API refuses: ``{"errors": [{"path", "message"}]}``, each
    naming a field at fault and shortened (``PayloadError``), so that a large input is never
    sent back."""
    return jsonify(errors=[error.as_dict() for error in errors]), status


def save_answer(save: Callable[[], SaveResult], loaded: object, what: str) -> tuple[Response, int]:
    """Run a save of an annotation and answer it: 200 with the new version; 422 naming each
    field at fault; 409 with the server's copy when ``what`` (e.g. "this annotation") changed
    since version ``loaded`` was read. The workspace and the gold save answer alike."""
    try:
        result = save()
    except InvalidPayload as error:
        return refused(*error.errors)
    except VersionConflict as conflict:
        saved = conflict.current["version"]
        message = f"{what} was saved elsewhere (version {saved}) since version {loaded} "
        return jsonify(
            error=message + "was loaded; reload to see it", annotation=conflict.current
        ), 409
    return jsonify(version=result.version), 200


def _render(
    status: int, title: str, message: str, back: tuple[str, str] | None = None
) -> tuple[Response | str, int]:
    """The error as JSON under /api/, else as a page; ``back`` is (url, words) for a link
    back to where the user came from, beside the link to the documents."""
    if is_api_request(request):
        return jsonify(error=message), status
    page = render_template("error.html", status=status, title=title, message=message, back=back)
    return page, status


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    return _render(error.code or 500, error.name, error.description or error.name)


def _csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return _render(
        400,
        "Form expired or forged",
        "The request was refused because its CSRF token is missing or wrong "
        f"({error.description}). Reload the page and try again.",
    )


def _too_large(error: RequestEntityTooLarge) -> tuple[Response | str, int]:
    """A body over the limit, refused before it was read: the limit in the message (an
    upload's is ``ANNOTATOR_MAX_UPLOAD_MB``, set by ``uploads``)."""
    upload_mb = g.get("upload_limit_mb")
    back = None
    if upload_mb is not None:
        back = (url_for("uploads.form"), "Back to the upload")
        message = (
            f"The upload is larger than the limit of {upload_mb:g} MB "
            "(ANNOTATOR_MAX_UPLOAD_MB); nothing of it was stored. "
            "Upload fewer or smaller files at a time."
        )
    else:
        limit = request.max_content_length or 0
        message = (
            f"The request is larger than the limit of {limit / (1024 * 1024):g} MB; "
            "nothing of it was stored."
        )
    return _render(413, "Too large", message, back)


def _database_unavailable(error: OperationalError | InterfaceError) -> tuple[Response, int]:
    """The database did not answer (down, restarting, unreachable, or a lock held too long):
    503 and a retry, not a 500; what the driver said goes to the log, never to the user."""
    log.warning("database unavailable: %s", str(error.orig or error).splitlines()[0][:300])
    # The page is drawn as for a visitor: who is logged in cannot be read without the
    # database (flask-login keeps the request's user in g._login_user and loads it only
    # when that is not set).
    g._login_user = login_manager.anonymous_user()
    answer, status = _render(
        503,
        "Database unavailable",
        "The database did not answer; nothing was changed. Try again in a minute.",
    )
    response = answer if isinstance(answer, Response) else Response(answer, mimetype="text/html")
    response.headers["Retry-After"] = "60"
    return response, status


def init_app(app: Flask) -> None:
    """Register the error handlers (unhandled exceptions arrive here as a 500)."""
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
