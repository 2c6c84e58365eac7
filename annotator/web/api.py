"""The JSON API under /api/. Session cookies (with CSRF) and Bearer tokens both work.

``/api/openapi.json`` describes every route under /api/ (``annotator/schemas/openapi.json``,
with the payload's JSON Schema embedded where it refers to it).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from typing import Any

from flask import Blueprint, abort, g, jsonify
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts import AccountError, create_token, parse_lifetime, revoke_token, token_state
from ..accounts import list_tokens as tokens_of
from ..annotation.validation import PayloadError
from ..catalogue import get_document, list_documents
from ..extensions import get_session
from ..jsonschemas import expanded_schema
from ..models import ApiToken
from .errors import body_object, found, refused
from .policy import Access, allow

bp = Blueprint("api", __name__, url_prefix="/api")
SHIPPED_SCHEMA = ".schema.json"


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 document: the shipped ``schemas/openapi.json`` with each
    ``{"$ref": "<name>.schema.json"}`` replaced by that shipped schema (its ``$defs`` written
    out), so that a body the app checks with a JSON Schema is described by the same one.
    A new copy each call (a few milliseconds): a fuzzer may write into the one it is given."""
    text = resources.files("annotator").joinpath("schemas/openapi.json").read_text("utf-8")
    return _embed_shipped_schemas(json.loads(text))


def _embed_shipped_schemas(node: Any) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.endswith(SHIPPED_SCHEMA):
            schema = expanded_schema(reference.removesuffix(SHIPPED_SCHEMA))
            return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        return {key: _embed_shipped_schemas(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_embed_shipped_schemas(item) for item in node]
    return node


@bp.get("/openapi.json")
@allow(Access.PUBLIC)
def openapi() -> Response:
    """This API's OpenAPI document, for client generators and API fuzzers."""
    return jsonify(openapi_document())


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
    """Create a token for the logged-in user; shown once. A token cannot mint more tokens.
    ``{"name", "expires"}``, both optional: ``"expires": "90d"`` refuses it after 90 days."""
    if g.authenticated_by != "session":
        abort(403, description="create tokens from a logged-in session, not with a token")
    body = body_object() or {}
    name, expires = body.get("name", ""), body.get("expires")
    if not isinstance(name, str) or len(name) > 100:
        return refused(PayloadError("name", "must be a string of at most 100 characters"))
    if expires is not None and not isinstance(expires, str):
        return refused(PayloadError("expires", "must be a lifetime like 12h, 30d or 90d"))
    try:
        lifetime = parse_lifetime(expires) if expires is not None else None
    except AccountError as error:
        return refused(PayloadError("expires", error.message))
    db = get_session()
    record, token = create_token(db, current_user, name, lifetime)
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
    state = token_state(token)
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked": token.revoked_at is not None,
        "expired": state == "expired",
        "state": state,
    }
