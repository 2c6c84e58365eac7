"""The one streaming query every export is fed by: annotations as checked annotator.v2 records,
all read in one state of the database.

Annotations are read in id order with their paragraph and their stored record layers
(``annotation.record``), so memory stays flat however many there are. An export reads
the registry, usernames, document details and then the records, over seconds or minutes
while annotators keep saving: in one transaction that sees a single state, the records
and the actor registry written beside them agree even when an actor is renamed meanwhile.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Engine,
    LargeBinary,
    Select,
    String,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from ..annotation.record import SCHEMA, Record, checked_layers
from ..annotation.store import record_actors
from ..models import Annotation, Document, Paragraph, User
from .request import STATUS_FILTERS, ExportRequest

_BATCH = 2000


@contextmanager
def consistent_reads(engine: Engine) -> Iterator[Session]:
    """A session on a connection of its own whose reads all see one state of the database.

    PostgreSQL: a REPEATABLE READ transaction. SQLite: a real BEGIN (pysqlite emits none
    before a SELECT, so each statement would otherwise see the latest state); the state is
    fixed by the first read. Nothing is written through it; it is rolled back at the end.
    """
    with engine.connect() as connection:  # closing it rolls the read transaction back
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
            # Timestamps come back in UTC, as every export writes them.
            connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
        else:
            connection.exec_driver_sql("BEGIN")
        with Session(bind=connection) as session:
            yield session


def _filtered(query: Select[Any], request: ExportRequest) -> Select[Any]:
    query = query.where(Annotation.status.in_(STATUS_FILTERS[request.status]))
    if request.annotator:
        query = query.where(
            Annotation.annotator_id.in_(select(User.id).where(User.username == request.annotator))
        )
    if request.document:
        query = query.where(
            Annotation.paragraph_id.in_(
                select(Paragraph.id).where(Paragraph.document_id == request.document)
            )
        )
    if request.since:
        query = query.where(Annotation.updated_at >= request.since)
    return query


def count_records(session: Session, request: ExportRequest) -> int:
    """How many records an export of ``request`` writes (for a progress bar)."""
    return int(session.scalar(_filtered(select(func.count(Annotation.id)), request)) or 0)


def document_ids(session: Session, request: ExportRequest) -> list[str]:
    """The documents an export of ``request`` has records of (a split is planned over them
    before the records stream)."""
    query = select(Paragraph.document_id).join(Annotation, Annotation.paragraph_id == Paragraph.id)
    return list(session.scalars(_filtered(query, request).distinct()))


def _sqlite_timestamp(stored: str) -> str:
    """ISO 8601 of a timestamp SQLite stores as naive UTC text ("2026-01-01 10:00:00.000000"),
    written as ``datetime.isoformat`` writes it (no fraction when it is zero). Slicing the
    text costs a fifth of parsing it."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        time = stored[11:19] if stored.endswith(".000000") else stored[11:]
        return f"{stored[:10]}T{time}+00:00"
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).isoformat()


def _postgres_timestamp(stored: str) -> str:
    """ISO 8601 of a timestamp PostgreSQL writes as text in UTC ("2026-01-01 10:00:00.5+00"),
    as ``datetime.isoformat`` writes it (six digits of fraction, or none when it is zero)."""
    stamp, sign, zone = stored.rpartition("+")
    if sign and zone == "00" and len(stamp) >= 19 and stamp[10] == " ":
        time = stamp[11:]
        if len(time) > 8:
            time = f"{time[:8]}.{time[9:]:0<6}"
        return f"{stamp[:10]}T{time}+00:00"
    return datetime.fromisoformat(stored).astimezone(UTC).isoformat()


def _shared(values: Iterable[Any]) -> tuple[Any, ...]:
    """``values`` as a tuple, strings interned: the sources and languages of thousands of
    documents are a handful of distinct strings, kept once."""
    return tuple(sys.intern(value) if type(value) is str else value for value in values)


