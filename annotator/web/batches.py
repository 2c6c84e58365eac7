"""Batches: the admin pages that make and change them, and their JSON API.

Admins create batches and change who is in them; reviewers (and admins) read them, their
progress and their deal, which the dashboard draws. Every change goes through
``annotator.batches``, as the CLI's do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from .. import batch_progress
from ..batches import BatchProblem, add_annotator, create_batch, remove_annotator
from ..database import dump_json
from ..extensions import get_engine, get_session
from ..models import Batch, Document, User
from .errors import found
from .forms import ActionForm, BatchForm
from .policy import Access, allow

bp = Blueprint("batches", __name__)


def _batch(batch_id: int) -> Batch:
    return found(get_session().get(Batch, batch_id))


# --- the API ------------------------------------------------------------------------------


@bp.post("/api/batches")
@allow(Access.ADMIN)
def api_create() -> tuple[Response, int]:
    """Create a batch: {"name", "documents": [ids], "annotators": [usernames], "overlap": n}
    -> 201 with its id and summary; 422 naming the field at fault."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(errors=[{"path": "$", "message": "the body must be a JSON object"}]), 422
    db = get_session()
    try:
        batch = create_batch(
            db,
            body.get("name", ""),
            body.get("documents", []),
            body.get("annotators", []),
            body.get("overlap"),
            current_user,
        )
    except BatchProblem as problem:
        db.rollback()
        return jsonify(errors=[problem.as_dict()]), 422
    db.commit()
    return jsonify(batch_progress.summary(db, batch)), 201


@bp.get("/api/batches")
@allow(Access.REVIEWER)
def api_list() -> Response:
    """Every batch with its totals."""
    return jsonify(batches=batch_progress.list_batches(get_session()))


@bp.get("/api/batches/<int:batch_id>")
@allow(Access.REVIEWER)
def api_show(batch_id: int) -> Response:
    """One batch: settings, members with their counts, documents with their completion."""
    return jsonify(batch_progress.summary(get_session(), _batch(batch_id)))


@bp.get("/api/batches/<int:batch_id>/progress")
@allow(Access.REVIEWER)
def api_progress(batch_id: int) -> Response:
    """The dashboard's figures for one batch."""
    return jsonify(batch_progress.progress(get_session(), _batch(batch_id)))


@bp.get("/api/batches/<int:batch_id>/assignments")
@allow(Access.REVIEWER)
def api_assignments(batch_id: int) -> Response:
    """The deal as JSON lines, one per (paragraph, annotator), in queue order, streamed."""
    batch = _batch(batch_id)
    engine = get_engine()

    def lines() -> Iterator[str]:
        # The answer is sent after the request's session is closed: the rows are read on a
        # session of the stream's own, closed when the stream ends or is dropped.
        with Session(engine) as reading:
            for row in batch_progress.assignments(reading, batch):
                yield dump_json(row) + "\n"

    return Response(
        lines(),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="batch-{batch.id}-deal.jsonl"'},
    )


@bp.post("/api/batches/<int:batch_id>/annotators")
@allow(Access.ADMIN)
def api_add(batch_id: int) -> tuple[Response, int]:
    """Add {"username"} to a running batch, with an even share of the untouched work."""
    db = get_session()
    batch = _batch(batch_id)
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    if not isinstance(username, str):
        return jsonify(errors=[{"path": "$.username", "message": "give a username"}]), 422
    try:
        given = add_annotator(db, batch, username)
    except BatchProblem as problem:
        db.rollback()
        return jsonify(errors=[problem.as_dict()]), 422
    db.commit()
    return jsonify(given=given, batch=batch_progress.summary(db, batch)), 200


@bp.delete("/api/batches/<int:batch_id>/annotators/<username>")
@allow(Access.ADMIN)
def api_remove(batch_id: int, username: str) -> tuple[Response, int]:
    """Take an annotator out, dealing their unfinished paragraphs to the others
    (``?keep=1``: deal them out but keep the annotator in the batch)."""
    db = get_session()
    batch = _batch(batch_id)
    try:
        outcome = remove_annotator(db, batch, username, keep=request.args.get("keep") == "1")
    except BatchProblem as problem:
        db.rollback()
        return jsonify(errors=[problem.as_dict()]), 422
    db.commit()
    return jsonify(**outcome, batch=batch_progress.summary(db, batch)), 200


