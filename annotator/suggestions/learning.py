"""Keeping the learned suggestions in step with the annotations, from the store's save and in
its transaction: what the annotation taught before the save is taken back, what it teaches
now is added. A save reads nothing for it: the old layer rows come back from the DELETE that
removes them (``TAUGHT_BY``, ``replaced``) and the counts from the upserts (``apply``);
writers of many annotations ``prepare`` from the stored rows first.

``learned_state``'s generation is bumped when a text starts or stops being offered (learned
anew, withdrawn, rejected out). ``learned_matcher`` keeps one matcher per database, rebuilt
only after such a bump, never by rereading the annotations; which of a text's labels is
offered (its counts against the others') is refreshed with it.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import (
    Actor,
    AnnotationEntity,
    EntityType,
    LearnedSpan,
    LearnedState,
    SuggestionDecision,
)
from .learned import (
    EMPTY,
    Contribution,
    Counts,
    Item,
    LearnedMatcher,
    contribution,
    delta,
    is_offered,
    winners,
)

if TYPE_CHECKING:  # the annotation's store imports this module
    from ..annotation.model import Content

SPANS: Table = LearnedSpan.__table__  # type: ignore[assignment]
STATE: Table = LearnedState.__table__  # type: ignore[assignment]
# As the alias matcher (service.RECHECK_SECONDS): how long a matcher is trusted before the
# database is asked whether another process changed what is learned.
RECHECK_SECONDS = 2.0
_generation = 0


@dataclass(frozen=True)
class Pending:
    """A save's change to what is learned: per item, the counts to add and a spelling."""

    changes: dict[Item, tuple[Counts, str]]


# The layer columns that say what an annotation taught, in ``contribution``'s order: the
# store's save has its DELETE of the old layer rows return them, and reads nothing more.
TAUGHT_BY = {
    "annotation_entities": (
        AnnotationEntity.start,
        AnnotationEntity.end,
        AnnotationEntity.label,
        AnnotationEntity.actor_key,
    ),
    "suggestion_decisions": (
        SuggestionDecision.suggestion_id,
        SuggestionDecision.start,
        SuggestionDecision.end,
        SuggestionDecision.label,
        SuggestionDecision.actor_key,
        SuggestionDecision.decision,
    ),
}


def content_contribution(text: str, content: Content) -> Contribution:
    """What ``content``, an annotation of ``text``, teaches."""
    return contribution(
        text,
        content.status == "submitted",
        ((e.start, e.end, e.label, e.actor) for e in content.entities),
        ((d.id, d.start, d.end, d.label, d.actor, d.decision) for d in content.suggestions),
    )


def replaced(
    text: str, status: str | None, removed: Mapping[str, Sequence[Any]], content: Content
) -> Pending:
    """What saving ``content`` over an annotation of ``text`` (``status``, None if new) changes,
    from the rows its old layers held (``removed``, by table, the ``TAUGHT_BY`` columns)."""
    old = contribution(
        text,
        status == "submitted",
        removed.get("annotation_entities", ()),
        removed.get("suggestion_decisions", ()),
    )
    return Pending(delta(old, content_contribution(text, content)))


def prepare(
    session: Session, annotation_id: int | None, status: str | None, text: str, content: Content
) -> Pending:
    """``replaced``, reading the stored annotation's layer rows (``annotation_id``, None if
    new): for writers that replace many annotations at once, before their first write."""
    removed: dict[str, Sequence[Any]] = {}
    if annotation_id is not None:
        for table, columns in TAUGHT_BY.items():
            owner = columns[0].table.c.annotation_id
            removed[table] = session.execute(select(*columns).where(owner == annotation_id)).all()
    return replaced(text, status, removed, content)


