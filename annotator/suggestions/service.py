"""The suggestions offered on a paragraph: imported pre-annotations first, then alias matches
from the registry and reporting verbs; the alias matcher kept per database until the
registry's confirmed aliases change."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..models import Actor, ActorAlias, Paragraph, PreAnnotation
from ..registry import registry_fingerprint, registry_generation
from .matching import AliasEntry, AliasMatcher, suggest_cues

# How long a matcher is trusted before the database is asked whether another process (a
# command-line import, another server worker) changed the registry: asking costs a count
# over every alias, which would grow every paragraph's opening with the registry. Changes
# this process makes are seen at once.
RECHECK_SECONDS = 2.0


@dataclass
class _Cached:
    matcher: AliasMatcher
    fingerprint: tuple[int, ...]
    generation: int
    checked_at: float


# One matcher per database (engine).
_MATCHERS: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()


def alias_matcher(session: Session) -> AliasMatcher:
    """The alias matcher of the registry, built again only when its confirmed aliases change."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    cached = _MATCHERS.get(engine)
    generation, now = registry_generation(), time.monotonic()
    if (
        cached is not None
        and cached.generation == generation
        and now - cached.checked_at < RECHECK_SECONDS
    ):
        return cached.matcher
    fingerprint = registry_fingerprint(session)
    if cached is not None and cached.fingerprint == fingerprint:
        cached.generation, cached.checked_at = generation, now
        return cached.matcher
    rows = session.execute(
        select(Actor.key, Actor.name, Actor.type, ActorAlias.alias, Actor.entity_label)
        .join(ActorAlias, ActorAlias.actor_key == Actor.key)
        .where(ActorAlias.status == "confirmed")
    ).all()
    matcher = AliasMatcher(AliasEntry(*row) for row in rows)
    _MATCHERS[engine] = _Cached(matcher, fingerprint, generation, now)
    return matcher


def suggestions_for(
    session: Session, paragraph: Paragraph
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entity and cue suggestions for ``paragraph``: imported pre-annotations first, then
    alias and reporting-verb matches.

    Where a pre-annotation and an alias match cover the same span, the pre-annotation
    (a model's label) is offered and the alias match is not offered twice.
    """
    text = paragraph.text
    entities: list[dict[str, Any]] = []
    cues: list[dict[str, Any]] = []
    for pre in session.scalars(
        select(PreAnnotation)
        .where(PreAnnotation.paragraph_id == paragraph.id)
        .order_by(PreAnnotation.id)
    ):
        for entity in pre.payload.get("entities", []):
            entities.append(
                {
                    "id": f"pre-{pre.id}-{entity['id']}",
                    "kind": "entity",
                    "start": entity["start"],
                    "end": entity["end"],
                    "text": text[entity["start"] : entity["end"]],
                    "label": entity["label"],
                    "actor": entity["actor"],
                    "actor_name": None,
                    "alternatives": [],
                    "origin": pre.source,
                }
            )
        for quote in pre.payload.get("quotes", []):
            if quote.get("cue"):
                cue = quote["cue"]
                cues.append(
                    {
                        "id": f"pre-{pre.id}-{quote['id']}-cue",
                        "kind": "cue",
                        "start": cue["start"],
                        "end": cue["end"],
                        "text": text[cue["start"] : cue["end"]],
                        "origin": pre.source,
                    }
                )
    if entities:
        keys = {e["actor"] for e in entities if e["actor"]}
        names = dict(
            session.execute(select(Actor.key, Actor.name).where(Actor.key.in_(keys))).all()
        )
        for entity in entities:
            entity["actor_name"] = names.get(entity["actor"])
    taken = {(s["start"], s["end"]) for s in entities}
    entities += [
        s for s in alias_matcher(session).suggest(text) if (s["start"], s["end"]) not in taken
    ]
    taken_cues = {(c["start"], c["end"]) for c in cues}
    cues += [c for c in suggest_cues(text) if (c["start"], c["end"]) not in taken_cues]
    return entities, cues
