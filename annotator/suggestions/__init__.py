"""Suggestions: alias matches and reporting verbs found in a text (``matching``, pure), and
what a paragraph is offered (``service``)."""

from .matching import ENTITY_LABEL_FOR_ACTOR_TYPE, AliasEntry, AliasMatcher, suggest_cues
from .service import alias_matcher, suggestions_for

__all__ = [
    "ENTITY_LABEL_FOR_ACTOR_TYPE",
    "AliasEntry",
    "AliasMatcher",
    "alias_matcher",
    "suggest_cues",
    "suggestions_for",
]
