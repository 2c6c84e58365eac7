"""What the team's own labels teach the suggestions: each submitted span's text, label and
actor, with how often it was submitted, accepted and rejected when offered elsewhere.

Written only by ``annotator.suggestions.learning`` from the annotation store's save, in the
save's transaction; read by the learned matcher (``annotator.suggestions.learned``).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class LearnedSpan(Base):
    """One (text, label, actor) the team has labelled: offered wherever that text occurs.

    ``key`` is the text as aliases are compared (``registry.normalise_alias``), ``spelling``
    the first spelling seen (short capitals match only in capitals, as aliases do).
    ``actor_key`` is '' when the span links no actor (a key, so not NULL). The counts are
    distinct annotations: submitted with the span, accepted it when offered, rejected it.
    """

    __tablename__ = "learned_spans"
    __table_args__ = (
        CheckConstraint(
            "submissions >= 0 AND acceptances >= 0 AND rejections >= 0",
            name="counts_not_negative",
        ),
    )

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(
        ForeignKey("entity_types.name", ondelete="CASCADE"), primary_key=True
    )
    actor_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    spelling: Mapped[str] = mapped_column(String(100))
    submissions: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    acceptances: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    rejections: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class LearnedState(Base):
    """One row: a number bumped whenever what is offered from ``learned_spans`` changes, which
    a process's cached learned matcher compares before rebuilding."""

    __tablename__ = "learned_state"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer)
