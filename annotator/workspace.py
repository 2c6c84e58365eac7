"""The annotation workspace: the page, and the API it runs on.

Route -> validation -> annotation_store -> models, and back as JSON.
An annotator reads and writes only their own annotations; reviewers and admins
may read anyone's (``?annotator=NAME``). Writes always go to the caller's own.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from .actors import actor_json
from .annotation_store import (
    VersionConflict,
    annotation_payload,
    find_annotation,
    load_vocabulary,
    save_annotation,
)
from .database import get_session
from .models import (
    Actor,
    ActorAlias,
    EntityType,
    Paragraph,
    PreAnnotation,
    QuoteType,
    StancePolarity,
    User,
)
from .queue import next_paragraph_id, progress
from .registry import registry_fingerprint
from .suggestions import AliasEntry, AliasMatcher, suggest_cues
from .validation import InvalidPayload, validate_payload

bp = Blueprint("workspace", __name__)

MATCHER_KEY = "annotator.alias_matcher"


@bp.get("/annotate")
def start() -> Response | str:
    """Open the first paragraph of my queue, or say the queue is empty."""
    db = get_session()
    paragraph_id = next_paragraph_id(db, current_user)
    if paragraph_id is None:
        return render_template("workspace/done.html", progress=progress(db, current_user))
    return redirect(url_for("workspace.annotate", paragraph_id=paragraph_id))


@bp.get("/annotate/<paragraph_id>")
def annotate(paragraph_id: str) -> str:
    """The workspace page; its script loads the paragraph through the API."""
    paragraph = get_session().get(Paragraph, paragraph_id)
    if paragraph is None:
        abort(404)
    return render_template("workspace/annotate.html", paragraph=paragraph)


@bp.get("/api/labels")
def labels() -> Response:
    """The label configuration: entity types, polarities, quote types, in display order."""
    db = get_session()

    def rows(model: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": label.name,
                "display_name": label.display_name,
                "colour": label.colour,
                "hotkey": label.hotkey,
                "description": label.description,
            }
            for label in db.scalars(select(model).order_by(model.position))
        ]

    return jsonify(
        entity_types=rows(EntityType), polarities=rows(StancePolarity), quote_types=rows(QuoteType)
    )


@bp.get("/api/paragraphs/<paragraph_id>")
def get_paragraph(paragraph_id: str) -> Response:
    """The paragraph, its context, my annotation (or ``?annotator=`` for reviewers), suggestions."""
    db = get_session()
    paragraph = db.get(Paragraph, paragraph_id)
    if paragraph is None:
        abort(404)
    annotator = _annotator_to_read(db)
    document = paragraph.document
    annotation = annotation_payload(find_annotation(db, paragraph.id, annotator.id))
    entity_suggestions, cue_suggestions = _suggestions(db, paragraph)
    actor_keys = {e["actor"] for e in annotation["entities"] if e["actor"]}
    actor_keys |= {s["actor"] for s in entity_suggestions if s["actor"]}
    return jsonify(
        id=paragraph.id,
        document={"id": document.id, "title": document.title},
        index=paragraph.position,
        text=paragraph.text,
        is_boilerplate=paragraph.is_boilerplate,
        context={
            "previous": _neighbour(db, paragraph, -1),
            "next": _neighbour(db, paragraph, +1),
        },
        annotator=annotator.username,
        read_only=annotator.id != current_user.id,
        annotation=annotation,
        suggestions={"entities": entity_suggestions, "cues": cue_suggestions},
        actors={
            actor.key: actor_json(actor)
            for actor in db.scalars(
                select(Actor).options(selectinload(Actor.aliases)).where(Actor.key.in_(actor_keys))
            )
        },
        progress=progress(db, current_user).__dict__,
    )


@bp.put("/api/paragraphs/<paragraph_id>/annotation")
def put_annotation(paragraph_id: str) -> tuple[Response, int]:
    """Save my annotation: 200 with the new version, 409 on a stale version, 422 if invalid."""
    db = get_session()
    paragraph = db.get(Paragraph, paragraph_id)
    if paragraph is None:
        abort(404)
    body = request.get_json(silent=True)
    if body is None:
        return jsonify(errors=[{"path": "$", "message": "the body must be a JSON object"}]), 422
    try:
        payload = validate_payload(body, paragraph.text, load_vocabulary(db))
        result = save_annotation(db, paragraph.id, paragraph.text, current_user, payload)
    except InvalidPayload as error:
        return jsonify(errors=[e.as_dict() for e in error.errors]), 422
    except VersionConflict as conflict:
        return (
            jsonify(
                error=(
                    f"this annotation was saved elsewhere (version {conflict.current['version']}) "
                    f"since version {body.get('version')} was loaded; reload to see it"
                ),
                annotation=conflict.current,
            ),
            409,
        )
    return jsonify(version=result.version), 200


@bp.get("/api/queue/next")
def queue_next() -> Response | tuple[str, int]:
    """The next paragraph of my queue (after ``?after=ID`` if given), or 204 when it is empty."""
    paragraph_id = next_paragraph_id(get_session(), current_user, request.args.get("after"))
    if paragraph_id is None:
        return "", 204
    return jsonify(paragraph_id=paragraph_id)


def _suggestions(
    db: Session, paragraph: Paragraph
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entity and cue suggestions: imported pre-annotations first, then alias and verb matches.

    Where a pre-annotation and an alias match cover the same span, the pre-annotation
    (a model's label) is offered and the alias match is not offered twice.
    """
    text = paragraph.text
    entities: list[dict[str, Any]] = []
    cues: list[dict[str, Any]] = []
    names = {}
    for pre in db.scalars(
        select(PreAnnotation)
        .where(PreAnnotation.paragraph_id == paragraph.id)
        .order_by(PreAnnotation.id)
    ):
        for entity in pre.payload.get("entities", []):
            entities.append(
                {
                    "id": f"pre-{pre.id}-{entity['id']}",
                    "kind": "entity",
                    "start": entity["start"],
                    "end": entity["end"],
                    "text": text[entity["start"] : entity["end"]],
                    "label": entity["label"],
                    "actor": entity["actor"],
                    "actor_name": None,
                    "alternatives": [],
                    "origin": pre.source,
                }
            )
        for quote in pre.payload.get("quotes", []):
            if quote.get("cue"):
                cue = quote["cue"]
                cues.append(
                    {
                        "id": f"pre-{pre.id}-{quote['id']}-cue",
                        "kind": "cue",
                        "start": cue["start"],
                        "end": cue["end"],
                        "text": text[cue["start"] : cue["end"]],
                        "origin": pre.source,
                    }
                )
    if entities:
        keys = {e["actor"] for e in entities if e["actor"]}
        names = {
            key: name
            for key, name in db.execute(select(Actor.key, Actor.name).where(Actor.key.in_(keys)))
        }
        for entity in entities:
            entity["actor_name"] = names.get(entity["actor"])
    taken = {(s["start"], s["end"]) for s in entities}
    entities += [s for s in _matcher(db).suggest(text) if (s["start"], s["end"]) not in taken]
    taken_cues = {(c["start"], c["end"]) for c in cues}
    cues += [c for c in suggest_cues(text) if (c["start"], c["end"]) not in taken_cues]
    return entities, cues


