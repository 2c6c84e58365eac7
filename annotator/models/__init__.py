"""Typed SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from .actors import Actor, ActorAlias
from .annotations import (
    STATUSES,
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    AnnotationQuote,
    AnnotationStance,
)
from .base import Base, utcnow
from .documents import Document, Paragraph
from .labels import ActorType, EntityType, QuoteType, StancePolarity
from .users import ROLES, ApiToken, User

__all__ = [
    "ROLES",
    "STATUSES",
    "Actor",
    "ActorAlias",
    "ActorType",
    "Annotation",
    "AnnotationEntity",
    "AnnotationHistory",
    "AnnotationQuote",
    "AnnotationStance",
    "ApiToken",
    "Base",
    "Document",
    "EntityType",
    "Paragraph",
    "QuoteType",
    "StancePolarity",
    "User",
    "utcnow",
]