def _with_sources(head: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    """A gold record's head, with its ``sources`` after its status."""
    placed: dict[str, Any] = {}
    for key, value in head.items():
        placed[key] = value
        if key == "status":
            placed["sources"] = sources
    return placed


class RecordReader:
    """An export's records, read in id order and checked, in the state ``session`` sees
    (``consistent_reads``): the registry, usernames and document details are read once,
    then ``records()`` streams."""

    def __init__(self, session: Session, request: ExportRequest) -> None:
        self.session = session
        self.actors = record_actors(session)
        self.usernames = dict(session.execute(select(User.id, User.username)).all())
        documents = select(Document.id, Document.title, Document.source, Document.language)
        if request.document is not None:
            documents = documents.where(Document.id == request.document)
        # Streamed: tens of thousands of documents are not held as rows and as a dict at once.
        self.documents = {
            key: _shared(details)
            for key, *details in session.execute(documents.execution_options(yield_per=_BATCH))
        }
        layers: Any = Annotation.record_layers
        if session.get_bind().dialect.name == "sqlite":
            # The layers as bytes, which spares decoding them to text and encoding them again.
            layers = cast(Annotation.record_layers, LargeBinary)
            # The stored text as it is: parsing it through the column type costs more than
            # the rest of a record.
            timestamps = [
                type_coerce(column, String)
                for column in (Annotation.created_at, Annotation.updated_at)
            ]
            self.as_text: Callable[[Any], str] = _sqlite_timestamp
        else:
            # As text in UTC (consistent_reads sets the zone): a fifth of what building a
            # datetime and writing it out again costs.
            timestamps = [
                cast(column, String) for column in (Annotation.created_at, Annotation.updated_at)
            ]
            self.as_text = _postgres_timestamp
        self.query = _filtered(
            select(
                Annotation.paragraph_id,
                Paragraph.document_id,
                Paragraph.position,
                Paragraph.text,
                Annotation.annotator_id,
                Annotation.status,
                Annotation.comment,
                Annotation.flagged,
                layers,
                *timestamps,
                Annotation.sources,
            ).join(Paragraph, Paragraph.id == Annotation.paragraph_id),
            request,
        ).order_by(Annotation.id)

    def records(self) -> Iterator[Record]:
        """One checked ``Record`` per annotation, in id order, from one streamed query.
        Raises ``RecordCheckFailed`` at the first record that fails its check."""
        actors, usernames, documents, as_text = (
            self.actors,
            self.usernames,
            self.documents,
            self.as_text,
        )
        # Streamed in batches (a server-side cursor on PostgreSQL), closed also when the
        # consumer stops early or a record is bad.
        result = self.session.connection().execute(self.query.execution_options(yield_per=_BATCH))
        try:
            for (
                paragraph_id,
                document_id,
                index,
                text,
                annotator_id,
                status,
                comment,
                flagged,
                stored,
                created,
                updated,
                sources,
            ) in result:
                # None: the paragraph's gold annotation.
                annotator = usernames[annotator_id] if annotator_id is not None else None
                record_id = f"{paragraph_id}/{annotator or 'gold'}"
                if type(stored) is str:
                    stored = stored.encode()
                title, source, language = documents[document_id]
                head = {
                    "schema": SCHEMA,
                    "id": record_id,
                    "paragraph_id": paragraph_id,
                    "document_id": document_id,
                    "document_title": title,
                    "source": source,
                    "language": language,
                    "index": index,
                    "text": text,
                    "annotator": annotator,
                    "status": status,
                    "comment": comment,
                    "flagged": flagged,
                }
                if sources is not None:
                    head = _with_sources(head, orjson.loads(sources))
                yield Record(
                    head=head,
                    layers_json=checked_layers(record_id, text, stored, actors),
                    created_at=as_text(created),
                    updated_at=as_text(updated),
                )
        finally:
            result.close()
