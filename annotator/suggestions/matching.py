"""Suggestions offered when a paragraph opens: actor aliases found in the text, and reporting verbs.

Pure functions over a text and a list of aliases. A suggestion is never a label:
the annotator accepts or rejects it, and the decision is stored with the annotation.
Offsets are code points (Python string indexes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..registry import normalise_alias

# Which entity type an actor's registry type suggests; the annotator can change it.
ENTITY_LABEL_FOR_ACTOR_TYPE = {
    "STATE_FORCES": "STATE_ACTOR",
    "EXTERNAL_OTHER_FORCES": "STATE_ACTOR",
    "REBEL_GROUP": "ARMED_GROUP",
    "POLITICAL_MILITIA": "ARMED_GROUP",
    "IDENTITY_MILITIA": "ARMED_GROUP",
    "CIVILIANS": "ORGANIZATION",
    "MEDIA": "MEDIA",
    "INTERNATIONAL_ORGANIZATION": "ORGANIZATION",
}

# Reporting verbs and their forms. Bare "state", "report", "note", "comment", "add" and
# "states" are left out: in news they are far more often nouns ("member states").
CUE_WORDS = """
said says say saying told tells tell telling confirmed confirms confirm confirming
denied denies deny denying added adds adding stated stating announced announces announce
announcing vowed vows vow vowing accused accuses accuse accusing reported reports reporting
noted notes noting explained explains explain explaining commented comments commenting
""".split()
_CUE = re.compile(
    r"(?<!\w)(?:according\s+to|" + "|".join(sorted(CUE_WORDS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_SEPARATOR = r"[\s\-\u2010-\u2015]+"


@dataclass(frozen=True)
class AliasEntry:
    """One confirmed alias of an actor, as matching needs it."""

    actor_key: str
    actor_name: str
    actor_type: str
    alias: str
    entity_label: str | None = None


def _is_case_sensitive(alias: str) -> bool:
    """Short all-capital aliases (IS, UN, AFP, PLO) match only in capitals: "is" is not ISIS."""
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(ch.isupper() for ch in letters)


def _alias_pattern(alias: str) -> str:
    tokens = [re.escape(t) for t in re.split(_SEPARATOR, alias.strip()) if t]
    body = _SEPARATOR.join(tokens)
    return body if _is_case_sensitive(alias) else f"(?i:{body})"


class AliasMatcher:
    """All confirmed aliases compiled into one word-bounded pattern, longest alias first."""

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        self._by_normalised: dict[str, list[AliasEntry]] = {}
        patterns: dict[str, str] = {}
        for entry in entries:
            normalised = normalise_alias(entry.alias)
            if not normalised:
                continue
            self._by_normalised.setdefault(normalised, []).append(entry)
            patterns.setdefault(entry.alias, _alias_pattern(entry.alias))
        ordered = sorted(patterns.items(), key=lambda item: len(item[0]), reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(p for _, p in ordered) + r")(?!\w)")
            if ordered
            else None
        )

    def suggest(self, text: str) -> list[dict[str, Any]]:
        """Entity suggestions for every alias match in ``text``, left to right, not overlapping."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            candidates = self._by_normalised.get(normalise_alias(match.group()))
            if not candidates:
                continue
            keys = sorted({c.actor_key for c in candidates})
            entry = next(c for c in candidates if c.actor_key == keys[0])
            found.append(
                {
                    "id": f"sug-e-{match.start()}-{match.end()}",
                    "kind": "entity",
                    "start": match.start(),
                    "end": match.end(),
                    "text": match.group(),
                    "label": entry.entity_label
                    or ENTITY_LABEL_FOR_ACTOR_TYPE.get(entry.actor_type, "ORGANIZATION"),
                    "actor": entry.actor_key,
                    "actor_name": entry.actor_name,
                    # An alias shared by several actors: the others, for the annotator to pick.
                    "alternatives": keys[1:],
                }
            )
        return found


def suggest_cues(text: str) -> list[dict[str, Any]]:
    """Reporting-verb suggestions (said, told, confirmed, according to, ...)."""
    return [
        {
            "id": f"sug-c-{m.start()}-{m.end()}",
            "kind": "cue",
            "start": m.start(),
            "end": m.end(),
            "text": m.group(),
        }
        for m in _CUE.finditer(text)
    ]
