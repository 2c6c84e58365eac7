"""Pages to browse the imported articles: the list, and one article to read."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..catalogue import get_document, list_documents
from ..extensions import get_session
from .errors import found
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
    return render_template("documents/index.html", documents=documents)


@bp.route("/documents/<document_id>")
@allow(Access.USER)
def show(document_id: str) -> str:
    """One article, every paragraph in order, page furniture greyed."""
    document = found(get_document(get_session(), document_id))
    return render_template("documents/show.html", document=document)
