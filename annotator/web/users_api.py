"""The accounts API for admins: ``GET``/``POST /api/users``, ``PATCH /api/users/<username>``.

The same services as the users page and the CLI (``annotator.accounts``): a role change,
a new password or a deactivation ends that user's sessions, deactivation revokes their
tokens, and the last active admin stays one. Other roles get 403 from the request guard.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from ..accounts import (
    AccountError,
    create_user,
    find_user,
    list_users,
    set_active,
    set_password,
    set_role,
)
from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..models import User
from .errors import NOT_AN_OBJECT, body_object, found, refused
from .policy import Access, allow

bp = Blueprint("users_api", __name__, url_prefix="/api/users")
# What PATCH may change, with the JSON type each takes.
CHANGES: dict[str, tuple[type, str]] = {
    "active": (bool, "must be true or false"),
    "role": (str, "must be a string: annotator, reviewer or admin"),
    "password": (str, "must be a string"),
}


def user_json(user: User) -> dict[str, Any]:
    """An account as the API shows it (never its password hash)."""
    return {
        "username": user.username,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def _refused(error: AccountError) -> tuple[Response, int]:
    get_session().rollback()
    return refused(PayloadError(error.field or "$", error.message))


@bp.get("")
@allow(Access.ADMIN)
def index() -> Response:
    """Every account, by username."""
    return jsonify(users=[user_json(user) for user in list_users(get_session())])


@bp.post("")
@allow(Access.ADMIN)
def create() -> tuple[Response, int]:
    """Make an account from ``{"username", "role", "password"}``: 201 with it; 422 naming
    the field at fault (a taken name, an unknown role, a short password)."""
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    wrong = [
        PayloadError(name, "a string is required")
        for name in ("username", "role", "password")
        if not isinstance(body.get(name), str)
    ]
    if wrong:
        return refused(*wrong)
    db = get_session()
    try:
        user = create_user(db, body["username"], body["role"], body["password"])
    except AccountError as error:
        return _refused(error)
    db.commit()
    return jsonify(user_json(user)), 201


@bp.patch("/<username>")
@allow(Access.ADMIN)
def change(username: str) -> tuple[Response, int]:
    """Change ``{"active"}``, ``{"role"}`` and/or ``{"password"}`` of an account; each ends
    its sessions. All or nothing: a refused field changes none."""
    db = get_session()
    user = found(find_user(db, username))
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    unknown = [name for name in body if name not in CHANGES][:5]  # a few: the answer stays small
    wrong = [PayloadError(name, "not a field that can be changed") for name in unknown]
    wrong += [
        PayloadError(name, message)
        for name, (kind, message) in CHANGES.items()
        if name in body and not isinstance(body[name], kind)
    ]
    if not body:
        wrong.append(PayloadError("$", "give active, role or password"))
    if wrong:
        return refused(*wrong)
    try:
        if "role" in body:
            set_role(user, body["role"])
        if "password" in body:
            set_password(user, body["password"])
        if "active" in body:
            set_active(user, body["active"])
    except AccountError as error:
        return _refused(error)
    db.commit()
    return jsonify(user_json(user)), 200
