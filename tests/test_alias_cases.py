"""If this fails, the workspace would link a span to an actor, or offer an alias, differently
from the server: the shared fixture tests/js/alias_cases.json no longer matches the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.registry import normalise_alias

CASES = json.loads((Path(__file__).parent / "js" / "alias_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["note"] for case in CASES])
def test_server_normalises_aliases_as_the_shared_fixture_says(case: dict[str, str]) -> None:
    """The fixture the page's alias.js is tested against is what the server computes."""
    assert normalise_alias(case["input"]) == case["expected"]


def test_fixture_covers_the_cases_users_meet() -> None:
    """The fixture keeps its German, Greek, Arabic, dash and space cases."""
    inputs = {case["input"] for case in CASES}
    assert {"Straße", "ΣΟΦΟΣ", "σοφος", "داعش", "Jaysh-al-Islam", "Jaysh\u00a0al-Islam"} <= inputs
