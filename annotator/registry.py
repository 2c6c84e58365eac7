"""The actor registry: canonical actors and the normalised form their aliases are matched by."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Actor, ActorAlias

ACTOR_KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ALIAS_LENGTH = 200  # the width of actor_aliases.alias and .normalised
_DASHES = re.compile(r"[-\u2010-\u2015\u2212_]+")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel


def normalise_alias(alias: str) -> str:
    """The key aliases are compared by: NFKC, case-folded, dashes as spaces, white space folded.

    "Jaysh-al-Islam" and "Jaysh al-Islam" meet; Arabic short vowels and tatweel
    are dropped, so "داعش" with or without harakat meets too.
    """
    text = unicodedata.normalize("NFKC", alias).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _ARABIC_MARKS.sub("", text)
    text = _DASHES.sub(" ", text)
    return " ".join(text.split())


@dataclass
class RegistryChange:
    """What storing one actor changed."""

    actor_added: bool = False
    aliases_added: int = 0
    notes: list[str] = field(default_factory=list)


def store_actor(
    session: Session, key: str, name: str, type_: str, aliases: list[str], description: str = ""
) -> RegistryChange:
    """Add an actor, or add the aliases an existing one lacks.

    An existing actor's name and type are kept (an admin may have edited them);
    a difference is reported in ``notes`` rather than overwritten.
    """
    change = RegistryChange()
    name = " ".join(unicodedata.normalize("NFC", name).split())
    description = unicodedata.normalize("NFC", description)
    actor = session.get(Actor, key)
    if actor is None:
        actor = Actor(key=key, name=name, type=type_, description=description)
        session.add(actor)
        change.actor_added = True
    else:
        if actor.name != name or actor.type != type_:
            change.notes.append(
                f"actor {key!r} exists as {actor.name!r} ({actor.type}); kept it, "
                f"not {name!r} ({type_})"
            )
    present = (
        set(session.scalars(select(ActorAlias.normalised).where(ActorAlias.actor_key == key)))
        if not change.actor_added
        else set()
    )
    for alias in [name, *aliases]:
        alias = " ".join(unicodedata.normalize("NFC", alias).split())
        normalised = normalise_alias(alias)
        if not normalised or normalised in present:
            continue
        present.add(normalised)
        actor.aliases.append(ActorAlias(alias=alias, normalised=normalised))
        change.aliases_added += 1
    return change
