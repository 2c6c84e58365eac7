"""The registry of canonical actors and their aliases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class Actor(Base):
    """A canonical actor (the Islamic State, the Syrian government, AFP...), keyed by a slug."""

    __tablename__ = "actors"
    __table_args__ = (CheckConstraint("length(key) BETWEEN 1 AND 64", name="key_length"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(ForeignKey("actor_types.name"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The entity type suggested for its mentions, when its actor type does not say it
    # (the PLO is a political militia by ACLED's types, but mentions are ORGANIZATION).
    entity_label: Mapped[str | None] = mapped_column(ForeignKey("entity_types.name"))

    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", order_by="ActorAlias.id"
    )


class ActorAlias(Base):
    """Another name of an actor (ISIS, ISIL, Daesh, داعش...).

    ``normalised`` is what matching compares; one actor cannot hold the same
    normalised alias twice. Anyone may propose an alias; only confirmed aliases
    are suggested on paragraphs, and reviewers confirm proposals.
    """

    __tablename__ = "actor_aliases"
    __table_args__ = (
        UniqueConstraint("actor_key", "normalised"),
        CheckConstraint("length(alias) > 0 AND length(normalised) > 0", name="not_empty"),
        CheckConstraint("status IN ('confirmed', 'proposed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_key: Mapped[str] = mapped_column(ForeignKey("actors.key", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    normalised: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default="confirmed", server_default="confirmed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Actor] = relationship(back_populates="aliases")
