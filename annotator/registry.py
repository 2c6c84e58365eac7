"""The actor registry: canonical actors and the normalised form their aliases are matched by."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from types import EllipsisType
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from .config import ConfigurationError
from .models import Actor, ActorAlias, ActorType, EntityType, User

REGISTRY_SCHEMA = "annotator.actors.v1"
ACTOR_KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ALIAS_LENGTH = 200  # the width of actor_aliases.alias and .normalised
MAX_DESCRIPTION_LENGTH = 5000
MAX_ALIASES_SETTING = "ANNOTATOR_MAX_ALIASES_PER_ACTOR"
DEFAULT_MAX_ALIASES = 200
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


def max_aliases_per_actor() -> int:
    """How many aliases one actor may have, its name among them: 200 unless
    ``ANNOTATOR_MAX_ALIASES_PER_ACTOR`` says otherwise.

    A registry entry with thousands of aliases is a mistake (a word list pasted into one
    actor), and every alias is offered on every paragraph opened: the bound keeps both the
    suggestions and the registry page readable.
    """
    configured = os.environ.get(MAX_ALIASES_SETTING, "").strip()
    if not configured:
        return DEFAULT_MAX_ALIASES
    if not configured.isdigit() or int(configured) < 1:
        raise ConfigurationError(
            f"{MAX_ALIASES_SETTING}={configured!r}: expected a whole number of at least 1"
        )
    return int(configured)


def check_alias_count(key: str, aliases: list[str]) -> None:
    """Refuse an actor whose aliases (its name among them, spellings that normalise alike
    counted once) are more than an actor may have."""
    count = len({normalise_alias(alias) for alias in aliases} - {""})
    _check_count(key, count)


def _check_count(key: str, count: int) -> None:
    bound = max_aliases_per_actor()
    if count > bound:
        raise RegistryError(
            f"aliases: actor {key!r} would have {count} aliases (its name among them); an "
            f"actor may have at most {bound} ({MAX_ALIASES_SETTING})"
        )


@dataclass
class RegistryChange:
    """What storing one actor changed."""

    actor_added: bool = False
    aliases_added: int = 0
    notes: list[str] = field(default_factory=list)


def store_actor(
    session: Session,
    key: str,
    name: str,
    type_: str,
    aliases: list[str],
    description: str = "",
    entity_label: str | None = None,
) -> RegistryChange:
    """Add an actor, or add the aliases an existing one lacks.

    An existing actor's name and type are kept (an admin may have edited them);
    a difference is reported in ``notes`` rather than overwritten. A key merged into
    another actor (``actor_merge``) gives its aliases to that actor, as an older registry
    file imported again must not bring the merged actor back. Raises ``RegistryError`` when
    the actor would have more aliases than an actor may have.
    """
    change = RegistryChange()
    name = " ".join(unicodedata.normalize("NFC", name).split())
    description = unicodedata.normalize("NFC", description)
    actor = session.get(Actor, key)
    merged_into = former_key_holder(session, key) if actor is None else None
    if merged_into is not None:
        change.notes.append(
            f"actor {key!r} was merged into {merged_into.key!r}: its aliases go there"
        )
        actor, key = merged_into, merged_into.key
    present = (
        set(session.scalars(select(ActorAlias.normalised).where(ActorAlias.actor_key == key)))
        if actor is not None
        else set()
    )
    new: dict[str, str] = {}
    for alias in [name, *aliases]:
        alias = " ".join(unicodedata.normalize("NFC", alias).split())
        normalised = normalise_alias(alias)
        if normalised and normalised not in present:
            new.setdefault(normalised, alias)
    _check_count(key, len(present) + len(new))
    if actor is None:
        actor = Actor(
            key=key, name=name, type=type_, description=description, entity_label=entity_label
        )
        session.add(actor)
        change.actor_added = True
    elif merged_into is None:
        if actor.entity_label is None and entity_label is not None:
            actor.entity_label = entity_label  # filling a gap overwrites nothing
        elif entity_label is not None and actor.entity_label != entity_label:
            change.notes.append(
                f"actor {key!r} suggests {actor.entity_label}; kept it, not {entity_label}"
            )
        if actor.name != name or actor.type != type_:
            change.notes.append(
                f"actor {key!r} exists as {actor.name!r} ({actor.type}); kept it, "
                f"not {name!r} ({type_})"
            )
    for normalised, alias in new.items():
        actor.aliases.append(ActorAlias(alias=alias, normalised=normalised))
    change.aliases_added = len(new)
    _changed()
    return change


class RegistryError(ValueError):
    """A registry change that cannot be made; the message says why."""


def slugify(name: str) -> str:
    """A registry key from a name: "Jaysh al-Islam" gives "jaysh-al-islam"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.casefold()))[:64].strip("-")


