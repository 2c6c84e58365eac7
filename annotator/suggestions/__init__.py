"""Suggestions: alias and learned-text matches and reporting cues found in a text
(``matching``, ``learned``, pure), names after titles and speakers of cues (``rules``, from the
``lexicon`` data files), what the team's saves teach (``learning``), and what a paragraph is
offered (``service``); ``kinds`` and ``outcomes`` tell the kinds apart and count their fate."""

from .lexicon import words_for_the_page as lexicon_words
from .matching import ENTITY_LABEL_FOR_ACTOR_TYPE, AliasEntry, AliasMatcher, suggest_cues
from .service import alias_matcher, suggestions_for

__all__ = [
    "ENTITY_LABEL_FOR_ACTOR_TYPE",
    "AliasEntry",
    "AliasMatcher",
    "alias_matcher",
    "lexicon_words",
    "suggest_cues",
    "suggestions_for",
]
