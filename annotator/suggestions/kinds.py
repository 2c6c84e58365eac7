"""Where a suggestion came from, written into its id so that the decision the workspace sends
back (which keeps the id) says it too: the acceptance rate of each kind is then a count over
``suggestion_decisions`` (``kind_of``), with no new column on the decision."""

from __future__ import annotations

REGISTRY_PREFIX = "sug-e-"  # an alias of a registry actor
LEARNED_PREFIX = "sug-l-"  # a span the team labelled on another paragraph
TITLE_PREFIX = "sug-t-"  # a name after a title or role (the title rule)
SUBJECT_PREFIX = "sug-s-"  # the speaker next to a reporting cue (the cue-subject rule)
PHRASE_PREFIX = "sug-p-"  # a group or place named by a phrase (Palestinian factions, مخيم جباليا)
GROUP_PREFIX = "sug-g-"  # a collective mention (jihadists, security forces, الحكومة)
CUE_PREFIX = "sug-c-"  # a reporting cue
PRE_PREFIX = "pre-"  # an imported pre-annotation

KINDS = {
    REGISTRY_PREFIX: "registry",
    LEARNED_PREFIX: "learned",
    TITLE_PREFIX: "title",
    SUBJECT_PREFIX: "cue_subject",
    PHRASE_PREFIX: "phrase",
    GROUP_PREFIX: "group",
    CUE_PREFIX: "cue",
    PRE_PREFIX: "pre_annotation",
}


def kind_of(suggestion_id: str) -> str:
    """The kind of suggestion an id names (``registry``, ``learned``, ``title``,
    ``cue_subject``, ``phrase``, ``group``, ``cue``, ``pre_annotation``), or ``other`` for an
    id made elsewhere."""
    for prefix, kind in KINDS.items():
        if suggestion_id.startswith(prefix):
            return kind
    return "other"
