"""The keys the server keeps from hotkeys are exactly the ones the workspace answers: if this
fails, an admin could give a label a key that a workspace command takes (the label would
never be applied, or the command would stop working), or be refused a key that is free."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.label_keys import (
    COMMAND_KEYS,
    GOLD_PAGE_KEYS,
    STEPS_OF_KIND,
    command_for,
    hotkey_problem,
)

PROBE = Path(__file__).resolve().parent / "js" / "keyboard_probe.mjs"
ADJUDICATION = (
    Path(__file__).resolve().parent.parent / "annotator/static/js/adjudication/adjudicate.js"
)


def test_the_reserved_keys_are_the_keys_the_workspace_answers() -> None:
    """keyboard.js, pressed key by key in each step, answers the keys of ``COMMAND_KEYS``."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing: apt-get install nodejs")
    probe = subprocess.run([node, str(PROBE)], capture_output=True, text=True, check=True)
    answered = json.loads(probe.stdout)
    assert {step: set(keys) for step, keys in answered.items()} == {
        step: set(keys) for step, keys in COMMAND_KEYS.items()
    }
    assert {step for steps in STEPS_OF_KIND.values() for step in steps} <= set(COMMAND_KEYS)


def test_the_reserved_keys_include_the_adjudication_pages() -> None:
    """The gold page's own one-character keys (``key === "t"``) are ``GOLD_PAGE_KEYS``."""
    source = ADJUDICATION.read_text(encoding="utf-8")
    assert set(re.findall(r'key === "(.)"', source)) == set(GOLD_PAGE_KEYS)


@pytest.mark.parametrize(
    ("kind", "key", "step"),
    [
        ("entity", "q", "paragraph"),
        ("entity", "n", None),
        ("entity", "7", None),
        ("polarity", "N", "stance"),
        ("polarity", "?", "paragraph"),
        ("quote", "X", "paragraph"),
        ("quote", "d", None),
        ("entity", "t", "gold"),
    ],
)
def test_a_hotkey_that_shadows_a_command_is_named(kind: str, key: str, step: str | None) -> None:
    """Each kind is refused the keys of the steps in which its hotkeys are read."""
    assert command_for(kind, key) == step


@pytest.mark.parametrize(
    ("value", "ok"),
    [("7", True), ("é", True), ("", False), ("ab", False), (" ", False), ("\t", False)],
)
def test_a_hotkey_is_one_visible_character(value: str, ok: bool) -> None:
    """A space, a control character or two characters cannot be pressed as one key."""
    assert (hotkey_problem(value) is None) is ok
