"""The label set's service (annotator/labels.py): what an admin may change and what is refused,
with the reason. If one fails, an admin could give two labels one key, hide a workspace
command behind a hotkey, store a colour the page cannot draw, or lose a label's key."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from annotator.labels import LabelProblem, add_label, change_label, find_label, labels_of


def _change(db: Session, kind: str, key: str, **changes: Any) -> None:
    label = find_label(db, kind, key)
    assert label is not None
    change_label(db, kind, label, changes)


def _refusal(db: Session, kind: str, key: str, **changes: Any) -> LabelProblem:
    with pytest.raises(LabelProblem) as refused:
        _change(db, kind, key, **changes)
    db.rollback()
    return refused.value


def test_a_taken_hotkey_is_refused_naming_the_label_that_has_it(db: Session) -> None:
    """Within the kind and across kinds (entity keys are read before the others)."""
    problem = _refusal(db, "entity", "PERSON", hotkey="2")
    assert problem.field == "hotkey"
    assert "taken by Armed group (ARMED_GROUP, entity type)" in problem.message
    problem = _refusal(db, "entity", "PERSON", hotkey="D")
    assert "taken by Direct (DIRECT, quote type)" in problem.message
    problem = _refusal(db, "quote", "MIXED", hotkey="+")
    assert "Support (SUPPORT, stance polarity)" in problem.message
    assert find_label(db, "entity", "PERSON").hotkey == "1"  # nothing changed


@pytest.mark.parametrize(
    ("kind", "key", "hotkey", "said"),
    [
        ("entity", "PERSON", "q", "workspace command"),
        ("polarity", "SUPPORT", "n", "while a stance is being made"),
        ("quote", "DIRECT", "S", "workspace command"),
        ("entity", "PERSON", " ", "visible character"),
        ("entity", "PERSON", "12", "one character"),
    ],
)
def test_a_hotkey_the_workspace_uses_or_cannot_press_is_refused(
    db: Session, kind: str, key: str, hotkey: str, said: str
) -> None:
    """A command's key, a space or two characters."""
    problem = _refusal(db, kind, key, hotkey=hotkey)
    assert problem.field == "hotkey" and said in problem.message


def test_a_free_hotkey_is_taken_and_quote_keys_are_stored_in_lower_case(db: Session) -> None:
    """The workspace matches quote-type keys in lower case, with or without Shift."""
    _change(db, "entity", "PERSON", hotkey="7")
    _change(db, "quote", "MIXED", hotkey="K")
    _change(db, "polarity", "NEUTRAL", hotkey=None)
    assert find_label(db, "entity", "PERSON").hotkey == "7"
    assert find_label(db, "quote", "MIXED").hotkey == "k"
    assert find_label(db, "polarity", "NEUTRAL").hotkey is None


@pytest.mark.parametrize("colour", ["red", "#12345", "#GGGGGG", "#1234567", 7, None])
def test_a_colour_must_be_rrggbb(db: Session, colour: Any) -> None:
    """The page and the workspace draw #RRGGBB only."""
    assert _refusal(db, "polarity", "OPPOSE", colour=colour).field == "colour"


def test_a_rename_keeps_the_key_and_a_colour_is_stored_in_capitals(db: Session) -> None:
    """The key is what annotations hold: a rename changes only what annotators read."""
    _change(db, "entity", "PERSON", display_name="  Individual ", colour="#aa00cc")
    person = find_label(db, "entity", "PERSON")
    assert (person.name, person.display_name, person.colour) == ("PERSON", "Individual", "#AA00CC")
    assert (
        "'individual' is already the name of PERSON"
        in _refusal(db, "entity", "MEDIA", display_name="individual").message
    )


def test_moving_a_label_renumbers_the_others(db: Session) -> None:
    """Position is the index in the display order; the others make room."""
    _change(db, "entity", "LOCATION", position=0)
    assert [label.name for label in labels_of(db, "entity")] == [
        "LOCATION", "PERSON", "ARMED_GROUP", "STATE_ACTOR", "ORGANIZATION", "MEDIA",
    ]  # fmt: skip
    assert [label.position for label in labels_of(db, "entity")] == list(range(6))
    assert _refusal(db, "entity", "MEDIA", position=-1).field == "position"
    assert _refusal(db, "entity", "MEDIA", position="2").field == "position"


def test_retiring_and_bringing_back(db: Session) -> None:
    """A retired label keeps its key and hotkey; un-retiring restores it as it was."""
    _change(db, "entity", "MEDIA", retired=True)
    media = find_label(db, "entity", "MEDIA")
    assert media.retired_at is not None and media.hotkey == "5"
    assert "MEDIA, entity type, retired" in _refusal(db, "entity", "PERSON", hotkey="5").message
    _change(db, "entity", "MEDIA", retired=False)
    assert find_label(db, "entity", "MEDIA").retired_at is None
    assert _refusal(db, "entity", "MEDIA", retired="yes").field == "retired"


def test_adding_a_label(db: Session) -> None:
    """A new key must look like the others (capitals, digits, _) and be new in its kind."""
    added = add_label(
        db, "entity", {"name": "REFUGEES", "display_name": "Refugees", "colour": "#112233"}
    )
    assert (added.position, added.hotkey, added.retired_at) == (6, None, None)
    assert labels_of(db, "entity")[-1].name == "REFUGEES"
    for fields, field in [
        ({"name": "refugees", "display_name": "R", "colour": "#112233"}, "name"),
        ({"name": "PERSON", "display_name": "P2", "colour": "#112233"}, "name"),
        ({"name": "X_1", "colour": "#112233"}, "display_name"),
        ({"name": "X_1", "display_name": "X", "colour": "#112233", "hotkey": "1"}, "hotkey"),
        ({"name": "X_1", "display_name": "X", "colour": "#112233", "key": "no"}, "key"),
    ]:
        with pytest.raises(LabelProblem) as refused:
            add_label(db, "entity", fields)
        assert refused.value.field == field, fields


def test_a_row_saved_unchanged_is_not_refused(db: Session) -> None:
    """The page sends a row's every field back: one left as it was is not checked again,
    so a label whose key predates a rule can still be renamed."""
    find_label(db, "entity", "MEDIA").hotkey = "q"  # as if set before "q" was a command
    db.flush()
    _change(db, "entity", "MEDIA", display_name="Outlets", hotkey="q", colour="#CC79A7")
    assert find_label(db, "entity", "MEDIA").display_name == "Outlets"
    with pytest.raises(LabelProblem):
        add_label(db, "quote", {"name": "ECHO", "display_name": "", "colour": "#112233"})
