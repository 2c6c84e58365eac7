"""Logging, set up by ``create_app``: one line per event on standard error, each with the id of
the request it belongs to ("-" outside a request), so that an operator can find every line
of one failing request; a request's id comes from ``X-Request-ID`` (set by a proxy) or is
made here, and is sent back in the answer.

Errors keep their tracebacks in the log; users get a short message (``web.errors``).
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class _RequestIdFilter(logging.Filter):
    """Writes the current request's id into every record the handler sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The package's handler (a class of its own, so that it is added only once)."""


def init_logging(app: Flask) -> None:
    """Log the package's messages (Flask's error log among them) with request ids, at the
    level ``LOG_LEVEL`` names (INFO by default; ``ANNOTATOR_LOG_LEVEL`` sets it)."""
    logger = logging.getLogger("annotator")
    if not any(isinstance(handler, _Handler) for handler in logger.handlers):
        handler = _Handler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(_RequestIdFilter())
        logger.addHandler(handler)
    level = logging.getLevelName(app.config.get("LOG_LEVEL", "INFO"))
    if not isinstance(level, int):
        raise RuntimeError(
            f"ANNOTATOR_LOG_LEVEL={app.config['LOG_LEVEL']!r}: use DEBUG, INFO, WARNING or ERROR"
        )
    logger.setLevel(level)
    app.before_request(_remember_request_id)
    app.after_request(_send_request_id)


def _remember_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex[:16]


def _send_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response
