"""Adjudication: every annotator's work on a paragraph side by side, and the gold annotation a
reviewer makes of it.

Gold is one more annotation (``store.save`` with no annotator): the same validation,
version check and history. What it adds is provenance, ``sources``: for each gold item,
the usernames of the annotators whose item it was taken from (an empty list: the
reviewer made it). Only annotators who submitted this paragraph can be named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .annotation import (
    InvalidPayload,
    PayloadError,
    SaveResult,
    load_vocabulary,
    read_payload,
    save,
    validate_payload,
)
from .annotation.store import Gold
from .models import Annotation, Assignment, Batch, Paragraph, User


def submitted_by(session: Session, paragraph_id: str) -> list[tuple[int, str]]:
    """(user id, username) of everyone who submitted the paragraph, by username."""
    rows = session.execute(
        select(User.id, User.username)
        .join(Annotation, Annotation.annotator_id == User.id)
        .where(Annotation.paragraph_id == paragraph_id, Annotation.status == "submitted")
        .order_by(User.username)
    )
    return [(user_id, username) for user_id, username in rows]


def adjudication(session: Session, paragraph: Paragraph) -> dict[str, Any]:
    """Every submitted annotation of the paragraph (with its annotator) and the gold one
    (version 0 when there is none yet), plus the batch the paragraph was dealt in."""
    batch = session.execute(
        select(Batch.id, Batch.name)
        .join(Assignment, Assignment.batch_id == Batch.id)
        .where(Assignment.paragraph_id == paragraph.id)
        .limit(1)
    ).first()
    return {
        "annotations": [
            {"annotator": name, **read_payload(session, paragraph.id, user_id)}
            for user_id, name in submitted_by(session, paragraph.id)
        ],
        "gold": read_payload(session, paragraph.id, None),
        "batch": {"id": batch.id, "name": batch.name} if batch else None,
    }


def check_sources(
    sources: Any, item_ids: set[str], annotators: set[str]
) -> tuple[dict[str, list[str]], list[PayloadError]]:
    """``sources`` as {item id: sorted usernames}, or what is wrong with it: every key an
    item of the gold annotation, every name an annotator who submitted the paragraph."""
    if sources is None:
        return {}, []
    if not isinstance(sources, dict):
        return {}, [PayloadError("$.sources", "must be an object: item id -> usernames")]
    errors: list[PayloadError] = []
    clean: dict[str, list[str]] = {}
    for item, names in sources.items():
        path = f"$.sources.{item}"
        if item not in item_ids:
            errors.append(PayloadError(path, f"no item {item!r} in this gold annotation"))
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors.append(PayloadError(path, "must be a list of usernames"))
            continue
        strangers = sorted(set(names) - annotators)
        if strangers:
            errors.append(
                PayloadError(path, f"{', '.join(strangers)} did not submit this paragraph")
            )
            continue
        clean[item] = sorted(set(names))
    return clean, errors


def save_gold(
    session: Session, paragraph: Paragraph, reviewer: User, body: Mapping[str, Any]
) -> SaveResult:
    """Validate and store the gold annotation of the paragraph from a payload with its
    ``sources``. Raises ``InvalidPayload`` (naming each field) or ``VersionConflict``."""
    payload = {key: value for key, value in body.items() if key != "sources"}
    errors: list[PayloadError] = []
    if payload.get("status") != "submitted":
        # Gold is final: it has no draft, and a paragraph not worth a gold is not adjudicated.
        errors.append(PayloadError("$.status", "gold is saved with status submitted"))
    try:
        version, content = validate_payload(payload, paragraph.text, load_vocabulary(session))
    except InvalidPayload as invalid:
        errors.extend(invalid.errors)
        content = None
    item_ids = (
        {item.id for layer in (content.entities, content.stances, content.quotes) for item in layer}
        if content is not None
        else set()
    )
    annotators = {name for _, name in submitted_by(session, paragraph.id)}
    sources, problems = check_sources(body.get("sources"), item_ids, annotators)
    if content is not None:
        errors.extend(problems)
    if errors or content is None:
        raise InvalidPayload(errors)
    return save(
        session,
        paragraph.id,
        paragraph.text,
        None,
        version,
        content,
        gold=Gold(saved_by=reviewer.id, sources=sources),
    )
