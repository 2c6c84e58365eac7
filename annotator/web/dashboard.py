"""The progress dashboard (reviewers and admins): one page; its script draws the figures of
``GET /api/batches/<id>/progress``."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..batch_progress import FLAGS_LISTED, list_batches
from ..extensions import get_session
from .policy import Access, allow

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@allow(Access.REVIEWER)
def show() -> str:
    """Every batch with its completion; the chosen one (``?batch=ID``) in detail."""
    batches = list_batches(get_session())
    chosen = request.args.get("batch", type=int)
    if chosen not in {b["id"] for b in batches}:
        chosen = batches[-1]["id"] if batches else None
    return render_template(
        "review/dashboard.html", batches=batches, chosen=chosen, flags_listed=FLAGS_LISTED
    )