def prepare_new(session: Session, saves: Sequence[tuple[str, Content]]) -> Pending:
    """What annotations that do not exist yet (an import) teach: (text, content) each."""
    changes: dict[Item, tuple[Counts, str]] = {}
    for text, content in saves:
        for item, (counts, spelling) in delta(EMPTY, content_contribution(text, content)).items():
            previous, _ = changes.get(item, (Counts(), spelling))
            changes[item] = (previous + counts, spelling)
    return Pending(changes)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT."""
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


_COUNTS = ("submissions", "acceptances", "rejections")
_RETURNED = (SPANS.c.key, SPANS.c.label, SPANS.c.actor_key, *(SPANS.c[n] for n in _COUNTS))


def apply(session: Session, pending: Pending) -> None:
    """Write ``pending`` in the caller's transaction with writes alone (each returns the
    counts it leaves), and bump the generation when a text starts or stops being offered.
    Counts never go below zero."""
    if not pending.changes:
        return
    insert = _insert(session)
    # In key order: two saves touching the same rows lock them in the same order.
    ordered = sorted(pending.changes.items())
    after: list[Any] = []
    adding = [(item, c, s) for item, (c, s) in ordered if min(c.__dict__.values()) >= 0]
    if adding:
        statement = insert(SPANS)
        statement = statement.on_conflict_do_update(
            index_elements=[SPANS.c.key, SPANS.c.label, SPANS.c.actor_key],
            set_={name: SPANS.c[name] + statement.excluded[name] for name in _COUNTS},
        ).returning(*_RETURNED)
        rows = [
            {"key": k, "label": label, "actor_key": actor, "spelling": spelling, **c.__dict__}
            for (k, label, actor), c, spelling in adding
        ]
        after += session.execute(statement, rows).all()
    for (key, label, actor), counts in (
        (item, c) for item, (c, _) in ordered if min(c.__dict__.values()) < 0
    ):
        values = {}
        for name, step in counts.__dict__.items():
            column = SPANS.c[name]
            values[name] = case((column + step < 0, 0), else_=column + step)
        after += session.execute(
            update(SPANS)
            .where(and_(SPANS.c.key == key, SPANS.c.label == label, SPANS.c.actor_key == actor))
            .values(values)
            .returning(*_RETURNED)
        ).all()
    for key, label, actor, *numbers in after:
        now = Counts(*numbers)
        if is_offered(now) != is_offered(now - pending.changes[key, label, actor][0]):
            bump(session)
            return


def bump(session: Session) -> None:
    """Say that what is learned and offered changed: in the database (other processes) and
    in this process."""
    global _generation
    statement = _insert(session)(STATE).values(id=1, generation=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[STATE.c.id], set_={"generation": STATE.c.generation + 1}
        )
    )
    _generation += 1


def learned_generation() -> int:
    """A number this process changes whenever it changes what is learned and offered."""
    return _generation


@dataclass
class _Cached:
    matcher: LearnedMatcher
    stored: int  # learned_state's generation it was built from
    generation: int
    checked_at: float


_MATCHERS: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()


def build(session: Session) -> LearnedMatcher:
    """A learned matcher from every row of ``learned_spans`` (one query, no annotation read)."""
    return LearnedMatcher(winners(_all_rows(session)).values())


def _all_rows(session: Session) -> list[tuple[str, str, str, str, Counts]]:
    """Every learned row that may be offered: with support, under a label not retired; an
    actor no longer in the registry (merged away) is left out of its suggestion."""
    found = session.execute(
        select(
            SPANS.c.key,
            SPANS.c.label,
            func.coalesce(Actor.key, ""),
            SPANS.c.spelling,
            SPANS.c.submissions,
            SPANS.c.acceptances,
            SPANS.c.rejections,
        )
        .join(EntityType, EntityType.name == SPANS.c.label)
        .outerjoin(Actor, Actor.key == SPANS.c.actor_key)
        .where(EntityType.retired_at.is_(None), SPANS.c.submissions + SPANS.c.acceptances > 0)
    )
    return [(k, label, actor, spell, Counts(s, a, r)) for k, label, actor, spell, s, a, r in found]


def learned_matcher(session: Session) -> LearnedMatcher:
    """The learned matcher of the database, rebuilt only when its generation changed: a
    change made here is seen at once, one made by another process within RECHECK_SECONDS."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    cached = _MATCHERS.get(engine)
    now = time.monotonic()
    if (
        cached is not None
        and cached.generation == _generation
        and now - cached.checked_at < RECHECK_SECONDS
    ):
        return cached.matcher
    stored = session.scalar(select(STATE.c.generation).where(STATE.c.id == 1)) or 0
    if cached is not None and cached.stored == stored:
        cached.generation, cached.checked_at = _generation, now
        return cached.matcher
    matcher = build(session)
    _MATCHERS[engine] = _Cached(matcher, stored, _generation, now)
    return matcher
