"""The suggestions offered on a paragraph: imported pre-annotations first, then alias matches
from the registry, texts the team has labelled (``learning``), names after titles, speakers
of cues and reporting cues; the alias matcher kept per database until the registry's
confirmed aliases change, the learned one until what is learned changes."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..models import Actor, ActorAlias, Paragraph, PreAnnotation
from ..registry import registry_fingerprint, registry_generation
from .kinds import PRE_PREFIX
from .learning import learned_matcher
from .matching import AliasEntry, AliasMatcher, suggest_cues
from .rules import suggest_by_rules

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


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _with_learned(
    offered: list[dict[str, Any]], learned: list[dict[str, Any]], fixed: int
) -> list[dict[str, Any]]:
    """``offered`` (its first ``fixed`` are pre-annotations, never displaced) with the learned
    suggestions: on the span of a registry match the learned one wins (the team's label; the
    registry's actor kept when the team linked none); over another registry match, the longer
    span wins (the learned one on a tie); one touching a pre-annotation is not offered."""
    result = list(offered)
    for suggestion in learned:
        clashes = [s for s in result if _overlaps(s, suggestion)]
        if any(result.index(s) < fixed for s in clashes):
            continue
        length = suggestion["end"] - suggestion["start"]
        if any(s["end"] - s["start"] > length for s in clashes):
            continue
        for registry in clashes:
            if (registry["start"], registry["end"]) == (suggestion["start"], suggestion["end"]):
                if suggestion["actor"] is None:
                    suggestion = suggestion | {
                        k: registry[k] for k in ("actor", "actor_name", "alternatives")
                    }
                elif suggestion["actor"] != registry["actor"]:
                    suggestion = suggestion | {"alternatives": [registry["actor"]]}
            result.remove(registry)
        result.append(suggestion)
    return result


def _with_rules(
    offered: list[dict[str, Any]],
    rules: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """``offered`` with the rules' suggestions (``rules(taken)``, called once, offers none
    overlapping ``taken``). A learned text inside a longer rule phrase of the same label
    gives way to it, as the longer span wins between registry and learned: "government",
    learned from one paragraph, does not cut "Congolese government" down in the next."""

    def displaced(learned: dict[str, Any], phrases: list[dict[str, Any]]) -> bool:
        return any(
            p["label"] == learned["label"]
            and p["start"] <= learned["start"]
            and learned["end"] <= p["end"]
            and p["end"] - p["start"] > learned["end"] - learned["start"]
            for p in phrases
        )

    learned = [s for s in offered if s["source"] == "learned"]
    others = [s for s in offered if s["source"] != "learned"]
    # What the rules offer where no learned text counts; a learned text keeps its place
    # unless one of those phrases holds it whole, with its label, and then the phrases over
    # a kept learned text go.
    phrases = rules(others)
    kept = [s for s in learned if not displaced(s, phrases)]
    return others + kept + [p for p in phrases if not any(_overlaps(p, s) for s in kept)]


def suggestions_for(
    session: Session, paragraph: Paragraph
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entity and cue suggestions for ``paragraph``, each with its ``source`` (the kinds of
    ``kinds.py``): imported pre-annotations first, then registry alias matches and learned
    texts (``_with_learned`` says which wins a span), then names after titles, named
    phrases and the speakers of cues where nothing else is offered, and the reporting cues.

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
                    "id": f"{PRE_PREFIX}{pre.id}-{entity['id']}",
                    "kind": "entity",
                    "source": "pre_annotation",
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
                        "id": f"{PRE_PREFIX}{pre.id}-{quote['id']}-cue",
                        "kind": "cue",
                        "source": "pre_annotation",
                        "start": cue["start"],
                        "end": cue["end"],
                        "text": text[cue["start"] : cue["end"]],
                        "origin": pre.source,
                    }
                )
    fixed = len(entities)
    taken = {(s["start"], s["end"]) for s in entities}
    entities += [
        s for s in alias_matcher(session).suggest(text) if (s["start"], s["end"]) not in taken
    ]
    entities = _with_learned(entities, learned_matcher(session).suggest(text), fixed)
    unnamed = {e["actor"] for e in entities if e["actor"] and e["actor_name"] is None}
    if unnamed:
        names = dict(
            session.execute(select(Actor.key, Actor.name).where(Actor.key.in_(unnamed))).all()
        )
        for entity in entities:
            if entity["actor_name"] is None:
                entity["actor_name"] = names.get(entity["actor"])
    matched_cues = suggest_cues(text)
    organisations = alias_matcher(session).organisations()
    entities = _with_rules(
        entities, lambda taken: suggest_by_rules(text, matched_cues, taken, organisations)
    )
    entities.sort(key=lambda s: (s["start"], -s["end"]))
    # A pre-annotation's cue wins the words it covers ("told" imported, "told AFP" matched).
    cues += [c for c in matched_cues if not any(_overlaps(c, taken) for taken in cues)]
    return entities, cues
