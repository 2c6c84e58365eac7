"""The JSON API under /api/. Session cookies (with CSRF) and Bearer tokens both work."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts import create_token, revoke_token
from ..accounts import list_tokens as tokens_of
from ..catalogue import get_document, list_documents
from ..extensions import get_session
from ..models import ApiToken
from .errors import found
from .policy import Access, allow

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/me")
@allow(Access.USER)
def me() -> Response:
    """Who the caller is, and how they authenticated."""
    return jsonify(
        username=current_user.username, role=current_user.role, authenticated_by=g.authenticated_by
    )


@bp.get("/documents")
@allow(Access.USER)
def documents() -> Response:
    """The documents list with counts and the caller's progress."""
    rows = []
    for summary in list_documents(get_session(), current_user):
        row = asdict(summary)
        row["published"] = summary.published.isoformat() if summary.published else None
        row["annotatable"] = summary.annotatable
        rows.append(row)
    return jsonify(documents=rows)


@bp.get("/documents/<document_id>")
@allow(Access.USER)
def document(document_id: str) -> Response:
    """One document with every paragraph, boilerplate flagged."""
    doc = found(get_document(get_session(), document_id))
    return jsonify(
        id=doc.id,
        title=doc.title,
        source=doc.source,
        published=doc.published.isoformat() if doc.published else None,
        language=doc.language,
        meta=doc.meta,
        paragraphs=[
            {
                "id": p.id,
                "index": p.position,
                "text": p.text,
                "is_boilerplate": p.is_boilerplate,
                "boilerplate_reason": p.boilerplate_reason,
            }
            for p in doc.paragraphs
        ],
    )


@bp.get("/tokens")
@allow(Access.USER)
def list_tokens() -> Response:
    """The caller's own API tokens (never the tokens themselves)."""
    return jsonify(tokens=[_token_json(t) for t in tokens_of(get_session(), current_user)])


@bp.post("/tokens")
@allow(Access.USER)
def new_token() -> tuple[Response, int]:
    """Create a token for the logged-in user; shown once. A token cannot mint more tokens."""
    if g.authenticated_by != "session":
        abort(403, description="create tokens from a logged-in session, not with a token")
    body = request.get_json(silent=True) or {}
    name = body.get("name", "") if isinstance(body, dict) else ""
    if not isinstance(name, str) or len(name) > 100:
        abort(422, description="name must be a string of at most 100 characters")
    db = get_session()
    record, token = create_token(db, current_user, name)
    db.commit()
    return jsonify(token=token, **_token_json(record)), 201


@bp.delete("/tokens/<int:token_id>")
@allow(Access.USER)
def delete_token(token_id: int) -> tuple[str, int]:
    """Revoke one of your tokens (admins may revoke anyone's); others' tokens are 404."""
    db = get_session()
    record = db.get(ApiToken, token_id)
    if record is None or (record.user_id != current_user.id and current_user.role != "admin"):
        abort(404)
    revoke_token(record)
    db.commit()
    return "", 204


def _token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked": token.revoked_at is not None,
    }
