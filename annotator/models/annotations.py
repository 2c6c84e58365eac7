"""Annotations: one per (paragraph, annotator), with entities, stances and quotes.

The annotation tables are written by ``annotator.annotation.store`` alone (pre-annotations,
offered as suggestions, by the import). Items keep the
ids the client gave them ("e1", "s1", "q1") as ``local_id``; stances and quotes point at
entities and quotes of the same annotation through composite foreign keys, so the
database itself refuses a reference that leaves it. An annotation's content is read back
from its history row (the whole payload of each version); the layer rows index it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow

# The stored record layers of an annotation without any (see annotator/annotation/record.py).
EMPTY_RECORD_LAYERS = '{"entities":[],"stances":[],"quotes":[]}'


class Annotation(Base):
    """One annotator's work on one paragraph; ``version`` guards against silent overwrites.

    The paragraph's gold annotation (adjudicated by a reviewer) is one more row here, with
    no annotator, status ``gold`` and the usernames its items came from in ``sources``.
    """

    __tablename__ = "annotations"
    __table_args__ = (
        UniqueConstraint("paragraph_id", "annotator_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'skipped', 'gold')", name="status_known"),
        CheckConstraint(
            "(annotator_id IS NULL AND status = 'gold') "
            "OR (annotator_id IS NOT NULL AND status <> 'gold')",
            name="gold_has_no_annotator",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_annotations_annotator_status", "annotator_id", "status"),
        # One gold annotation per paragraph (NULLs never collide in the UNIQUE above).
        Index(
            "ux_annotations_gold",
            "paragraph_id",
            unique=True,
            sqlite_where=text("annotator_id IS NULL"),
            postgresql_where=text("annotator_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paragraph_id: Mapped[str] = mapped_column(ForeignKey("paragraphs.id", ondelete="RESTRICT"))
    # None for the gold annotation.
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    comment: Mapped[str | None] = mapped_column(Text)
    # Flagged for a reviewer (a problem with the paragraph); the comment says what.
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The annotator.v2 record's entities, stances and quotes (span texts and actors written
    # out) as compact JSON, written from the same payload as the layer rows in the same
    # transaction: an export copies it instead of rebuilding each record from those rows.
    record_layers: Mapped[str] = mapped_column(Text, server_default=EMPTY_RECORD_LAYERS)
    # Gold only: the usernames whose items it took, as a JSON array (sorted).
    sources: Mapped[str | None] = mapped_column(Text)


class AnnotationEntity(Base):
    """A span naming an actor, typed, optionally linked to the registry."""

    __tablename__ = "annotation_entities"
    __table_args__ = (CheckConstraint('start >= 0 AND start < "end"', name="span_valid"),)

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    local_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Order as the annotator saved them, so a reload gives back exactly what was saved.
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(ForeignKey("entity_types.name"))
    actor_key: Mapped[str | None] = mapped_column(ForeignKey("actors.key"), index=True)
    # Whether the span was accepted from a suggestion rather than drawn by hand.
    from_suggestion: Mapped[bool] = mapped_column(default=False)


class AnnotationQuote(Base):
    """Reported speech: speaker (an entity, or none), cue span, content span, type."""

    __tablename__ = "annotation_quotes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["annotation_id", "speaker"],
            ["annotation_entities.annotation_id", "annotation_entities.local_id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("content_start >= 0 AND content_start < content_end", name="content_valid"),
        CheckConstraint(
            "(cue_start IS NULL AND cue_end IS NULL) OR (cue_start >= 0 AND cue_start < cue_end)",
            name="cue_valid",
        ),
    )

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    local_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    speaker: Mapped[str | None] = mapped_column(String(32))
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(ForeignKey("quote_types.name"))


class AnnotationStance(Base):
    """Holder is for or against a target (another entity, or a span of text)."""

    __tablename__ = "annotation_stances"
    __table_args__ = (
        ForeignKeyConstraint(
            ["annotation_id", "holder"],
            ["annotation_entities.annotation_id", "annotation_entities.local_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["annotation_id", "target_entity"],
            ["annotation_entities.annotation_id", "annotation_entities.local_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["annotation_id", "quote"],
            ["annotation_quotes.annotation_id", "annotation_quotes.local_id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "(target_entity IS NOT NULL AND target_start IS NULL AND target_end IS NULL) OR "
            "(target_entity IS NULL AND target_start >= 0 AND target_start < target_end)",
            name="one_target",
        ),
        CheckConstraint(
            "target_entity IS NULL OR target_entity <> holder", name="holder_not_target"
        ),
    )

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    local_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    holder: Mapped[str] = mapped_column(String(32))
    target_entity: Mapped[str | None] = mapped_column(String(32))
    target_start: Mapped[int | None] = mapped_column(Integer)
    target_end: Mapped[int | None] = mapped_column(Integer)
    polarity: Mapped[str] = mapped_column(ForeignKey("stance_polarities.name"))
    quote: Mapped[str | None] = mapped_column(String(32))


class SuggestionDecision(Base):
    """What the annotator did with one suggestion (an alias match or a cue).

    Suggestions never become labels by themselves; this records, per annotation, which
    ones a person accepted, which they turned down, and which were still undecided when
    the paragraph was submitted or skipped ("ignored").
    """

    __tablename__ = "suggestion_decisions"
    __table_args__ = (
        CheckConstraint("kind IN ('entity', 'cue')", name="kind_known"),
        CheckConstraint("decision IN ('accepted', 'rejected', 'ignored')", name="decision_known"),
        CheckConstraint('start >= 0 AND start < "end"', name="span_valid"),
    )

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    suggestion_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(32))
    actor_key: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))


class PreAnnotation(Base):
    """Labels imported from a file (a model's predictions, say), offered as suggestions.

    They are never labels themselves: the workspace draws them dashed, like alias matches,
    until a person accepts them. ``payload`` holds the imported record's layers.
    """

    __tablename__ = "pre_annotations"
    __table_args__ = (UniqueConstraint("paragraph_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paragraph_id: Mapped[str] = mapped_column(
        ForeignKey("paragraphs.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnotationHistory(Base):
    """Append-only record of every save: who, when, which version, the whole payload.

    Database triggers refuse UPDATE and DELETE on this table (see the first migration).
    """

    __tablename__ = "annotation_history"
    __table_args__ = (UniqueConstraint("annotation_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Found through UNIQUE (annotation_id, version), which also serves the foreign key.
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
