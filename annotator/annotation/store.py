"""The one write path for annotations: save one (from the workspace), save many (an import),
read one back, and the history every save appends to.

A stored annotation is four things written together, in one transaction, from one
``Content``: the ``annotations`` row (status, comment, flag, version, and the record's
layers as an export splices them), the rows of the layer tables (which keep stances and
quotes pointing inside their annotation and find an actor's mentions), the suggestion
decisions, and an ``annotation_history`` row holding the whole content. The history row
of the current version is what reads it back.

Saving one is optimistic: the caller names the version it started from, and a save from a
stale version is refused with the server's copy (``VersionConflict``), never a silent
overwrite.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..database import JSONText
from ..models import (
    Actor,
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    AnnotationQuote,
    AnnotationStance,
    Assignment,
    BatchMember,
    Document,
    EntityType,
    Paragraph,
    QuoteType,
    StancePolarity,
    SuggestionDecision,
)
from ..suggestions import learning as learned
from .counts import Before, mirror_save
from .model import Content, RecordActor, RecordLayers
from .record import encode_layers
from .validation import Vocabulary

log = logging.getLogger(__name__)
_encode = msgspec.json.Encoder().encode

ANNOTATIONS: Table = Annotation.__table__  # type: ignore[assignment]
HISTORY: Table = AnnotationHistory.__table__  # type: ignore[assignment]
# In the order rows must be inserted: quotes before the stances that name them.
LAYER_TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[misc]
    for model in (AnnotationEntity, AnnotationQuote, AnnotationStance, SuggestionDecision)
}


# What a payload may name, by the field of ``Vocabulary`` that holds it.
VOCABULARY = {
    "entity_types": EntityType.name,
    "polarities": StancePolarity.name,
    "quote_types": QuoteType.name,
    "actor_keys": Actor.key,
}


class VersionConflict(Exception):
    """The annotation changed since the client loaded it; carries the server's copy."""

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = current
        super().__init__(f"stale version; the server has version {current['version']}")


@dataclass(frozen=True)
class Gold:
    """Who adjudicated a gold annotation, and which annotators each of its items came from
    (item id -> usernames)."""

    saved_by: int
    sources: dict[str, list[str]]

    def usernames(self) -> str:
        """Every annotator an item came from, as the JSON array the record carries."""
        return orjson.dumps(
            sorted({name for names in self.sources.values() for name in names})
        ).decode()


@dataclass(frozen=True)
class SaveResult:
    version: int
    annotation_id: int


@dataclass
class NewAnnotation:
    """An annotation that does not exist yet, for ``save_many`` (an import)."""

    paragraph_id: str
    text: str
    annotator_id: int
    content: Content
    created_at: datetime
    updated_at: datetime
    # Kept in the history row beside the content, e.g. {"imported_from": "file.jsonl"}.
    note: dict[str, Any] = field(default_factory=dict)


# What a save reads and writes on every call, built once with parameters: building a
# statement costs SQLAlchemy more than running it does (a third of the cost when built
# once, measured: docs/performance.md).
_VOCABULARY = union_all(
    *(select(literal_column(f"'{kind}'"), column) for kind, column in VOCABULARY.items())
)
_ACTORS = select(Actor.key, Actor.name, Actor.type)
_ACTORS_NAMED = _ACTORS.where(Actor.key.in_(bindparam("keys", expanding=True)))
_INSERT_ANNOTATION = insert(ANNOTATIONS).returning(ANNOTATIONS.c.id)
# Compare-and-set in one statement: two tabs saving at once cannot both win.
_SAVE_OVER = (
    update(ANNOTATIONS)
    .where(
        ANNOTATIONS.c.id == bindparam("annotation"), ANNOTATIONS.c.version == bindparam("made_from")
    )
    .values(version=ANNOTATIONS.c.version + 1)
)
# In the order rows must be deleted: stances before the quotes they name.
# The rows that say what the annotation taught the suggestions come back from their DELETE
# (suggestions/learning.py), so that a save reads nothing after its first write.
_DELETE_LAYERS = {
    table.name: delete(table)
    .where(table.c.annotation_id == bindparam("annotation"))
    .returning(*learned.TAUGHT_BY.get(table.name, (table.c.annotation_id,)))
    for table in reversed(LAYER_TABLES.values())
}
_INSERT_LAYERS = {name: insert(table) for name, table in LAYER_TABLES.items()}
_INSERT_HISTORY = insert(HISTORY)


