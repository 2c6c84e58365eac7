"""Reading and saving one annotator's annotation of one paragraph.

Saving is optimistic: the caller names the version it started from, and a save
from a stale version is refused with the server's copy (never a silent
overwrite). Every save appends the whole payload to ``annotation_history``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import (
    Actor,
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    AnnotationQuote,
    AnnotationStance,
    EntityType,
    QuoteType,
    StancePolarity,
    SuggestionDecision,
    User,
)
from .record_layers import actor_details, encode_layers
from .validation import ValidPayload, Vocabulary

EMPTY_ANNOTATION: dict[str, Any] = {
    "version": 0,
    "status": "draft",
    "comment": None,
    "flagged": False,
    "entities": [],
    "stances": [],
    "quotes": [],
    "suggestions": [],
    "updated_at": None,
}


class VersionConflict(Exception):
    """The annotation changed since the client loaded it; carries the server's copy."""

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = current
        super().__init__(f"stale version; the server has version {current['version']}")


@dataclass(frozen=True)
class SaveResult:
    version: int
    annotation_id: int


def load_vocabulary(session: Session) -> Vocabulary:
    """The labels and actor keys a payload may use, read from the database."""
    return Vocabulary(
        entity_types=frozenset(session.scalars(select(EntityType.name))),
        polarities=frozenset(session.scalars(select(StancePolarity.name))),
        quote_types=frozenset(session.scalars(select(QuoteType.name))),
        actor_keys=frozenset(session.scalars(select(Actor.key))),
    )


def find_annotation(session: Session, paragraph_id: str, annotator_id: int) -> Annotation | None:
    """The annotation of ``annotator_id`` on ``paragraph_id``, or None."""
    return session.scalar(
        select(Annotation).where(
            Annotation.paragraph_id == paragraph_id, Annotation.annotator_id == annotator_id
        )
    )


def annotation_payload(annotation: Annotation | None) -> dict[str, Any]:
    """The API shape of an annotation (version 0 and empty layers when there is none)."""
    if annotation is None:
        return {key: (list(v) if isinstance(v, list) else v) for key, v in EMPTY_ANNOTATION.items()}
    return {
        "version": annotation.version,
        "status": annotation.status,
        "comment": annotation.comment,
        "flagged": annotation.flagged,
        "entities": [
            {
                "id": e.local_id,
                "start": e.start,
                "end": e.end,
                "label": e.label,
                "actor": e.actor_key,
                "from_suggestion": e.from_suggestion,
            }
            for e in annotation.entities
        ],
        "stances": [
            {
                "id": s.local_id,
                "holder": s.holder,
                "target": s.target_entity
                if s.target_entity is not None
                else {"start": s.target_start, "end": s.target_end},
                "polarity": s.polarity,
                "quote": s.quote,
            }
            for s in annotation.stances
        ],
        "quotes": [
            {
                "id": q.local_id,
                "speaker": q.speaker,
                "cue": {"start": q.cue_start, "end": q.cue_end}
                if q.cue_start is not None
                else None,
                "content": {"start": q.content_start, "end": q.content_end},
                "type": q.type,
            }
            for q in annotation.quotes
        ],
        "suggestions": [
            {
                "id": d.suggestion_id,
                "kind": d.kind,
                "start": d.start,
                "end": d.end,
                "label": d.label,
                "actor": d.actor_key,
                "decision": d.decision,
            }
            for d in annotation.suggestion_decisions
        ],
        "updated_at": annotation.updated_at.isoformat(),
    }


