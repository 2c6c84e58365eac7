"""Suggestions learned from the team's own labels (pure): which spans are learned, what a
save adds to or takes from the counts, which (label, actor) of a text is offered, and the
matcher that finds learned texts in a paragraph, as INCEpTION's string-matching recommender
does ("Meqdad" labelled PERSON once is offered in every later paragraph naming him).

The rule (``is_offered``): a learned (text, label, actor) is offered while it has support
(submitted or accepted at least once) and either fewer than two rejections or no more
rejections than submissions plus acceptances. Where a text has several offered (label,
actor)s, the one with the most support net of rejections is offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..registry import normalise_alias
from .kinds import LEARNED_PREFIX
from .matching import PhraseIndex

MAX_LENGTH = 100  # characters of a learned text (and of its column)

# Words that are never learned on their own: offered everywhere, they would bury the rest.
FUNCTION_WORDS = frozenset(
    """the and for from with that this they their them his her its you our are was were has
    have had not but who which what when where said says told also into over than then there
    في من على إلى الى عن مع أن إن التي الذي هذا هذه ذلك""".split()
)

# A learned item: (normalised text, label, actor key or "").
Item = tuple[str, str, str]


def learnable_key(text: str) -> str | None:
    """The key ``text`` is learned under, or None when it is not learned: shorter than three
    characters, without a letter (numbers, punctuation, emoji), a lone function word ("the",
    "في"), or longer than MAX_LENGTH."""
    key = normalise_alias(text)
    if len(key) < 3 or len(text) > MAX_LENGTH or len(key) > MAX_LENGTH:
        return None
    if not any(ch.isalpha() for ch in key) or key in FUNCTION_WORDS:
        return None
    return key


@dataclass(frozen=True)
class Counts:
    submissions: int = 0
    acceptances: int = 0
    rejections: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.submissions + other.submissions,
            self.acceptances + other.acceptances,
            self.rejections + other.rejections,
        )

    def __sub__(self, other: Counts) -> Counts:
        return self + Counts(-other.submissions, -other.acceptances, -other.rejections)


def is_offered(counts: Counts) -> bool:
    """Whether a learned item is offered: it has support and is not mostly rejected
    (rejections < 2, or rejections <= submissions + acceptances)."""
    support = counts.submissions + counts.acceptances
    return support > 0 and (counts.rejections < 2 or counts.rejections <= support)


@dataclass(frozen=True)
class Contribution:
    """What one annotation teaches: the items it submitted (with their spelling), and the
    learned suggestions it accepted and rejected."""

    submitted: Mapping[Item, str]
    accepted: frozenset[Item] = frozenset()
    rejected: frozenset[Item] = frozenset()


EMPTY = Contribution({})


def contribution(
    text: str,
    submitted: bool,
    entities: Iterable[tuple[int, int, str, str | None]],
    decisions: Iterable[tuple[str, int, int, str | None, str | None, str]],
) -> Contribution:
    """What an annotation of ``text`` teaches: its entities (start, end, label, actor) when it
    is submitted, and its decisions (id, start, end, label, actor, decision) on learned
    suggestions. Each item counts once per annotation, however often it occurs."""
    items: dict[Item, str] = {}
    if submitted:
        for start, end, label, actor in entities:
            spelling = text[start:end]
            key = learnable_key(spelling)
            if key is not None:
                items.setdefault((key, label, actor or ""), spelling)
    accepted, rejected = set(), set()
    for id_, start, end, label, actor, decision in decisions:
        key = learnable_key(text[start:end])
        if not id_.startswith(LEARNED_PREFIX) or key is None or label is None:
            continue
        if decision == "accepted":
            accepted.add((key, label, actor or ""))
        elif decision == "rejected":
            rejected.add((key, label, actor or ""))
    return Contribution(items, frozenset(accepted), frozenset(rejected))


def delta(old: Contribution, new: Contribution) -> dict[Item, tuple[Counts, str]]:
    """What replacing ``old`` by ``new`` changes, per item (with a spelling for new rows)."""
    changes: dict[Item, tuple[Counts, str]] = {}
    for side, sign in ((old, -1), (new, +1)):
        for item in {*side.submitted, *side.accepted, *side.rejected}:
            step = Counts(
                sign * (item in side.submitted),
                sign * (item in side.accepted),
                sign * (item in side.rejected),
            )
            counts, spelling = changes.get(item, (Counts(), ""))
            spelling = side.submitted.get(item) or spelling or item[0]
            changes[item] = (counts + step, spelling)
    return {item: change for item, change in changes.items() if change[0] != Counts()}


@dataclass(frozen=True)
class LearnedEntry:
    """The (label, actor) offered for one learned text."""

    key: str
    spelling: str
    label: str
    actor: str | None


def winners(rows: Iterable[tuple[str, str, str, str, Counts]]) -> dict[str, LearnedEntry]:
    """The offered entry of each key, from rows (key, label, actor, spelling, counts): the
    offered item with the most submissions and acceptances net of rejections, then the most
    submissions, then the first label and actor in order."""
    best: dict[str, tuple[tuple[int, int, str, str], LearnedEntry]] = {}
    for key, label, actor, spelling, counts in rows:
        if not is_offered(counts):
            continue
        net = counts.submissions + counts.acceptances - counts.rejections
        rank = (-net, -counts.submissions, label, actor)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, LearnedEntry(key, spelling, label, actor or None))
    return {key: entry for key, (_, entry) in best.items()}


class LearnedMatcher:
    """Every offered learned text in one ``PhraseIndex``: matched like aliases (whole words,
    any case, short capitals only in capitals), leftmost longest, not overlapping."""

    def __init__(self, entries: Iterable[LearnedEntry]) -> None:
        self._by_key = {entry.key: entry for entry in entries}
        self._index = PhraseIndex(entry.spelling for entry in self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def suggest(self, text: str) -> list[dict[str, Any]]:
        """Entity suggestions for every learned text in ``text``, with its label and actor."""
        return [
            {
                "id": f"{LEARNED_PREFIX}{start}-{end}",
                "kind": "entity",
                "source": "learned",
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": entry.label,
                "actor": entry.actor,
                "actor_name": None,
                "alternatives": [],
            }
            for start, end, entry in self._index.find(text, self._by_key)
        ]
