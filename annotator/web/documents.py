"""Pages to browse the imported articles: the list, and one article to read; admins retire
and restore documents here and through the API (``annotator.documents``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..catalogue import get_document, list_documents
from ..documents import NoSuchDocument, Retirement, restore_document, retire_document
from ..extensions import get_session
from .errors import found
from .forms import ActionForm
from .policy import Access, allow

bp = Blueprint("documents", __name__)


@bp.route("/")
@allow(Access.USER)
def home() -> Response:
    """The start page is the document list."""
    return redirect(url_for("documents.index"))


@bp.route("/documents")
@allow(Access.USER)
def index() -> str:
    """All documents with their paragraph counts and annotation progress."""
    documents = list_documents(get_session(), current_user)
    return render_template("documents/index.html", documents=documents, form=ActionForm())


@bp.route("/documents/<document_id>")
@allow(Access.USER)
def show(document_id: str) -> str:
    """One article, every paragraph in order, page furniture greyed."""
    document = found(get_document(get_session(), document_id))
    return render_template("documents/show.html", document=document)


Change = Callable[[Session, str], Retirement]


def _change(document_id: str, change: Change) -> Retirement:
    """Run a retire or restore and commit it; a 404 for an unknown document."""
    db = get_session()
    try:
        outcome = change(db, document_id)
    except NoSuchDocument:
        db.rollback()
        abort(404, description="no such document")
    db.commit()
    return outcome


@bp.post("/documents/<document_id>/retire")
@allow(Access.ADMIN)
def retire(document_id: str) -> Response:
    """Take the document out of every queue and batch deal (the page asks first)."""
    if ActionForm().validate_on_submit():
        _change(document_id, retire_document)
        flash("Document retired: it is in nobody's queue; its annotations are kept.", "success")
    return redirect(url_for("documents.index"))


@bp.post("/documents/<document_id>/restore")
@allow(Access.ADMIN)
def restore(document_id: str) -> Response:
    """Put a retired document back in the queues."""
    if ActionForm().validate_on_submit():
        _change(document_id, restore_document)
        flash("Document restored: it is back in the queues.", "success")
    return redirect(url_for("documents.index"))


@bp.post("/api/documents/<document_id>/retire")
@allow(Access.ADMIN)
def api_retire(document_id: str) -> Response:
    """Retire a document: ``{"id", "retired": true, "retired_at", "changed"}``."""
    return _answer(_change(document_id, retire_document))


@bp.post("/api/documents/<document_id>/restore")
@allow(Access.ADMIN)
def api_restore(document_id: str) -> Response:
    """Restore a retired document: ``{"id", "retired": false, "retired_at": null, "changed"}``."""
    return _answer(_change(document_id, restore_document))


def _answer(outcome: Retirement) -> Response:
    retired_at = outcome.retired_at.isoformat() if outcome.retired_at else None
    return jsonify(
        id=outcome.document_id,
        retired=retired_at is not None,
        retired_at=retired_at,
        changed=outcome.changed,
    )
