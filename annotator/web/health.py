"""``/healthz``: whether this server can reach its database, for a load balancer, a container
orchestrator or an uptime monitor, which call it without logging in.

The answer says only "ok" or that the database is unreachable: why it is (a host, a port,
a driver's message) goes to the log for the operator, never to whoever asked.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import get_engine
from .policy import Access, allow

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@allow(Access.PUBLIC)
def healthz() -> tuple[Response, int]:
    """200 ``{"status": "ok"}`` when a ``SELECT 1`` succeeds, else 503 with a short reason, so
    that a proxy stops sending users to a server whose saves would fail."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # One line, not a traceback: a monitor asks every few seconds while the database is down.
        log.warning("health check: the database did not answer SELECT 1: %s", error)
        return jsonify(status="unavailable", reason="database unreachable"), 503
    return jsonify(status="ok"), 200
