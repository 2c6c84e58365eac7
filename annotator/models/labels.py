"""The label configuration: entity types, stance polarities, quote types, actor types."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Base, UTCDateTime


class LabelMixin:
    """Columns every label kind shares: a key, a display name, a colour and a hotkey."""

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    colour: Mapped[str] = mapped_column(String(7))
    hotkey: Mapped[str | None] = mapped_column(String(1), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    # Retired labels are hidden from new work but stay valid on, shown with and exported
    # with the annotations that already use them; the stored key never changes.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint, ...]:
        return (
            CheckConstraint("length(colour) = 7 AND substr(colour, 1, 1) = '#'", name="colour_hex"),
            CheckConstraint("name = upper(name) AND length(name) > 0", name="name_upper"),
        )


class EntityType(LabelMixin, Base):
    """What kind of actor an entity span names (PERSON, ARMED_GROUP, ...)."""

    __tablename__ = "entity_types"


class StancePolarity(LabelMixin, Base):
    """Whether a holder is for, against or neutral towards a target."""

    __tablename__ = "stance_polarities"


class QuoteType(LabelMixin, Base):
    """How speech is reported: DIRECT, INDIRECT or MIXED."""

    __tablename__ = "quote_types"


class ActorType(Base):
    """Categories of the actor registry, after ACLED's actor types."""

    __tablename__ = "actor_types"
    __table_args__ = (
        CheckConstraint("name = upper(name) AND length(name) > 0", name="name_upper"),
    )

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
