"""Articles and their paragraphs, as imported."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONType, UTCDateTime, utcnow


class Document(Base):
    """One article. Its id is derived from its content unless the import file gives one."""

    __tablename__ = "documents"
    __table_args__ = (
        # The queue walks documents in this order (annotator.queue).
        Index("ix_documents_source_id", "source", "id"),
        CheckConstraint("length(id) BETWEEN 1 AND 64", name="id_length"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(512))
    published: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16))
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # sha256 of the title and every paragraph: the same article imported under
    # another name or id is recognised as already present.
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A retired document leaves every queue and batch deal but keeps its annotations and is
    # still exported; clearing this restores it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="document", order_by="Paragraph.position", cascade="all, delete-orphan"
    )


class Paragraph(Base):
    """One paragraph of an article: the unit an annotator labels.

    Boilerplate (page furniture) is kept so nothing of the source is lost, but it is
    flagged, shown greyed, and kept out of annotators' queues.
    """

    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        CheckConstraint("length(text_sha256) = 64", name="sha256_length"),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Compared by paragraph id (an import must find the same text); no index: nothing
    # looks paragraphs up by hash, and a random-order index slows large imports down.
    text_sha256: Mapped[str] = mapped_column(String(64))
    is_boilerplate: Mapped[bool] = mapped_column(Boolean, default=False)
    # Which rule flagged it, shown to the reader so the flag can be questioned.
    boilerplate_reason: Mapped[str | None] = mapped_column(String(64))

    document: Mapped[Document] = relationship(back_populates="paragraphs")


class CorpusStats(Base):
    """One row: how many paragraphs there are to annotate (boilerplate aside), kept by every
    import, so that the progress line of an annotator in no batch never counts the corpus."""

    __tablename__ = "corpus_stats"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    annotatable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
