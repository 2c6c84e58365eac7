"""Browsing the actor registry: one page of actors matching a search, with how many entity
mentions link each.

The counts come from one grouped query over the entity rows of the page's actors (an
index seek on ``annotation_entities.actor_key``), never one query per actor, so the page
stays fast with hundreds of thousands of entities and thousands of actors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from .models import Actor, ActorAlias, AnnotationEntity
from .registry import normalise_alias

PER_PAGE = 50


@dataclass
class ActorRow:
    """One actor as the registry page lists it."""

    actor: Actor
    mentions: int

    @property
    def aliases(self) -> list[ActorAlias]:
        """Its confirmed aliases other than its name."""
        return [
            alias
            for alias in self.actor.aliases
            if alias.status == "confirmed" and alias.alias != self.actor.name
        ]

    @property
    def proposed(self) -> list[ActorAlias]:
        """Its aliases waiting for a reviewer."""
        return [alias for alias in self.actor.aliases if alias.status == "proposed"]


@dataclass
class RegistryPage:
    """A page of the registry: the actors on it, and where it is among the others."""

    rows: list[ActorRow]
    total: int
    page: int
    pages: int
    query: str = ""
    type: str = ""
    per_page: int = PER_PAGE
    types: list[str] = field(default_factory=list)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse(
    session: Session, query: str = "", type_: str = "", page: int = 1, per_page: int = PER_PAGE
) -> RegistryPage:
    """The actors whose key, name or any alias (proposed ones too) holds ``query`` and whose
    type is ``type_`` (both optional), by name, page ``page`` (from 1) of ``per_page``."""
    conditions = []
    normalised = normalise_alias(query)
    if normalised:
        holding = select(ActorAlias.actor_key).where(
            ActorAlias.normalised.like(_like(normalised), escape="\\")
        )
        conditions.append(
            or_(Actor.key.in_(holding), Actor.key.like(_like(query.strip().casefold()), "\\"))
        )
    if type_:
        conditions.append(Actor.type == type_)
    total = session.scalar(select(func.count()).select_from(Actor).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    actors = list(
        session.scalars(
            select(Actor)
            .options(selectinload(Actor.aliases))
            .where(*conditions)
            .order_by(func.lower(Actor.name), Actor.key)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    counts = mention_counts(session, [actor.key for actor in actors])
    rows = [ActorRow(actor, counts.get(actor.key, 0)) for actor in actors]
    return RegistryPage(rows, total, page, pages, query, type_, per_page)


def mention_counts(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """How many entity mentions link each of ``keys`` (absent: none), in one grouped query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.execute(
        select(AnnotationEntity.actor_key, func.count())
        .where(AnnotationEntity.actor_key.in_(wanted))
        .group_by(AnnotationEntity.actor_key)
    )
    return {key: count for key, count in rows}
