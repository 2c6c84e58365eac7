"""Merging one actor of the registry into another: the same actor entered twice.

Every annotation that links the merged actor (gold ones among them) is rewritten through
the annotation store to link the kept one, each as a new version with its history row;
pre-annotations are rewritten too. The merged actor's key, name and aliases become aliases
of the kept actor, so that an older export naming the old key still finds it on import
(``registry.key_aliases``). All of it happens in one transaction: a failure part-way
leaves the registry and the annotations as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Text, and_, cast, or_, select
from sqlalchemy.orm import Session

from .annotation.model import Content, RecordLayers
from .annotation.store import Rewrite, StaleAnnotation, rewrite_many
from .models import (
    Actor,
    ActorAlias,
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    Paragraph,
    PreAnnotation,
    SuggestionDecision,
)
from .registry import RegistryError, check_alias_count, normalise_alias, registry_changed

CHUNK = 500  # annotations read and rewritten together


class MergeRefused(ValueError):
    """A merge that cannot be made: ``path`` names the field at fault; ``missing`` when it
    is an actor that does not exist (a 404 rather than a 422)."""

    def __init__(self, path: str, message: str, *, missing: bool = False) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.missing = path, message, missing


@dataclass
class MergeOutcome:
    """What a merge changed."""

    merged: str
    into: str
    annotations_updated: int = 0
    pre_annotations_updated: int = 0
    aliases_added: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The API's answer."""
        return {
            "merged": self.merged,
            "into": self.into,
            "annotations_updated": self.annotations_updated,
            "pre_annotations_updated": self.pre_annotations_updated,
            "aliases_added": self.aliases_added,
        }


def merge_actors(session: Session, key: str, into: str, by_user_id: int) -> MergeOutcome:
    """Merge actor ``key`` into actor ``into`` on behalf of user ``by_user_id``, and commit.

    Raises ``MergeRefused`` (nothing changed) for a merge into itself, an actor that does
    not exist, or a kept actor that would hold more aliases than an actor may; rolls back
    and re-raises on any failure part-way (``StaleAnnotation`` when an annotation was saved
    meanwhile: try again).
    """
    if key == into:
        raise MergeRefused("into", f"an actor cannot be merged into itself ({key!r})")
    merged = session.get(Actor, key)
    if merged is None:
        raise MergeRefused("key", f"there is no actor {key!r}", missing=True)
    kept = session.get(Actor, into)
    if kept is None:
        raise MergeRefused("into", f"there is no actor {into!r} to merge into", missing=True)
    outcome = MergeOutcome(key, into)
    try:
        outcome.aliases_added = _move_aliases(merged, kept, by_user_id)
        session.flush()
        outcome.annotations_updated = _relink_annotations(session, key, into, by_user_id)
        outcome.pre_annotations_updated = _relink_pre_annotations(session, key, into)
        session.delete(merged)
        session.flush()
        session.commit()
    except RegistryError as error:
        session.rollback()
        raise MergeRefused("into", str(error).partition(": ")[2]) from None
    except BaseException:
        session.rollback()
        raise
    registry_changed()
    return outcome


def _move_aliases(merged: Actor, kept: Actor, by_user_id: int) -> int:
    """Give ``kept`` the aliases of ``merged`` it lacks, and ``merged``'s key as one more:
    confirmed ones stay confirmed, proposed ones proposed. Returns how many it gained."""
    held = {alias.normalised: alias for alias in kept.aliases}
    incoming: list[ActorAlias] = []
    key_alias = ActorAlias(
        alias=merged.key,
        normalised=normalise_alias(merged.key),
        status="confirmed",
        proposed_by_id=by_user_id,
        reviewed_by_id=by_user_id,
    )
    # The key first: where it and the merged actor's name spell the same ("islamic-state",
    # "Islamic State"), the registry then lists the old key itself.
    for alias in [key_alias, *merged.aliases]:
        present = held.get(alias.normalised)
        if present is None:
            held[alias.normalised] = alias
            incoming.append(alias)
        elif present.status == "proposed" and alias.status == "confirmed":
            present.status = "confirmed"
            present.reviewed_by_id = by_user_id
    check_alias_count(kept.key, [alias.alias for alias in held.values()])
    for alias in incoming:
        if alias in merged.aliases:
            merged.aliases.remove(alias)
        kept.aliases.append(alias)
    return len(incoming)


def _relink_annotations(session: Session, key: str, into: str, by_user_id: int) -> int:
    """Rewrite every annotation whose entities or suggestion decisions link ``key`` to link
    ``into``, through the store (a history row each). Returns how many."""
    linked = (
        select(AnnotationEntity.annotation_id)
        .where(AnnotationEntity.actor_key == key)
        .union(select(SuggestionDecision.annotation_id).where(SuggestionDecision.actor_key == key))
    )
    ids = sorted(session.scalars(linked))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = session.execute(
            select(
                Annotation.id,
                Annotation.version,
                Annotation.status,
                Annotation.comment,
                Annotation.flagged,
                Annotation.record_layers,
                Paragraph.text,
                AnnotationHistory.payload,
            )
            .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
            .outerjoin(
                AnnotationHistory,
                and_(
                    AnnotationHistory.annotation_id == Annotation.id,
                    AnnotationHistory.version == Annotation.version,
                ),
            )
            .where(Annotation.id.in_(chunk))
            .with_for_update(of=Annotation)
        ).all()
        rewrites = []
        for id_, version, status, comment, flagged, layers, text, stored in rows:
            if stored is not None:
                content = Content.from_payload(stored)
            else:  # written outside the store: its record layers are all there is
                content = msgspec.json.decode(layers, type=RecordLayers).content(
                    status, comment, flagged
                )
            note: dict[str, Any] = {"actor_merged": {"from": key, "into": into}}
            if stored is not None and "sources" in stored:
                note["sources"] = stored["sources"]  # a gold annotation's, kept
            rewrites.append(Rewrite(id_, version, text, _relinked(content, key, into), note))
        rewrite_many(session, rewrites, by_user_id)
    return len(ids)


def _relinked(content: Content, key: str, into: str) -> Content:
    """``content`` with every link to ``key`` (entities and suggestion decisions) made to
    ``into``."""
    for entity in content.entities:
        if entity.actor == key:
            entity.actor = into
    for decision in content.suggestions:
        if decision.actor == key:
            decision.actor = into
    return content


def _relink_pre_annotations(session: Session, key: str, into: str) -> int:
    """Make imported pre-annotations that link ``key`` link ``into``; returns how many."""
    text = cast(PreAnnotation.payload, Text)
    # A cheap filter on the JSON's text (with and without a space after the colon), then
    # the payload itself decides.
    candidates = session.scalars(
        select(PreAnnotation).where(
            or_(text.like(f'%"actor":"{key}"%'), text.like(f'%"actor": "{key}"%'))
        )
    )
    changed = 0
    for pre in candidates:
        payload = dict(pre.payload)
        entities = [dict(entity) for entity in payload.get("entities", [])]
        hits = [entity for entity in entities if entity.get("actor") == key]
        if hits:
            for entity in hits:
                entity["actor"] = into
            payload["entities"] = entities
            pre.payload = payload
            changed += 1
    session.flush()
    return changed


__all__ = ["MergeOutcome", "MergeRefused", "StaleAnnotation", "merge_actors"]
