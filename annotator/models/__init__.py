"""Typed SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from .actors import Actor, ActorAlias
from .annotations import (
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    AnnotationQuote,
    AnnotationStance,
    PreAnnotation,
    SuggestionDecision,
)
from .base import Base, utcnow
from .batches import Assignment, Batch, BatchDocument, BatchMember
from .documents import CorpusStats, Document, Paragraph
from .labels import ActorType, EntityType, QuoteType, StancePolarity
from .rate_limits import RateLimitCounter
from .suggestions import LearnedSpan, LearnedState
from .users import ROLES, ApiToken, User

__all__ = [
    "ROLES",
    "Actor",
    "ActorAlias",
    "ActorType",
    "Annotation",
    "Assignment",
    "AnnotationEntity",
    "AnnotationHistory",
    "AnnotationQuote",
    "AnnotationStance",
    "ApiToken",
    "Base",
    "CorpusStats",
    "Batch",
    "BatchDocument",
    "BatchMember",
    "Document",
    "EntityType",
    "LearnedSpan",
    "LearnedState",
    "Paragraph",
    "PreAnnotation",
    "QuoteType",
    "RateLimitCounter",
    "StancePolarity",
    "SuggestionDecision",
    "User",
    "utcnow",
]
