"""Train/dev/test splits by document: deterministic, and never one article in two sets.

Each document is placed by a hash of (seed, document id), so the same document lands
in the same set in every export with the same seed and ratios, whatever else is exported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SPLIT_NAMES = ("train", "dev", "test")
_SPEC = re.compile(r"^(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")


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
        """The set ``document_id`` belongs to."""
        digest = hashlib.sha256(f"{self.seed}:{document_id}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64 * (self.train + self.dev + self.test)
        if point < self.train:
            return "train"
        if point < self.train + self.dev:
            return "dev"
        return "test"
