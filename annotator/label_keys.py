"""The keys the workspace keeps for itself, so that no label's hotkey can shadow a command.

The one list of them on the server: ``tests/test_label_keys.py`` presses every key in the
workspace's own keyboard handler (``static/js/workspace/keyboard.js``), and reads the keys of
the adjudication page's, and fails when they differ from these, so they cannot drift apart.
"""

from __future__ import annotations

# Single-character keys the workspace answers with a command, by the step it is in:
# "paragraph" when no quote or stance is being made, "stance" while a stance's target or
# polarity is asked for, "quote" while a quote's speaker or cue is asked for. (Keys with
# names, such as Enter, Tab, Escape or the arrows, are not one character: never a hotkey.)
COMMAND_KEYS: dict[str, frozenset[str]] = {
    "paragraph": frozenset("xXqQsSaAfF[]{}?rRwWbBcCpP"),
    "stance": frozenset("nNwWbB"),
    "quote": frozenset("nNwWbB"),
}

# And those the adjudication page answers before the workspace's own keys, with no step under
# way (``static/js/adjudication/adjudicate.js``): T takes an annotator's item into gold.
GOLD_PAGE_KEYS: frozenset[str] = frozenset("tT")

# The steps in which each kind's hotkeys are read (keyboard.js): entity types and quote types
# with no step under way; polarities also while a stance is being made, after N and Tab.
STEPS_OF_KIND: dict[str, tuple[str, ...]] = {
    "entity": ("paragraph",),
    "polarity": ("paragraph", "stance"),
    "quote": ("paragraph",),
}


def same_key(a: str, b: str) -> bool:
    """Whether two hotkeys would be taken for one another: keys are compared regardless of
    case, since quote-type keys answer with or without Shift."""
    return a.casefold() == b.casefold()


def command_for(kind: str, hotkey: str) -> str | None:
    """The step whose command ``hotkey`` would shadow for a label of ``kind`` ("gold" for
    the adjudication page's), or None."""
    for step in STEPS_OF_KIND[kind]:
        if any(same_key(hotkey, key) for key in COMMAND_KEYS[step]):
            return step
    if any(same_key(hotkey, key) for key in GOLD_PAGE_KEYS):
        return "gold"
    return None


def hotkey_problem(value: str) -> str | None:
    """Why ``value`` cannot be a hotkey (it must be one visible character), or None."""
    if len(value) != 1:
        return "must be one character"
    if value.isspace() or not value.isprintable():
        return "must be a visible character, not a space or a control character"
    return None
