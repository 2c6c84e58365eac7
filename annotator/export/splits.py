"""Train/dev/test splits by document: deterministic, never one article in two sets, and no
set with a share left empty while there are documents enough to fill it.

The rule, in two steps (``SplitSpec.plan``):

1. Home. A hash of (seed, document id), placed on the ratios, gives each document its
   home set (``SplitSpec.assign``): the same in every export with the same seed and
   ratios, whatever else is exported.
2. Fill. A set with a non-zero share that got no document takes one: of the documents in
   sets that hold more than one, the one with the lowest hash of (seed, set, document id).
   Empty sets are filled in the order train, dev, test; each step leaves every set it
   takes from non-empty, and some set has a document to spare at every step whenever there
   are at least as many documents as sets with a share.

A document leaves its home only to fill a set that would otherwise be empty, at most one per
such set. So when documents are added, an existing document changes set only if it filled a
set before or fills one after: at most 2 x (sets with a share - 1) documents, 4 for
80/10/10, however many are added; none once every set has a home document. With fewer
documents than sets, the sets left empty are named in ``SplitPlan.notes``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

SPLIT_NAMES = ("train", "dev", "test")
_SPEC = re.compile(r"^(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class SplitPlan:
    """Where each document of an export goes, and a note for each set left empty."""

    sets: dict[str, str]
    notes: tuple[str, ...] = ()

    def assign(self, document_id: str) -> str:
        """The set ``document_id`` belongs to (one of the documents the plan was made for)."""
        return self.sets[document_id]


@dataclass(frozen=True)
class SplitSpec:
    """Ratios for train, dev and test (they need not add up to 100), and the seed."""

    train: float
    dev: float
    test: float
    seed: int = 13

    @classmethod
    def parse(cls, text: str, seed: int = 13) -> SplitSpec:
        """Read "80/10/10"; raise ValueError with a message naming the problem."""
        match = _SPEC.match(text.strip())
        if not match:
            raise ValueError(
                f"split {text!r}: write three numbers as TRAIN/DEV/TEST, e.g. 80/10/10"
            )
        train, dev, test = (float(g) for g in match.groups())
        if train + dev + test <= 0:
            raise ValueError(f"split {text!r}: the three parts add up to nothing")
        return cls(train, dev, test, seed)

    def assign(self, document_id: str) -> str:
        """The home set of ``document_id``, from the hash alone; ``plan`` may move a few
        documents away from theirs so that no set with a share is empty."""
        point = _hash(f"{self.seed}:{document_id}") / 2**64 * (self.train + self.dev + self.test)
        if point < self.train:
            return "train"
        if point < self.train + self.dev:
            return "dev"
        return "test"

    def plan(self, document_ids: Iterable[str]) -> SplitPlan:
        """The sets of ``document_ids`` (an export's documents): each at home, except one
        taken into each set with a share that would otherwise be empty."""
        sets = {document_id: self.assign(document_id) for document_id in document_ids}
        members: dict[str, set[str]] = {name: set() for name in SPLIT_NAMES}
        for document_id, name in sets.items():
            members[name].add(document_id)
        shared = [name for name in SPLIT_NAMES if getattr(self, name) > 0]
        for name in shared:
            if members[name]:
                continue
            spare = [d for group in members.values() if len(group) > 1 for d in group]
            if not spare:
                break
            taken = min(spare, key=lambda d: (_hash(f"{self.seed}:{name}:{d}"), d))
            members[sets[taken]].discard(taken)
            members[name].add(taken)
            sets[taken] = name
        empty = [name for name in shared if not members[name]]
        return SplitPlan(sets, (_empty_note(empty, len(sets), len(shared)),) if empty else ())


def _empty_note(empty: list[str], documents: int, shared: int) -> str:
    """Why ``empty`` sets got nothing, in words."""
    names = " and ".join([", ".join(empty[:-1]), empty[-1]] if len(empty) > 1 else empty)
    verb = "are" if len(empty) > 1 else "is"
    if documents == 0:
        return f"{names} {verb} empty: the export has no documents"
    counted = f"{documents} document{'s' if documents != 1 else ''}"
    return (
        f"{names} {verb} empty: {counted} for {shared} sets with a share, "
        "and a document goes whole into one set"
    )