def save_annotation(
    session: Session, paragraph_id: str, text: str, user: User, payload: ValidPayload
) -> SaveResult:
    """Store ``payload`` as ``user``'s annotation of the paragraph and append it to the history.

    ``text`` is the paragraph's text, which the payload was validated against: the
    stored record layers carry the spans' texts.

    Raises ``VersionConflict`` (and stores nothing) when ``payload.version`` is not the
    version the server holds. Commits on success.
    """
    now = datetime.now(UTC)
    layers = encode_layers(
        payload, text, actor_details(session, (e["actor"] for e in payload.entities))
    )
    existing = find_annotation(session, paragraph_id, user.id)
    if existing is None:
        if payload.version != 0:
            raise VersionConflict(annotation_payload(None))
        annotation = Annotation(
            paragraph_id=paragraph_id,
            annotator_id=user.id,
            status=payload.status,
            comment=payload.comment,
            flagged=payload.flagged,
            version=1,
            created_at=now,
            updated_at=now,
            record_layers=layers,
        )
        session.add(annotation)
        try:
            session.flush()
        except IntegrityError:
            # Another request created this annotation between our read and our insert
            # (the UNIQUE (paragraph, annotator) constraint): the caller is now stale.
            session.rollback()
            raise VersionConflict(_current_payload(session, paragraph_id, user.id)) from None
        annotation_id, new_version = annotation.id, 1
    else:
        annotation_id = existing.id
        # Compare-and-set in one statement: two tabs saving at once cannot both win.
        result = session.execute(
            update(Annotation)
            .where(Annotation.id == annotation_id, Annotation.version == payload.version)
            .values(
                version=Annotation.version + 1,
                status=payload.status,
                comment=payload.comment,
                flagged=payload.flagged,
                updated_at=now,
                record_layers=layers,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            raise VersionConflict(_current_payload(session, paragraph_id, user.id))
        new_version = payload.version + 1
        for model in (AnnotationStance, AnnotationQuote, AnnotationEntity, SuggestionDecision):
            session.execute(delete(model).where(model.annotation_id == annotation_id))
    try:
        _insert_layers(session, annotation_id, payload)
        session.add(
            AnnotationHistory(
                annotation_id=annotation_id,
                version=new_version,
                status=payload.status,
                saved_by_id=user.id,
                saved_at=now,
                payload={"version": new_version, **payload.content()},
            )
        )
        session.commit()
    except BaseException:
        # Any other refusal (a bug, a schema older than the code) is an error, not a conflict.
        session.rollback()
        raise
    session.expire_all()
    return SaveResult(version=new_version, annotation_id=annotation_id)


def _current_payload(session: Session, paragraph_id: str, annotator_id: int) -> dict[str, Any]:
    session.expire_all()
    return annotation_payload(find_annotation(session, paragraph_id, annotator_id))


# Each layer table's columns after ``annotation_id``, in the order ``layer_values`` gives them.
LAYER_COLUMNS: dict[type, tuple[str, ...]] = {
    AnnotationEntity: (
        "local_id", "position", "start", "end", "label", "actor_key", "from_suggestion"
    ),
    AnnotationQuote: (
        "local_id", "position", "speaker", "cue_start", "cue_end", "content_start",
        "content_end", "type",
    ),
    AnnotationStance: (
        "local_id", "position", "holder", "target_entity", "target_start", "target_end",
        "polarity", "quote",
    ),
    SuggestionDecision: (
        "suggestion_id", "position", "kind", "start", "end", "label", "actor_key", "decision"
    ),
}  # fmt: skip


def layer_values(payload: ValidPayload) -> dict[type, list[tuple[Any, ...]]]:
    """The rows of a payload's layers without their annotation id, by model, in the order
    they must be inserted (quotes before the stances that point at them)."""
    return {
        AnnotationEntity: [
            (e["id"], position, e["start"], e["end"], e["label"], e["actor"], e["from_suggestion"])
            for position, e in enumerate(payload.entities)
        ],
        AnnotationQuote: [
            (
                q["id"],
                position,
                q["speaker"],
                q["cue"]["start"] if q["cue"] else None,
                q["cue"]["end"] if q["cue"] else None,
                q["content"]["start"],
                q["content"]["end"],
                q["type"],
            )
            for position, q in enumerate(payload.quotes)
        ],
        AnnotationStance: [
            (
                s["id"],
                position,
                s["holder"],
                s["target"] if isinstance(s["target"], str) else None,
                None if isinstance(s["target"], str) else s["target"]["start"],
                None if isinstance(s["target"], str) else s["target"]["end"],
                s["polarity"],
                s["quote"],
            )
            for position, s in enumerate(payload.stances)
        ],
        SuggestionDecision: [
            (
                d["id"],
                position,
                d["kind"],
                d["start"],
                d["end"],
                d["label"],
                d["actor"],
                d["decision"],
            )
            for position, d in enumerate(payload.suggestions)
        ],
    }


def layer_rows(annotation_id: int, payload: ValidPayload) -> dict[type, list[dict[str, Any]]]:
    """``layer_values`` as rows (dicts) of annotation ``annotation_id``."""
    return {
        model: [
            {"annotation_id": annotation_id, **dict(zip(LAYER_COLUMNS[model], row, strict=True))}
            for row in rows
        ]
        for model, rows in layer_values(payload).items()
    }


def _insert_layers(session: Session, annotation_id: int, payload: ValidPayload) -> None:
    # render_nulls keeps every row's column list the same, so each layer goes to the
    # database as one multi-row INSERT instead of one statement per row.
    for model, rows in layer_rows(annotation_id, payload).items():
        if rows:
            session.execute(insert(model).execution_options(render_nulls=True), rows)
