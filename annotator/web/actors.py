"""The actor registry over HTTP: type-ahead, new actors, proposing and confirming aliases,
edits and merges.

Anyone logged in may search and propose an alias; reviewers and admins create, edit and
merge actors, remove aliases and confirm (or reject) proposed aliases, which then suggest
everywhere. The registry page itself is ``actor_pages``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..actor_merge import MergeRefused, StaleAnnotation, merge_actors
from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..models import Actor, ActorType
from ..registry import (
    RegistryError,
    actor_json,
    create_actor,
    decide_alias,
    propose_alias,
    remove_alias,
    search_actors,
    update_actor,
)
from .errors import NOT_AN_OBJECT, body_object, found, refused
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


@bp.patch("/api/actors/<key>")
@allow(Access.REVIEWER)
def edit(key: str) -> tuple[Response, int]:
    """Edit an actor: any of "name", "type", "description", "label" (null: none)."""
    db = get_session()
    actor = found(db.get(Actor, key))
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    unknown = sorted(set(body) - {"name", "type", "description", "label"})
    if unknown:
        return refused(PayloadError(unknown[0][:40], "not a field of an actor"))
    for field in ("name", "type", "description"):
        if field in body and not isinstance(body[field], str):
            return refused(PayloadError(field, "a string"))
    if "label" in body and body["label"] is not None and not isinstance(body["label"], str):
        return refused(PayloadError("label", "a string or null"))
    try:
        update_actor(
            db,
            actor,
            name=body.get("name"),
            type_=body.get("type"),
            description=body.get("description"),
            entity_label=body["label"] if "label" in body else ...,
        )
    except RegistryError as error:
        db.rollback()
        path, _, message = str(error).partition(": ")
        return refused(PayloadError(path, message))
    db.commit()
    return jsonify(actor_json(actor, with_proposed=True)), 200


@bp.delete("/api/actors/<key>/aliases/<int:alias_id>")
@allow(Access.REVIEWER)
def delete_alias(key: str, alias_id: int) -> tuple[Response, int]:
    """Remove one of an actor's aliases (confirmed or proposed); 404 when it has no such."""
    db = get_session()
    actor = found(db.get(Actor, key))
    try:
        remove_alias(db, actor, alias_id)
    except LookupError:
        abort(404, description=f"actor {key!r} has no alias {alias_id}")
    except RegistryError as error:
        db.rollback()
        return refused(PayloadError("alias", str(error).partition(": ")[2]))
    db.commit()
    return jsonify(actor_json(actor, with_proposed=True)), 200


@bp.post("/api/actors/<key>/merge")
@allow(Access.REVIEWER)
def merge(key: str) -> tuple[Response, int]:
    """Merge actor ``key`` into {"into": KEY}: its mentions link the kept actor (a history
    row per changed annotation) and its key, name and aliases become the kept one's."""
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    into = body.get("into")
    if not isinstance(into, str) or not into:
        return refused(PayloadError("into", "the key of the actor to keep, a string"))
    try:
        outcome = merge_actors(get_session(), key, into[:100], current_user.id)
    except MergeRefused as refusal:
        if refusal.missing:
            return jsonify(error=refusal.message), 404
        return refused(PayloadError(refusal.path, refusal.message))
    except StaleAnnotation:
        return jsonify(
            error="an annotation was saved during the merge; nothing changed, try again"
        ), 409
    return jsonify(outcome.as_dict()), 200


@bp.get("/actors/proposals")
@allow(Access.REVIEWER)
def proposals() -> Response:
    """The old proposals page: now a section of the registry page."""
    return redirect(url_for("actor_pages.index", _anchor="proposals"))


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
    return redirect(url_for("actor_pages.index", _anchor="proposals"))
