"""The annotation workspace: the page, and the API it runs on.

Route -> annotation.validation -> annotation.store -> models, and back as JSON.
An annotator reads and writes only their own annotations; reviewers and admins
may read anyone's (``?annotator=NAME``). Writes always go to the caller's own.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response

from ..accounts import find_user
from ..annotation import (
    SaveResult,
    load_vocabulary,
    payload_limits,
    read_payload,
    save,
    validate_payload,
)
from ..catalogue import label_configuration, neighbour
from ..extensions import get_session
from ..models import Paragraph, User
from ..queue import memberships, next_paragraph_id, progress
from ..registry import actors_by_key
from ..suggestions import lexicon_words, suggestions_for
from .errors import NOT_AN_OBJECT, body_object, found, refused, save_answer
from .policy import Access, allow

bp = Blueprint("workspace", __name__)


@bp.get("/annotate")
@allow(Access.USER)
def start() -> Response | str:
    """Open the first paragraph of my queue, or say the queue is empty."""
    db = get_session()
    paragraph_id = next_paragraph_id(db, current_user)
    if paragraph_id is None:
        return render_template(
            "workspace/done.html",
            progress=progress(db, current_user),
            batches=memberships(db, current_user),
        )
    return redirect(url_for("workspace.annotate", paragraph_id=paragraph_id))


@bp.get("/annotate/<paragraph_id>")
@allow(Access.USER)
def annotate(paragraph_id: str) -> str:
    """The workspace page; its script loads the paragraph through the API."""
    paragraph = found(get_session().get(Paragraph, paragraph_id))
    return render_template("workspace/annotate.html", paragraph=paragraph)


@bp.get("/api/labels")
@allow(Access.USER)
def labels() -> Response:
    """The label configuration (entity types, polarities, quote types, in display order) and
    the limits a payload must keep."""
    return jsonify(**label_configuration(get_session()), limits=payload_limits())


@bp.get("/api/lexicon")
@allow(Access.USER)
def lexicon() -> Response:
    """The words the suggestion rules read, with an admin's additions and removals (the
    ``ANNOTATOR_*_LEXICON`` files): the workspace's W and B read the same cues, titles and
    collective nouns, so an admin's list reaches them too."""
    return jsonify(**lexicon_words())


@bp.get("/api/paragraphs/<paragraph_id>")
@allow(Access.USER)
def get_paragraph(paragraph_id: str) -> Response:
    """The paragraph, its context, my annotation (or ``?annotator=`` for reviewers), suggestions."""
    db = get_session()
    # With its document in the same query: every GET shows the title.
    paragraph = found(db.get(Paragraph, paragraph_id, options=[joinedload(Paragraph.document)]))
    annotator = _annotator_to_read(db)
    document = paragraph.document
    annotation = read_payload(db, paragraph.id, annotator.id)
    entity_suggestions, cue_suggestions = suggestions_for(db, paragraph)
    actor_keys = {e["actor"] for e in annotation["entities"] if e["actor"]}
    actor_keys |= {s["actor"] for s in entity_suggestions if s["actor"]}
    return jsonify(
        id=paragraph.id,
        document={"id": document.id, "title": document.title},
        index=paragraph.position,
        text=paragraph.text,
        is_boilerplate=paragraph.is_boilerplate,
        context={
            "previous": neighbour(db, paragraph, -1),
            "next": neighbour(db, paragraph, +1),
        },
        annotator=annotator.username,
        read_only=annotator.id != current_user.id,
        annotation=annotation,
        suggestions={"entities": entity_suggestions, "cues": cue_suggestions},
        actors=actors_by_key(db, actor_keys),
        progress=progress(db, annotator).__dict__,
    )


@bp.put("/api/paragraphs/<paragraph_id>/annotation")
@allow(Access.USER)
def put_annotation(paragraph_id: str) -> tuple[Response, int]:
    """Save my annotation: 200 with the new version, 409 on a stale version, 422 if invalid."""
    db = get_session()
    paragraph = found(db.get(Paragraph, paragraph_id))
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)

    def store() -> SaveResult:
        version, content = validate_payload(body, paragraph.text, load_vocabulary(db))
        return save(db, paragraph.id, paragraph.text, current_user.id, version, content)

    return save_answer(store, body.get("version"), "this annotation")


@bp.get("/api/queue/next")
@allow(Access.USER)
def queue_next() -> Response | tuple[str, int]:
    """The next paragraph of my queue (after ``?after=ID`` if given), or 204 when it is empty."""
    paragraph_id = next_paragraph_id(get_session(), current_user, request.args.get("after"))
    if paragraph_id is None:
        return "", 204
    return jsonify(paragraph_id=paragraph_id)


def _annotator_to_read(db: Session) -> User:
    """The caller, or the ``?annotator=`` user if the caller may read others' work (else 404)."""
    name = request.args.get("annotator")
    if not name or name == current_user.username:
        return current_user
    if not current_user.can_review:
        abort(404)
    return found(find_user(db, name))
