"""Suggestions offered when a paragraph opens: actor aliases found in the text, and reporting cues.

Pure functions over a text and a list of aliases. A suggestion is never a label:
the annotator accepts or rejects it, and the decision is stored with the annotation.
Offsets are code points (Python string indexes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import ahocorasick

from ..registry import normalise_alias
from . import lexicon
from .kinds import CUE_PREFIX, REGISTRY_PREFIX
from .rules import addressee_end

T = TypeVar("T")

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

_SEPARATOR = re.compile(r"[\s\-\u2010-\u2015]+")


@dataclass(frozen=True)
class AliasEntry:
    """One confirmed alias of an actor, as matching needs it."""

    actor_key: str
    actor_name: str
    actor_type: str
    alias: str
    entity_label: str | None = None


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds case one code point to one code point (as a
    case-blind regular expression compares them) and turns spaces and dashes into a space,
    so that a folded text keeps every offset. Filled on first sight of each code point."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        if _SEPARATOR.fullmatch(character):
            folded = " "
        else:
            folded = next(
                (f for f in (character.casefold(), character.lower()) if len(f) == 1), character
            )
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _tokens(text: str) -> list[str]:
    """The words of an alias or a span, as separated by spaces and dashes."""
    return [token for token in _SEPARATOR.split(text) if token]


def _is_case_sensitive(alias: str) -> bool:
    """Short all-capital aliases (IS, UN, AFP, PLO) match only in capitals: "is" is not ISIS."""
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(ch.isupper() for ch in letters)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded (``_FoldTable``) with each run of spaces and dashes as one space, and
    where each folded character came from (None when nothing was collapsed)."""
    folded = text.translate(_FOLD)
    if "  " not in folded:
        return folded, None
    origin = [i for i, ch in enumerate(folded) if ch != " " or i == 0 or folded[i - 1] != " "]
    return "".join(folded[i] for i in origin), origin


class PhraseIndex:
    """Phrases in one Aho-Corasick automaton over folded text: where each matches as a whole
    word, in any case (short all-capital ones only in capitals), with any run of spaces and
    dashes between its words. Building it and searching a paragraph cost the same for ten
    phrases as for a hundred thousand. The alias and the learned matchers both use it."""

    def __init__(self, phrases: Iterable[str]) -> None:
        # Folded phrase -> its spellings when only capitals may match it, None when any case may.
        forms: dict[str, set[str] | None] = {}
        for phrase in phrases:
            tokens = _tokens(phrase)
            if not tokens:
                continue
            key = " ".join(tokens).translate(_FOLD)
            if not _is_case_sensitive(phrase):
                forms[key] = None
            elif forms.setdefault(key, set()) is not None:
                forms[key].add(" ".join(tokens))  # type: ignore[union-attr]
        self._automaton: ahocorasick.Automaton | None = None
        if forms:
            self._automaton = ahocorasick.Automaton()
            for key, spellings in forms.items():
                self._automaton.add_word(key, (len(key), spellings))
            self._automaton.make_automaton()

    def find(self, text: str, lookup: Mapping[str, T]) -> list[tuple[int, int, T]]:
        """Each match whose normalised text ``lookup`` holds, with what it holds: left to
        right, at one start the longest, not overlapping."""
        found = []
        end_of_last = 0
        for start, end in self.spans(text):
            if start < end_of_last:
                continue
            value = lookup.get(normalise_alias(text[start:end]))
            if value is None:
                continue
            end_of_last = end
            found.append((start, end, value))
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every (start, end) where a phrase matches as a whole word, leftmost first and,
        at one start, longest first."""
        if self._automaton is None:
            return []
        folded, origin = _fold(text)
        spans = set()
        for last, (length, spellings) in self._automaton.iter(folded):
            first = last - length + 1
            start, end = (first, last + 1) if origin is None else (origin[first], origin[last] + 1)
            if (start > 0 and _is_word(text[start - 1])) or (
                end < len(text) and _is_word(text[end])
            ):
                continue
            if spellings is not None and " ".join(_tokens(text[start:end])) not in spellings:
                continue
            spans.add((start, end))
        return sorted(spans, key=lambda span: (span[0], -span[1]))


class AliasMatcher:
    """Every confirmed alias in one ``PhraseIndex``.

    Where several aliases start at the same place the longest wins, and matches do not
    overlap; an alias shared by several actors names the first and lists the others.
    """

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        self._by_normalised: dict[str, list[AliasEntry]] = {}
        for entry in entries:
            normalised = normalise_alias(entry.alias)
            if normalised and _tokens(entry.alias):
                self._by_normalised.setdefault(normalised, []).append(entry)
        self._index = PhraseIndex(
            entry.alias for entries in self._by_normalised.values() for entry in entries
        )
        self._organisations: frozenset[str] | None = None

    def organisations(self) -> frozenset[str]:
        """The casefolded aliases that name an actor that is not a person: a speaker written
        so ("Hamas said") is not suggested as a PERSON by the cue-subject rule."""
        cached = self._organisations
        if cached is None:
            cached = frozenset(
                " ".join(entry.alias.split()).casefold()
                for entries in self._by_normalised.values()
                for entry in entries
                if (entry.entity_label or ENTITY_LABEL_FOR_ACTOR_TYPE.get(entry.actor_type))
                != "PERSON"
            )
            self._organisations = cached
        return cached

    def suggest(self, text: str) -> list[dict[str, Any]]:
        """Entity suggestions for every alias match in ``text``, left to right, not overlapping."""
        found = []
        for start, end, candidates in self._index.find(text, self._by_normalised):
            keys = sorted({c.actor_key for c in candidates})
            entry = next(c for c in candidates if c.actor_key == keys[0])
            found.append(
                {
                    "id": f"{REGISTRY_PREFIX}{start}-{end}",
                    "kind": "entity",
                    "source": "registry",
                    "start": start,
                    "end": end,
                    "text": text[start:end],
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
    """Reporting-cue suggestions (said, told, according to, قال, ...): the lexicon's
    (``lexicon.py``), which an admin may extend; an addressed verb's cue runs over the
    addressee, as the guidelines want it ("told AFP", "told reporters"). An Arabic cue
    written joined to و or ف is offered as the whole word (وقالت), as a selection snaps to
    it and as tokenizers (spaCy's among them) cut it: a span inside a word aligns with no
    token."""
    words = lexicon.load()
    found: list[dict[str, Any]] = []
    for m in words.cue_pattern.finditer(text):
        if found and m.start() < found[-1]["end"]:
            continue  # inside the addressee of the cue before ("told Said Ahmed")
        start, end = _with_joined_conjunction(text, m.start()), m.end()
        if words.is_addressed(m.group()):
            end = addressee_end(text, end) or end
        found.append(
            {
                "id": f"{CUE_PREFIX}{start}-{end}",
                "kind": "cue",
                "source": "cue",
                "start": start,
                "end": end,
                "text": text[start:end],
            }
        )
    return found


def _with_joined_conjunction(text: str, start: int) -> int:
    """Where the word of a cue starting at ``start`` begins: one code point earlier when a
    و or ف written joined to it opens the word (the lexicon's pattern matches after a letter
    only then), ``start`` otherwise."""
    return start - 1 if start and text[start - 1] in "وف" else start