def load_vocabulary(session: Session) -> Vocabulary:
    """The labels and actor keys a payload may use, read from the database in one query
    (every save reads them)."""
    names: dict[str, set[str]] = {kind: set() for kind in VOCABULARY}
    for kind, name in session.execute(_VOCABULARY):
        names[kind].add(name)
    return Vocabulary(**{kind: frozenset(found) for kind, found in names.items()})


def record_actors(session: Session, keys: Iterable[str] | None = None) -> dict[str, RecordActor]:
    """The registry's actors as records carry them, by key (only ``keys`` when given)."""
    if keys is None:
        rows = session.execute(_ACTORS)
    else:
        wanted = set(keys)
        if not wanted:
            return {}
        rows = session.execute(_ACTORS_NAMED, {"keys": sorted(wanted)})
    return {key: RecordActor(key, name, type_) for key, name, type_ in rows}


def empty_payload() -> dict[str, Any]:
    """The API shape of an annotation nobody has saved yet: version 0, nothing in it."""
    return {"version": 0, **Content("draft").to_payload(), "updated_at": None}


def _mine(gold: bool) -> ColumnElement[bool]:
    """Whose annotation a query reads: the ``annotator`` parameter's, or the gold one."""
    if gold:
        return Annotation.annotator_id.is_(None)
    return Annotation.annotator_id == bindparam("annotator")


def _before_query(gold: bool) -> Select[Any]:
    """``read_before``'s query, with parameters ``paragraph`` and ``annotator``."""
    annotator = bindparam("annotator")
    # A paragraph of a retired document counts nowhere while it is retired, as boilerplate
    # does not: the save leaves the kept counts alone, and retiring and restoring recount
    # them (``documents.py``).
    retired = Document.retired_at.is_not(None)
    return (
        select(
            Annotation.status,
            Annotation.flagged,
            Annotation.id,
            Paragraph.is_boilerplate | retired,
            Paragraph.document_id,
            case((retired, None), else_=Assignment.batch_id),
            Assignment.done,
            BatchMember.last_done_at,
        )
        .select_from(Paragraph)
        .join(Document, Document.id == Paragraph.document_id)
        .outerjoin(Annotation, and_(Annotation.paragraph_id == Paragraph.id, _mine(gold)))
        .outerjoin(
            Assignment,
            and_(Assignment.paragraph_id == Paragraph.id, Assignment.user_id == annotator),
        )
        .outerjoin(
            BatchMember,
            and_(BatchMember.batch_id == Assignment.batch_id, BatchMember.user_id == annotator),
        )
        .where(Paragraph.id == bindparam("paragraph"))
    )


def _payload_query(gold: bool) -> Select[Any]:
    """``read_payload``'s query, with parameters ``paragraph`` and ``annotator``."""
    return (
        select(
            Annotation.version,
            Annotation.status,
            Annotation.comment,
            Annotation.flagged,
            Annotation.updated_at,
            Annotation.record_layers,
            AnnotationHistory.payload,
        )
        .outerjoin(
            AnnotationHistory,
            and_(
                AnnotationHistory.annotation_id == Annotation.id,
                AnnotationHistory.version == Annotation.version,
            ),
        )
        .where(Annotation.paragraph_id == bindparam("paragraph"), _mine(gold))
    )


# For an annotator's annotation (False) and for the gold one (True).
_BEFORE = {gold: _before_query(gold) for gold in (False, True)}
_PAYLOAD = {gold: _payload_query(gold) for gold in (False, True)}


def read_before(session: Session, paragraph_id: str, annotator_id: int | None) -> Before:
    """Everything a save of ``annotator_id``'s annotation of the paragraph reads, in one
    query, before its first write: on SQLite the write lock is then held for the writes
    alone. ``annotator_id`` None reads the gold annotation (which has no assignment)."""
    row = session.execute(
        _BEFORE[annotator_id is None], {"paragraph": paragraph_id, "annotator": annotator_id}
    ).first()
    if row is None:  # no such paragraph: the insert will say so
        return Before(None, False)
    status, flagged, annotation_id, boilerplate, document, batch, done, last = row
    # No annotation or no assignment: their columns are NULL.
    return Before(
        status, bool(flagged), annotation_id, boilerplate, document, batch, bool(done), last
    )


