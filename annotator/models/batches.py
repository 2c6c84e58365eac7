"""Batches: which annotators label which paragraphs, and how far each has got.

A batch deals the annotatable paragraphs of some documents to some annotators so that each
paragraph is labelled by ``overlap`` of them. The deal is written down, one ``Assignment``
row per (paragraph, annotator), so it can be shown, exported and followed by the queue.

The counts a page needs on every request (done and remaining per annotator, completion per
document) are kept on ``BatchMember`` and ``BatchDocument`` and changed by the save that
changes them (``annotator.annotation.counts.mirror_save``), so they are read, never recounted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class Batch(Base):
    """A named deal of documents to annotators, each paragraph to ``overlap`` of them."""

    __tablename__ = "batches"
    __table_args__ = (
        CheckConstraint("overlap >= 1", name="overlap_positive"),
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    overlap: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))


class BatchDocument(Base):
    """A document in a batch (a document is in one batch at most), with its completion."""

    __tablename__ = "batch_documents"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True, unique=True
    )
    # Assignments of the document's paragraphs, and how many of them are done.
    slots: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_slots: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BatchMember(Base):
    """An annotator in a batch, with their counts. A removed member (``active`` false)
    keeps the assignments they finished; their annotations still count."""

    __tablename__ = "batch_members"
    # Is this user in any batch (then their queue is their assignments)?
    __table_args__ = (Index("ix_batch_members_user_id", "user_id"),)

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    submitted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    flagged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When they last finished a paragraph of this batch: the next one's time is counted from it.
    last_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Assignment(Base):
    """One paragraph dealt to one annotator, with the state of their annotation of it.

    ``status``, ``flagged``, ``done_at`` and ``seconds`` mirror the annotation (kept by the
    save); ``seconds`` is the time since the annotator's previous finished paragraph, when
    that was short enough to be work rather than a break.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "status IS NULL OR status IN ('draft', 'submitted', 'skipped')", name="status_known"
        ),
        # The queue: my next unfinished paragraph, batch by batch in article order.
        Index("ix_assignments_queue", "user_id", "done", "batch_id", "seq"),
        Index("ix_assignments_batch", "batch_id", "user_id"),
        # The dashboard's list of flagged paragraphs: a few among a batch's many.
        Index("ix_assignments_flagged", "batch_id", "flagged"),
    )

    paragraph_id: Mapped[str] = mapped_column(
        ForeignKey("paragraphs.id", ondelete="RESTRICT"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    # The paragraph's place in the batch, in article order.
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(16))
    done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds: Mapped[int | None] = mapped_column(Integer)
