"""The label set: adding, renaming, recolouring, changing the hotkey of, reordering and retiring
the entity types, stance polarities and quote types. The admin page and the API both change
labels here.

A label's key (``name``) never changes once made: annotations store keys, and exports write
them, so a rename (the display name) or a new colour changes nothing an annotation holds.
Retiring hides a label from new work in the workspace (its buttons, pickers and hotkey) but
the server still accepts it in a save (``annotation.load_vocabulary`` reads every label), so
a paragraph that already uses it is shown, re-saved, imported and exported as before.
The workspace reads the labels (``GET /api/labels``) each time it opens a paragraph, so a
change is seen on the next one; nothing caches them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .label_keys import command_for, hotkey_problem, same_key
from .models import EntityType, QuoteType, StancePolarity
from .models.labels import LabelMixin

log = logging.getLogger(__name__)

# The kinds as the API and the page name them.
KINDS: dict[str, type[LabelMixin]] = {
    "entity": EntityType,
    "polarity": StancePolarity,
    "quote": QuoteType,
}
KIND_TITLES = {"entity": "Entity types", "polarity": "Stance polarities", "quote": "Quote types"}
KIND_NAMES = {"entity": "entity type", "polarity": "stance polarity", "quote": "quote type"}
KEY = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
DISPLAY_NAME_MAX = 64
DESCRIPTION_MAX = 500
CHANGEABLE = ("display_name", "colour", "hotkey", "position", "description", "retired")


class LabelProblem(ValueError):
    """A label cannot be made or changed as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def kind_model(kind: str) -> type[LabelMixin] | None:
    """The table of ``kind`` ("entity", "polarity", "quote"), or None for another word."""
    return KINDS.get(kind)


def labels_of(session: Session, kind: str) -> list[LabelMixin]:
    """Every label of ``kind`` in display order, retired ones included."""
    model = KINDS[kind]
    return list(session.scalars(select(model).order_by(model.position, model.name)))


def find_label(session: Session, kind: str, key: str) -> LabelMixin | None:
    """The label of ``kind`` whose key is ``key``, or None."""
    return session.get(KINDS[kind], key)


def label_json(label: LabelMixin) -> dict[str, Any]:
    """The API shape of one label (``name`` is its stored key)."""
    return {
        "name": label.name,
        "display_name": label.display_name,
        "colour": label.colour,
        "hotkey": label.hotkey,
        "position": label.position,
        "description": label.description,
        "retired": label.retired_at is not None,
    }


def add_label(session: Session, kind: str, fields: Mapping[str, Any]) -> LabelMixin:
    """Make a new label of ``kind`` from ``fields`` (``name``, ``display_name``, ``colour``,
    optional ``hotkey``, ``description``, ``position``), placed last unless a position is
    given. Raises ``LabelProblem`` naming the field at fault; nothing is added then."""
    _no_unknown(fields, ("name", *CHANGEABLE))
    model = KINDS[kind]
    key = fields.get("name")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise LabelProblem(
            "name",
            "must be 1 to 32 capital letters, digits or _, starting with a letter "
            "(e.g. ARMED_GROUP): it is stored on annotations and never changes",
        )
    if session.get(model, key) is not None:
        raise LabelProblem("name", f"{key} is already the key of a {KIND_NAMES[kind]}")
    for required in ("display_name", "colour"):
        if fields.get(required) is None:
            raise LabelProblem(required, "is required")
    existing = labels_of(session, kind)
    # Display name and hotkey unset (None) until _apply checks and sets them.
    label = model(name=key, colour="#000000", position=len(existing), description="")
    _apply(session, kind, label, existing, {"position": len(existing), **fields})
    session.add(label)
    session.flush()
    log.info("label %s %s added", kind, key)
    return label


def change_label(
    session: Session, kind: str, label: LabelMixin, changes: Mapping[str, Any]
) -> LabelMixin:
    """Change ``label``'s display name, colour, hotkey, position (its index in the display
    order; the others move to make room), description or ``retired``; never its key.
    Raises ``LabelProblem`` naming the field at fault; nothing is changed then."""
    _no_unknown(changes, CHANGEABLE)
    others = [other for other in labels_of(session, kind) if other.name != label.name]
    _apply(session, kind, label, others, changes)
    session.flush()
    log.info("label %s %s changed: %s", kind, label.name, ", ".join(sorted(changes)))
    return label


