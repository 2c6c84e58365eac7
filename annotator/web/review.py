"""Review: agreement between annotators, and adjudication into gold (reviewers and admins).

Route -> ``batch_agreement`` / ``adjudication`` -> the annotation store -> JSON or a page.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user

from ..adjudication import adjudication, save_gold
from ..batch_agreement import batch_agreement
from ..batch_progress import list_batches
from ..batches import find_batch
from ..catalogue import neighbour
from ..extensions import get_session
from ..models import Batch, Paragraph
from ..registry import actors_by_key
from .errors import NOT_AN_OBJECT, body_object, found, save_answer
from .policy import Access, allow

bp = Blueprint("review", __name__)


def _batch_asked() -> Batch | None:
    """The ``?batch=`` (id or name) asked for, None for every paragraph; 404 if unknown."""
    key = request.args.get("batch")
    if not key:
        return None
    return found(find_batch(get_session(), key))


@bp.get("/api/agreement")
@allow(Access.REVIEWER)
def api_agreement() -> Response:
    """Agreement per layer and per annotator pair, for ``?batch=`` or for everything."""
    return jsonify(batch_agreement(get_session(), _batch_asked()))


@bp.get("/agreement")
@allow(Access.REVIEWER)
def agreement_page() -> str:
    """The agreement figures of a batch (the newest unless ``?batch=`` says which, or
    ``all`` for every paragraph), and the paragraphs that disagree most."""
    db = get_session()
    batches = list_batches(db)
    key = request.args.get("batch")
    if key == "all" or (not key and not batches):
        batch = None
    elif not key:
        batch = db.get(Batch, batches[-1]["id"])
    else:
        batch = found(find_batch(db, key))
    return render_template(
        "review/agreement.html",
        figures=batch_agreement(db, batch),
        batches=batches,
        chosen=batch.id if batch is not None else None,
    )


@bp.get("/adjudicate/<paragraph_id>")
@allow(Access.REVIEWER)
def adjudicate_page(paragraph_id: str) -> str:
    """The adjudication page; its script loads the annotations through the API."""
    paragraph = found(get_session().get(Paragraph, paragraph_id))
    return render_template("review/adjudicate.html", paragraph=paragraph)


@bp.get("/api/paragraphs/<paragraph_id>/adjudication")
@allow(Access.REVIEWER)
def api_adjudication(paragraph_id: str) -> Response:
    """The paragraph, every submitted annotation of it, and its gold annotation."""
    db = get_session()
    paragraph = found(db.get(Paragraph, paragraph_id))
    found_ = adjudication(db, paragraph)
    layers = [*found_["annotations"], found_["gold"]]
    keys = {e["actor"] for layer in layers for e in layer["entities"] if e["actor"]}
    return jsonify(
        id=paragraph.id,
        document={"id": paragraph.document.id, "title": paragraph.document.title},
        index=paragraph.position,
        text=paragraph.text,
        context={
            "previous": neighbour(db, paragraph, -1),
            "next": neighbour(db, paragraph, +1),
        },
        actors=actors_by_key(db, keys),
        **found_,
    )


@bp.put("/api/paragraphs/<paragraph_id>/gold")
@allow(Access.REVIEWER)
def put_gold(paragraph_id: str) -> tuple[Response, int]:
    """Save the gold annotation (a payload plus ``sources``): 200 with the new version, 409
    on a stale version, 422 naming each field at fault."""
    db = get_session()
    paragraph = found(db.get(Paragraph, paragraph_id))
    body = body_object()
    if body is None:
        return jsonify(errors=[NOT_AN_OBJECT]), 422
    return save_answer(
        lambda: save_gold(db, paragraph, current_user, body),
        body.get("version"),
        "the gold annotation",
    )
