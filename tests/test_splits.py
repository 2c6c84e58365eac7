"""Train/dev/test splits by document, alone (no app): deterministic, stable as data grows."""

from __future__ import annotations

import pytest

from annotator.export.splits import SplitSpec


def test_split_assignment_does_not_depend_on_what_else_is_exported() -> None:
    """A document keeps its set when other documents come and go; ratios are roughly kept."""
    spec = SplitSpec.parse("80/10/10", seed=3)
    names = [spec.assign(f"doc-{i}") for i in range(3000)]
    assert spec.assign("doc-17") == names[17]
    share = {n: names.count(n) / len(names) for n in ("train", "dev", "test")}
    assert 0.77 < share["train"] < 0.83 and 0.08 < share["dev"] < 0.12
    with pytest.raises(ValueError, match="TRAIN/DEV/TEST"):
        SplitSpec.parse("80-10-10")