def read_payload(session: Session, paragraph_id: str, annotator_id: int | None) -> dict[str, Any]:
    """The API shape of ``annotator_id``'s annotation of the paragraph (version 0 if none);
    ``annotator_id`` None reads the gold annotation, with the ``sources`` of its items."""
    row = session.execute(
        _PAYLOAD[annotator_id is None], {"paragraph": paragraph_id, "annotator": annotator_id}
    ).first()
    if row is None:
        payload = empty_payload()
        return payload | {"sources": {}} if annotator_id is None else payload
    version, status, comment, flagged, updated_at, layers, stored = row
    if stored is not None:
        content = Content.from_payload(stored)
    else:  # written outside the store: what the record layers hold is all there is
        log.warning("annotation of %s by %s has no history row", paragraph_id, annotator_id)
        content = msgspec.json.decode(layers, type=RecordLayers).content(status, comment, flagged)
    payload = {"version": version, **content.to_payload(), "updated_at": updated_at.isoformat()}
    if annotator_id is None:
        payload["sources"] = (stored or {}).get("sources", {})
    return payload


def save(
    session: Session,
    paragraph_id: str,
    text: str,
    annotator_id: int | None,
    version: int,
    content: Content,
    *,
    gold: Gold | None = None,
) -> SaveResult:
    """Store ``content`` as ``annotator_id``'s annotation of the paragraph, made from
    ``version`` (0 for a first save), and append it to the history. Commits.

    ``text`` is the paragraph's text, which the content was validated against. Raises
    ``VersionConflict`` (storing nothing) when ``version`` is not the one the server holds.
    The gold annotation is saved the same way, with ``annotator_id`` None and ``gold``
    saying who adjudicated it and where its items came from; its status is ``gold``.
    """
    if (annotator_id is None) != (gold is not None):
        raise ValueError("a gold annotation has no annotator, and only it has sources")
    now = datetime.now(UTC)
    if gold is not None:
        content = msgspec.structs.replace(content, status="gold")
    layers = encode_layers(content, text, record_actors(session, content.actor_keys()))
    values = {
        "status": content.status,
        "comment": content.comment,
        "flagged": content.flagged,
        "updated_at": now,
        "record_layers": layers.decode(),
        "sources": gold.usernames() if gold is not None else None,
    }
    # Every read before the first write (SQLite holds its write lock from that write on).
    before = read_before(session, paragraph_id, annotator_id)
    removed: dict[str, Sequence[Any]] = {}
    saved_by = gold.saved_by if gold is not None else annotator_id
    assert saved_by is not None
    note = {"sources": gold.sources} if gold is not None else {}
    try:
        if before.annotation_id is None:
            if version != 0:
                raise _conflict(session, paragraph_id, annotator_id)
            try:
                annotation_id = session.execute(
                    _INSERT_ANNOTATION,
                    {
                        "paragraph_id": paragraph_id,
                        "annotator_id": annotator_id,
                        "version": 1,
                        "created_at": now,
                        **values,
                    },
                ).scalar_one()
            except IntegrityError:
                # Created by another request between our read and our insert.
                raise _conflict(session, paragraph_id, annotator_id) from None
            new_version = 1
        else:
            annotation_id = before.annotation_id
            parameters = {"annotation": annotation_id, "made_from": version, **values}
            if session.execute(_SAVE_OVER, parameters).rowcount != 1:
                raise _conflict(session, paragraph_id, annotator_id)
            new_version = version + 1
            for name, statement in _DELETE_LAYERS.items():
                removed[name] = session.execute(statement, {"annotation": annotation_id}).all()
        _insert_layers(session, [(annotation_id, content)])
        _insert_history(session, [(annotation_id, new_version, content, saved_by, now, note)])
        if annotator_id is not None:
            mirror_save(
                session, paragraph_id, annotator_id, before, content.status, content.flagged, now
            )
        if annotator_id is not None:  # gold teaches nothing: it is no annotator's work
            learned.apply(session, learned.replaced(text, before.status, removed, content))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return SaveResult(version=new_version, annotation_id=annotation_id)


def _conflict(session: Session, paragraph_id: str, annotator_id: int | None) -> VersionConflict:
    session.rollback()
    return VersionConflict(read_payload(session, paragraph_id, annotator_id))