def _annotator_to_read(db: Session) -> User:
    """The caller, or the ``?annotator=`` user if the caller may read others' work (else 404)."""
    name = request.args.get("annotator")
    if not name or name == current_user.username:
        return current_user
    if not current_user.can_review:
        abort(404)
    user = db.scalar(select(User).where(User.username == name))
    if user is None:
        abort(404)
    return user


def _neighbour(db: Session, paragraph: Paragraph, step: int) -> dict[str, Any] | None:
    """The nearest paragraph before (-1) or after (+1) that is not boilerplate."""
    position = Paragraph.position
    query = select(Paragraph).where(
        Paragraph.document_id == paragraph.document_id, Paragraph.is_boilerplate.is_(False)
    )
    if step < 0:
        query = query.where(position < paragraph.position).order_by(position.desc())
    else:
        query = query.where(position > paragraph.position).order_by(position)
    found = db.scalar(query.limit(1))
    if found is None:
        return None
    return {"id": found.id, "index": found.position, "text": found.text}


def _matcher(db: Session) -> AliasMatcher:
    """The alias matcher, rebuilt only when the registry's confirmed aliases change."""
    fingerprint = registry_fingerprint(db)
    cached = current_app.extensions.get(MATCHER_KEY)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = db.execute(
        select(Actor.key, Actor.name, Actor.type, ActorAlias.alias, Actor.entity_label)
        .join(ActorAlias, ActorAlias.actor_key == Actor.key)
        .where(ActorAlias.status == "confirmed")
    ).all()
    matcher = AliasMatcher(AliasEntry(*row) for row in rows)
    current_app.extensions[MATCHER_KEY] = (fingerprint, matcher)
    return matcher