# Fields a caller may reasonably try, and what to give instead: the API's names follow
# GET /api/labels, where ``name`` is the stored key and ``colour`` is spelt the British way.
_INSTEAD = {
    "name": "a label's key (name) never changes, so that stored annotations stay valid; "
    "the name annotators see is display_name",
    "color": "give colour",
}


def _no_unknown(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for field in fields:
        if field not in allowed:
            hint = _INSTEAD.get(str(field))
            raise LabelProblem(
                str(field)[:40],
                hint or f"is not a field of a label; give any of {', '.join(allowed)}",
            )


def _apply(
    session: Session,
    kind: str,
    label: LabelMixin,
    others: list[LabelMixin],
    changes: Mapping[str, Any],
) -> None:
    """Check every change first, then make them all (so a refusal changes nothing)."""
    values: dict[str, Any] = {}
    if "display_name" in changes and changes["display_name"] != label.display_name:
        values["display_name"] = _display_name(changes["display_name"], others)
    if "colour" in changes:
        values["colour"] = _colour(changes["colour"])
    # A field sent back as it is (a form's row saved for another change) is not checked
    # again: a label set made before a rule existed can still be edited.
    if "hotkey" in changes and changes["hotkey"] != label.hotkey:
        values["hotkey"] = _hotkey(session, kind, label, changes["hotkey"])
    if "description" in changes:
        values["description"] = _description(changes["description"])
    if "retired" in changes:
        retired = changes["retired"]
        if not isinstance(retired, bool):
            raise LabelProblem("retired", "must be true or false")
        if retired != (label.retired_at is not None):
            values["retired_at"] = datetime.now(UTC) if retired else None
    position = changes.get("position")
    if "position" in changes and (not isinstance(position, int) or isinstance(position, bool)):
        raise LabelProblem("position", "must be a whole number (0 is first)")
    if position is not None and position < 0:
        raise LabelProblem("position", "must be 0 (first) or more")
    for field, value in values.items():
        setattr(label, field, value)
    if position is not None:
        order = sorted(others, key=lambda other: (other.position, other.name))
        order.insert(min(position, len(order)), label)
        for index, each in enumerate(order):
            each.position = index


def _display_name(value: Any, others: list[LabelMixin]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LabelProblem("display_name", "is required: the name annotators see")
    name = " ".join(value.split())
    if len(name) > DISPLAY_NAME_MAX:
        raise LabelProblem("display_name", f"must be at most {DISPLAY_NAME_MAX} characters")
    for other in others:
        if other.display_name.casefold() == name.casefold():
            raise LabelProblem("display_name", f"{name!r} is already the name of {other.name}")
    return name


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not COLOUR.fullmatch(value):
        raise LabelProblem("colour", "must be #RRGGBB, six hexadecimal digits (e.g. #E69F00)")
    return value.upper()


def _description(value: Any) -> str:
    if not isinstance(value, str):
        raise LabelProblem("description", "must be text")
    if len(value) > DESCRIPTION_MAX:
        raise LabelProblem("description", f"must be at most {DESCRIPTION_MAX} characters")
    return value.strip()


def _hotkey(session: Session, kind: str, label: LabelMixin, value: Any) -> str | None:
    """The hotkey to store (None or "" clears it), after refusing one the workspace already
    uses: any label's of any kind (they are read in the same step, so one would shadow the
    other) or a command's (``label_keys``)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise LabelProblem("hotkey", "must be one character, or null for none")
    problem = hotkey_problem(value)
    if problem:
        raise LabelProblem("hotkey", problem)
    # Quote-type keys are matched in lower case (keyboard.js): store them so.
    key = value.lower() if kind == "quote" else value
    step = command_for(kind, key)
    if step is not None:
        where = {"paragraph": "", "gold": " on the adjudication page"}.get(
            step, f" while a {step} is being made"
        )
        raise LabelProblem("hotkey", f"{key!r} is a workspace command{where}; choose another")
    for other_kind, model in KINDS.items():
        for other in session.scalars(select(model).where(model.hotkey.is_not(None))):
            if other is label or other.hotkey is None or not same_key(other.hotkey, key):
                continue
            retired = ", retired" if other.retired_at is not None else ""
            raise LabelProblem(
                "hotkey",
                f"{key!r} is taken by {other.display_name} ({other.name}, "
                f"{KIND_NAMES[other_kind]}{retired})",
            )
    return key