def save_many(session: Session, annotations: Sequence[NewAnnotation]) -> list[int]:
    """Store annotations that do not exist yet, as version 1 with their history, in a few
    multi-row statements; returns their ids in order. The caller commits.

    An annotation that exists already (the same paragraph and annotator) fails the whole
    call with the database's IntegrityError: callers leave those out first.
    """
    if not annotations:
        return []
    actors = record_actors(
        session, {key for item in annotations for key in item.content.actor_keys()}
    )
    # RETURNING each id with its paragraph and annotator: which row is which, whatever
    # order the database returns them in (so the rows go in a few multi-row statements).
    columns = ANNOTATIONS.c
    returned = session.execute(
        insert(ANNOTATIONS).returning(columns.paragraph_id, columns.annotator_id, columns.id),
        [
            {
                "paragraph_id": item.paragraph_id,
                "annotator_id": item.annotator_id,
                "status": item.content.status,
                "version": 1,
                "comment": item.content.comment,
                "flagged": item.content.flagged,
                "created_at": item.created_at,
                "updated_at": item.updated_at,
                "record_layers": encode_layers(item.content, item.text, actors).decode(),
            }
            for item in annotations
        ],
    )
    by_key = {(paragraph, annotator): id_ for paragraph, annotator, id_ in returned}
    ids = [by_key[item.paragraph_id, item.annotator_id] for item in annotations]
    now = datetime.now(UTC)
    _insert_layers(
        session, [(id_, item.content) for id_, item in zip(ids, annotations, strict=True)]
    )
    _insert_history(
        session,
        [
            (id_, 1, item.content, item.annotator_id, now, item.note)
            for id_, item in zip(ids, annotations, strict=True)
        ],
    )
    learned.apply(session, learned.prepare_new(session, [(i.text, i.content) for i in annotations]))
    return ids


class StaleAnnotation(Exception):
    """An annotation changed between a ``rewrite_many`` caller's read and its write."""


@dataclass(frozen=True)
class Rewrite:
    """New content for an existing annotation, made from ``version`` (the current one when
    it was read): a registry change carried into the work that names it, say."""

    annotation_id: int
    version: int
    text: str
    content: Content
    # Kept in the history row beside the content (a gold annotation's "sources" among it).
    note: Mapping[str, Any]


_REWRITE = (
    update(ANNOTATIONS)
    .where(
        ANNOTATIONS.c.id == bindparam("annotation"), ANNOTATIONS.c.version == bindparam("made_from")
    )
    .values(version=ANNOTATIONS.c.version + 1, record_layers=bindparam("layers"))
)


def rewrite_many(session: Session, rewrites: Sequence[Rewrite], saved_by: int) -> None:
    """Store new content for existing annotations, each as its next version with its history
    row, its layer rows and its record layers, as a save would; their status, comment, flag
    and ``updated_at`` are kept (nobody's work changed, the registry did). The caller
    commits, or rolls back on ``StaleAnnotation`` (one was saved since it was read)."""
    if not rewrites:
        return
    actors = record_actors(session, {key for item in rewrites for key in item.content.actor_keys()})
    # What each annotator's annotation taught the suggestions changes with it (read first, as
    # a save does; gold teaches nothing).
    learning = [
        learned.prepare(session, item.annotation_id, item.content.status, item.text, item.content)
        for item in rewrites
        if item.content.status != "gold"
    ]
    for item in rewrites:
        layers = encode_layers(item.content, item.text, actors).decode()
        parameters = {"annotation": item.annotation_id, "made_from": item.version, "layers": layers}
        if session.execute(_REWRITE, parameters).rowcount != 1:
            raise StaleAnnotation(f"annotation {item.annotation_id} changed while being rewritten")
    ids = [item.annotation_id for item in rewrites]
    for table in reversed(LAYER_TABLES.values()):
        session.execute(delete(table).where(table.c.annotation_id.in_(ids)))
    _insert_layers(session, [(item.annotation_id, item.content) for item in rewrites])
    now = datetime.now(UTC)
    _insert_history(
        session,
        [
            (item.annotation_id, item.version + 1, item.content, saved_by, now, item.note)
            for item in rewrites
        ],
    )
    for pending in learning:
        learned.apply(session, pending)


def _insert_layers(session: Session, contents: Sequence[tuple[int, Content]]) -> None:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in LAYER_TABLES}
    for annotation_id, content in contents:
        for name, table_rows in content.rows().items():
            for row in table_rows:
                row["annotation_id"] = annotation_id
            rows[name].extend(table_rows)
    for name, statement in _INSERT_LAYERS.items():
        if rows[name]:
            session.execute(statement, rows[name])


def _insert_history(
    session: Session,
    saves: Sequence[tuple[int, int, Content, int, datetime, Mapping[str, Any]]],
) -> None:
    session.execute(
        _INSERT_HISTORY,
        [
            {
                "annotation_id": annotation_id,
                "version": version,
                "status": content.status,
                "saved_by_id": saved_by,
                "saved_at": saved_at,
                "payload": JSONText(_history_prefix(version, note) + _encode(content)[1:].decode()),
            }
            for annotation_id, version, content, saved_by, saved_at, note in saves
        ],
    )


def _history_prefix(version: int, note: Mapping[str, Any]) -> str:
    """The start of a history row's JSON, before the content's own keys: ``{"version": N, ``
    and the note's keys (e.g. where it was imported from)."""
    head = orjson.dumps({"version": version, **note}).decode()
    return head[:-1] + ","