# --- the admin pages ----------------------------------------------------------------------


def _form() -> BatchForm:
    db = get_session()
    form = BatchForm()
    form.documents.choices = [
        (d.id, f"{d.title} ({d.id})")
        for d in db.scalars(
            # A retired document is dealt to nobody (annotator.documents).
            select(Document)
            .where(Document.retired_at.is_(None))
            .order_by(Document.source, Document.id)
        )
    ]
    form.annotators.choices = [
        (u.username, f"{u.username} ({u.role})")
        for u in db.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    ]
    return form


@bp.get("/batches")
@allow(Access.ADMIN)
def index() -> str:
    """Every batch, and the form that makes one."""
    return render_template(
        "batches/index.html",
        batches=batch_progress.list_batches(get_session()),
        form=_form(),
    )


@bp.post("/batches")
@allow(Access.ADMIN)
def create() -> BaseResponse | tuple[str, int]:
    """Make a batch from the form; the form again with the reason when it cannot be made."""
    db = get_session()
    form = _form()
    if form.validate_on_submit():
        try:
            batch = create_batch(
                db,
                form.name.data or "",
                form.documents.data or [],
                form.annotators.data or [],
                form.overlap.data or 0,
                current_user,
            )
        except BatchProblem as problem:
            db.rollback()
            getattr(form, problem.field).errors = [problem.message]
        else:
            db.commit()
            flash(f"Batch {batch.name!r} made and dealt.", "success")
            return redirect(url_for("batches.show", batch_id=batch.id))
    return render_template(
        "batches/index.html", batches=batch_progress.list_batches(db), form=form
    ), 422


@bp.get("/batches/<int:batch_id>")
@allow(Access.ADMIN)
def show(batch_id: int) -> str:
    """One batch: who has how much done and left, documents, and changing the members."""
    db = get_session()
    batch = _batch(batch_id)
    summary = batch_progress.summary(db, batch)
    inside = {a["username"] for a in summary["annotators"] if a["active"]}
    candidates = [
        u
        for u in db.scalars(
            select(User.username).where(User.active.is_(True)).order_by(User.username)
        )
        if u not in inside
    ]
    return render_template(
        "batches/show.html", batch=summary, candidates=candidates, form=ActionForm()
    )


@bp.post("/batches/<int:batch_id>/annotators")
@allow(Access.ADMIN)
def add(batch_id: int) -> BaseResponse:
    """Add the chosen annotator to the batch."""
    return _change(batch_id, lambda db, batch, name: add_annotator(db, batch, name), "added")


@bp.post("/batches/<int:batch_id>/annotators/<username>/remove")
@allow(Access.ADMIN)
def remove(batch_id: int, username: str) -> BaseResponse:
    """Take the annotator out; their unfinished paragraphs go to the others."""
    return _change(
        batch_id, lambda db, batch, _: remove_annotator(db, batch, username), "removed", username
    )


@bp.post("/batches/<int:batch_id>/annotators/<username>/redeal")
@allow(Access.ADMIN)
def redeal(batch_id: int, username: str) -> BaseResponse:
    """Give the annotator's unfinished paragraphs to the others; they stay in the batch."""
    return _change(
        batch_id,
        lambda db, batch, _: remove_annotator(db, batch, username, keep=True),
        "dealt to the others",
        username,
    )


def _change(batch_id, action, done: str, username: str | None = None) -> BaseResponse:  # type: ignore[no-untyped-def]
    db = get_session()
    batch = _batch(batch_id)
    form = ActionForm()
    name = username or request.form.get("username", "")
    if form.validate_on_submit():
        try:
            outcome = action(db, batch, name)
        except BatchProblem as problem:
            db.rollback()
            flash(problem.message, "error")
        else:
            db.commit()
            flash(f"{name}: {done} ({_describe(outcome)}).", "success")
    return redirect(url_for("batches.show", batch_id=batch.id))


def _describe(outcome: int | dict[str, Any]) -> str:
    if isinstance(outcome, int):
        return f"{outcome} paragraphs given to them"
    text = f"{outcome['moved']} paragraphs dealt to others"
    if outcome["not_moved"]:
        text += f"; {outcome['not_moved']} every other annotator has already: " + (
            "they stay with them" if outcome.get("keep") else "dealt to one annotator fewer"
        )
    return text
