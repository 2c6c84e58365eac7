"""The actor registry over HTTP: type-ahead, new actors, proposing and confirming aliases.

Anyone logged in may search and propose an alias; reviewers and admins create
actors and confirm (or reject) proposed aliases, which then suggest everywhere.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..models import Actor, ActorType
from ..registry import (
    RegistryError,
    actor_json,
    create_actor,
    decide_alias,
    propose_alias,
    proposed_aliases,
    search_actors,
)
from .errors import NOT_AN_OBJECT, body_object, found, refused
from .forms import ActionForm
from .policy import Access, allow

bp = Blueprint("actors", __name__)


@bp.get("/api/actors")
@allow(Access.USER)
def search() -> Response:
    """Type-ahead over actor names and aliases, best match first."""
    query = request.args.get("q", "")[:200]
    return jsonify([actor_json(a) for a in search_actors(get_session(), query)])


@bp.get("/api/actor-types")
@allow(Access.USER)
def actor_types() -> Response:
    """The actor types an actor may have (for the create-actor form)."""
    rows = get_session().scalars(select(ActorType).order_by(ActorType.position))
    return jsonify([{"name": t.name, "display_name": t.display_name} for t in rows])


@bp.post("/api/actors")
@allow(Access.REVIEWER)
def create() -> tuple[Response, int]:
    """Create an actor on the spot (reviewers and admins)."""
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    name, type_ = body.get("name"), body.get("type")
    aliases, key = body.get("aliases", []), body.get("key")
    if not isinstance(name, str) or not isinstance(type_, str):
        return refused(PayloadError("$", "name and type are required strings"))
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        return refused(PayloadError("aliases", "a list of strings"))
    if key is not None and not isinstance(key, str):
        return refused(PayloadError("key", "a string"))
    db = get_session()
    try:
        actor = create_actor(db, name, type_, aliases, key)
    except RegistryError as error:
        path, _, message = str(error).partition(": ")
        return refused(PayloadError(path, message))
    db.commit()
    return jsonify(actor_json(actor)), 201


@bp.post("/api/actors/<key>/aliases")
@allow(Access.USER)
def add_alias(key: str) -> tuple[Response, int]:
    """Propose an alias (confirmed at once when a reviewer or admin adds it)."""
    db = get_session()
    actor = found(db.get(Actor, key))
    body = body_object()
    alias = body.get("alias") if body is not None else None
    if not isinstance(alias, str):
        return refused(PayloadError("alias", "a string is required"))
    try:
        record = propose_alias(db, actor, alias, current_user.id, confirmed=current_user.can_review)
    except RegistryError as error:
        return refused(PayloadError("alias", str(error).partition(": ")[2]))
    db.commit()
    return jsonify(id=record.id, alias=record.alias, status=record.status, actor=actor.key), 201


@bp.get("/actors/proposals")
@allow(Access.REVIEWER)
def proposals() -> str:
    """Reviewers: the aliases annotators proposed, to confirm or reject."""
    rows = proposed_aliases(get_session())
    return render_template("actors/proposals.html", rows=rows, form=ActionForm())


@bp.post("/actors/proposals/<int:alias_id>")
@allow(Access.REVIEWER)
def decide(alias_id: int) -> Response:
    """Confirm or reject one proposed alias."""
    decision = request.form.get("decision")
    if decision not in ("confirm", "reject"):
        abort(400, description="decision must be confirm or reject")
    db = get_session()
    try:
        record = decide_alias(db, alias_id, decision == "confirm", current_user.id)
    except LookupError:
        abort(404)
    db.commit()
    if decision == "confirm":
        flash(f"Confirmed {record.alias!r}: it is suggested from now on.", "info")
    else:
        flash(f"Rejected {record.alias!r}.", "info")
    return redirect(url_for("actors.proposals"))
