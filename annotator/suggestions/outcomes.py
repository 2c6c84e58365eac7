"""How suggestions fare, per kind (registry, learned, title, cue_subject, phrase, group, cue,
pre_annotation): how many were decided on, accepted, rejected or left, read from the
recorded decisions (``suggestion_decisions``), whose ids say their kind (``kinds.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import SuggestionDecision
from .kinds import kind_of


@dataclass
class Outcome:
    """The decisions on one kind of suggestion."""

    accepted: int = 0
    rejected: int = 0
    ignored: int = 0

    @property
    def offered(self) -> int:
        return self.accepted + self.rejected + self.ignored

    @property
    def precision(self) -> float | None:
        """The share of the offered ones that were accepted (None when none was offered)."""
        return self.accepted / self.offered if self.offered else None


def outcomes_by_kind(session: Session) -> dict[str, Outcome]:
    """Every recorded decision, counted per kind of suggestion and per outcome (one grouped
    query; the kind is read off each distinct id)."""
    found: dict[str, Outcome] = {}
    rows = session.execute(
        select(
            SuggestionDecision.suggestion_id, SuggestionDecision.decision, func.count()
        ).group_by(SuggestionDecision.suggestion_id, SuggestionDecision.decision)
    )
    for suggestion_id, decision, count in rows:
        outcome = found.setdefault(kind_of(suggestion_id), Outcome())
        setattr(outcome, decision, getattr(outcome, decision) + count)
    return found