def create_actor(
    session: Session, name: str, type_: str, aliases: list[str], key: str | None = None
) -> Actor:
    """Create an actor on the spot (reviewers and admins); refuse a taken key or a bad type."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise RegistryError("name: an actor needs a name")
    if len(name) > MAX_ALIAS_LENGTH:
        raise RegistryError(f"name: at most {MAX_ALIAS_LENGTH} characters")
    key = key or slugify(name)
    if not key or not ACTOR_KEY_PATTERN.fullmatch(key):
        raise RegistryError(f"key: {key!r} is not a slug (lowercase letters, digits, dashes)")
    if session.get(ActorType, type_) is None:
        raise RegistryError(f"type: unknown actor type {type_!r}")
    if session.get(Actor, key) is not None:
        raise RegistryError(f"key: an actor {key!r} already exists")
    holder = former_key_holder(session, key)
    if holder is not None:
        # Merged away: records that name the key resolve to the actor it was merged into,
        # so a new actor under it would take those links over; give the new one another key.
        raise RegistryError(
            f"key: {key!r} was merged into {holder.name} ({holder.key}) and still names it; "
            "choose another key"
        )
    for alias in aliases:
        if len(normalise_alias(alias)) > MAX_ALIAS_LENGTH:
            raise RegistryError(f"aliases: {alias[:40]!r}... is too long")
    store_actor(session, key, name, type_, aliases)
    session.flush()
    actor = session.get(Actor, key)
    assert actor is not None
    return actor


def propose_alias(
    session: Session, actor: Actor, alias: str, user_id: int, confirmed: bool
) -> ActorAlias:
    """Add an alias to ``actor``: confirmed at once when a reviewer adds it, else proposed."""
    alias = " ".join(unicodedata.normalize("NFC", alias).split())
    normalised = normalise_alias(alias)
    if not normalised:
        raise RegistryError("alias: give the alias text")
    if len(normalised) > MAX_ALIAS_LENGTH:
        raise RegistryError(f"alias: at most {MAX_ALIAS_LENGTH} characters")
    existing = session.scalar(
        select(ActorAlias).where(
            ActorAlias.actor_key == actor.key, ActorAlias.normalised == normalised
        )
    )
    if existing is not None:
        raise RegistryError(
            f"alias: {actor.name} already has {existing.alias!r} ({existing.status})"
        )
    elsewhere = session.scalar(
        select(Actor)
        .join(ActorAlias, ActorAlias.actor_key == Actor.key)
        .where(ActorAlias.normalised == normalised, ActorAlias.status == "confirmed")
        .limit(1)
    )
    if elsewhere is not None:
        # One alias, two actors: every mention would be suggested and linked as one of them
        # at random. Merge the two actors, or remove the alias from the other one first.
        raise RegistryError(
            f"alias: {alias[:40]!r} already belongs to {elsewhere.name} ({elsewhere.key}); "
            "remove it there first, or merge the two actors"
        )
    count = session.scalar(
        select(func.count()).select_from(ActorAlias).where(ActorAlias.actor_key == actor.key)
    )
    if count is not None and count >= max_aliases_per_actor():
        raise RegistryError(
            f"alias: {actor.name} has {count} aliases (proposed ones included), the most an "
            f"actor may have ({MAX_ALIASES_SETTING})"
        )
    record = ActorAlias(
        alias=alias,
        normalised=normalised,
        status="confirmed" if confirmed else "proposed",
        proposed_by_id=user_id,
        reviewed_by_id=user_id if confirmed else None,
    )
    actor.aliases.append(record)
    session.flush()
    _changed()
    return record


def update_actor(
    session: Session,
    actor: Actor,
    *,
    name: str | None = None,
    type_: str | None = None,
    description: str | None = None,
    entity_label: str | None | EllipsisType = ...,
) -> Actor:
    """Edit an actor's name, type, description or suggested entity label (reviewers and
    admins); what is not given is kept. A new name becomes one of its confirmed aliases too,
    so that it is suggested (within the bound on aliases). Raises ``RegistryError``."""
    if type_ is not None and type_ != actor.type:
        if session.get(ActorType, type_) is None:
            raise RegistryError(f"type: unknown actor type {type_!r}")
        actor.type = type_
    if entity_label is not ...:
        if entity_label is not None and session.get(EntityType, entity_label) is None:
            raise RegistryError(f"label: unknown entity type {entity_label!r}")
        actor.entity_label = entity_label
    if description is not None:
        _check_description(description)
        actor.description = unicodedata.normalize("NFC", description).strip()
    if name is not None:
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if not name:
            raise RegistryError("name: an actor needs a name")
        if len(name) > MAX_ALIAS_LENGTH:
            raise RegistryError(f"name: at most {MAX_ALIAS_LENGTH} characters")
        normalised = normalise_alias(name)
        held = {alias.normalised: alias for alias in actor.aliases}
        if normalised not in held:
            _check_count(actor.key, len(held) + 1)
            actor.aliases.append(ActorAlias(alias=name, normalised=normalised))
        elif held[normalised].status == "proposed":
            held[normalised].status = "confirmed"
        actor.name = name
    session.flush()
    _changed()
    return actor


def remove_alias(session: Session, actor: Actor, alias_id: int) -> ActorAlias:
    """Delete one of ``actor``'s aliases (confirmed or proposed): it is suggested no more.

    Raises ``LookupError`` when the actor has no such alias, ``RegistryError`` for the one
    that spells its name (rename the actor first)."""
    record = session.get(ActorAlias, alias_id)
    if record is None or record.actor_key != actor.key:
        raise LookupError(f"actor {actor.key!r} has no alias {alias_id}")
    if record.normalised == normalise_alias(actor.name):
        raise RegistryError(f"alias: {record.alias!r} is the actor's name; rename the actor first")
    actor.aliases.remove(record)
    session.flush()
    _changed()
    return record


# What the normalised form of an actor key looks like ("old-key" is "old key").
_KEY_SHAPED = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def key_aliases(session: Session) -> dict[str, str]:
    """The normalised confirmed aliases that could spell an actor key, by the one actor that
    holds each (an alias two actors share is left out): how a record naming an actor key the
    registry no longer has (one merged into another, whose key became its alias) still
    finds its actor on import."""
    found: dict[str, str | None] = {}
    rows = session.execute(
        select(ActorAlias.normalised, ActorAlias.actor_key).where(ActorAlias.status == "confirmed")
    )
    for normalised, key in rows:
        if _KEY_SHAPED.fullmatch(normalised):
            found[normalised] = key if found.get(normalised, key) == key else None
    return {normalised: key for normalised, key in found.items() if key is not None}


def former_key_holder(session: Session, key: str) -> Actor | None:
    """The actor that ``key``, no longer an actor's key, was merged into: the one actor
    holding it, spelled exactly so, as a confirmed alias (``actor_merge`` adds it)."""
    if not ACTOR_KEY_PATTERN.fullmatch(key):
        return None
    holders = session.scalars(
        select(ActorAlias.actor_key)
        .where(ActorAlias.alias == key, ActorAlias.status == "confirmed")
        .distinct()
        .limit(2)
    ).all()
    return session.get(Actor, holders[0]) if len(holders) == 1 else None


def _check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise RegistryError(f"description: at most {MAX_DESCRIPTION_LENGTH} characters")


def search_actors(session: Session, query: str, limit: int = 20) -> list[Actor]:
    """Actors whose confirmed aliases (the name is one) match ``query``.

    Exact matches come first, then prefixes, then matches anywhere in the alias.
    """
    normalised = normalise_alias(query)
    if not normalised:
        return list(session.scalars(select(Actor).order_by(Actor.name).limit(limit)))
    escaped = normalised.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(
        select(ActorAlias.actor_key, ActorAlias.normalised).where(
            ActorAlias.status == "confirmed",
            ActorAlias.normalised.like(f"%{escaped}%", escape="\\"),
        )
    ).all()
    rank: dict[str, int] = {}
    for key, alias in rows:
        score = 0 if alias == normalised else 1 if alias.startswith(normalised) else 2
        rank[key] = min(rank.get(key, 3), score)
    if not rank:
        return []
    actors = {a.key: a for a in session.scalars(select(Actor).where(Actor.key.in_(rank)))}
    ordered = sorted(actors.values(), key=lambda a: (rank[a.key], a.name.casefold()))
    return ordered[:limit]


_generation = 0


def registry_generation() -> int:
    """A number this process changes whenever it changes the registry: what a cache of the
    registry compares first, before asking the database (``registry_fingerprint``) what
    other processes changed."""
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


def registry_changed() -> None:
    """Say that this process changed the registry (caches of it then look again)."""
    _changed()


def registry_fingerprint(session: Session) -> tuple[int, ...]:
    """Changes whenever confirmed aliases, actors or their entity labels change (for caching)."""
    confirmed = ActorAlias.status == "confirmed"
    row = session.execute(
        select(
            select(func.count()).where(confirmed).scalar_subquery(),
            select(func.coalesce(func.max(ActorAlias.id), 0)).where(confirmed).scalar_subquery(),
            select(func.count()).select_from(Actor).scalar_subquery(),
            select(func.count(Actor.entity_label)).scalar_subquery(),
        )
    ).one()
    return tuple(int(value) for value in row)


def actor_json(actor: Actor, *, with_proposed: bool = False) -> dict[str, Any]:
    """The API shape of an actor: confirmed aliases (and proposed ones when asked)."""
    body: dict[str, Any] = {
        "id": actor.key,
        "name": actor.name,
        "type": actor.type,
        "label": actor.entity_label,
        "aliases": [a.alias for a in actor.aliases if a.status == "confirmed"],
    }
    if with_proposed:
        body["proposed_aliases"] = [a.alias for a in actor.aliases if a.status == "proposed"]
    return body


def actors_by_key(session: Session, keys: set[str]) -> dict[str, dict[str, Any]]:
    """The API shape of the actors with these keys (``actor_json``'s, confirmed aliases in
    the order they were added), by key.

    Every paragraph GET asks for this: it reads plain rows, not ORM objects with their
    aliases loaded, which cost a seventh of the whole queue -> paragraph -> save loop."""
    if not keys:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for key, name, type_, label in session.execute(_ACTORS_BY_KEY, {"keys": list(keys)}):
        found[key] = {"id": key, "name": name, "type": type_, "label": label, "aliases": []}
    for key, alias in session.execute(_CONFIRMED_ALIASES_BY_KEY, {"keys": list(found)}):
        found[key]["aliases"].append(alias)
    return found


_ACTORS_BY_KEY = select(Actor.key, Actor.name, Actor.type, Actor.entity_label).where(
    Actor.key.in_(bindparam("keys", expanding=True))
)
_CONFIRMED_ALIASES_BY_KEY = (
    select(ActorAlias.actor_key, ActorAlias.alias)
    .where(
        ActorAlias.actor_key.in_(bindparam("keys", expanding=True)),
        ActorAlias.status == "confirmed",
    )
    .order_by(ActorAlias.id)
)


def proposed_aliases(session: Session) -> list[tuple[ActorAlias, Actor, str | None]]:
    """The aliases annotators proposed and no reviewer has decided on, oldest first, with
    their actor and who proposed them."""
    rows = session.execute(
        select(ActorAlias, Actor, User.username)
        .join(Actor, Actor.key == ActorAlias.actor_key)
        .outerjoin(User, User.id == ActorAlias.proposed_by_id)
        .where(ActorAlias.status == "proposed")
        .order_by(ActorAlias.id)
    )
    return [(alias, actor, username) for alias, actor, username in rows]


def decide_alias(session: Session, alias_id: int, confirm: bool, reviewer_id: int) -> ActorAlias:
    """Confirm a proposed alias (it is suggested from now on) or reject it (it is deleted).

    Raises ``LookupError`` when there is no such proposal (decided already, or never made).
    """
    record = session.get(ActorAlias, alias_id)
    if record is None or record.status != "proposed":
        raise LookupError(f"no proposed alias {alias_id}")
    if confirm:
        record.status = "confirmed"
        record.reviewed_by_id = reviewer_id
    else:
        session.delete(record)
    session.flush()
    _changed()
    return record


def registry_document(session: Session) -> dict[str, Any]:
    """The actor registry in the format ``annotator import`` reads (``annotator.actors.v1``),
    as the export writes it beside its records."""
    actors = session.scalars(select(Actor).options(selectinload(Actor.aliases)).order_by(Actor.key))
    entries = []
    for actor in actors:
        entry: dict[str, Any] = {
            "key": actor.key,
            "name": actor.name,
            "type": actor.type,
            "aliases": [
                a.alias for a in actor.aliases if a.status == "confirmed" and a.alias != actor.name
            ],
        }
        if actor.description:
            entry["description"] = actor.description
        if actor.entity_label:
            entry["label"] = actor.entity_label
        entries.append(entry)
    return {
        "schema": REGISTRY_SCHEMA,
        "description": "The actor registry at the time of the export; records link actors by key.",
        "actors": entries,
    }
