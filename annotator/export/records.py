"""The one streaming query every export format is fed by: annotations as ``annotator.v1`` records.

Annotations are read in id order with their paragraph, document and stored record
layers (``annotator/record_layers.py``), so memory stays flat however many records
there are. Every span is checked against the paragraph text, and every actor against
the registry, before its record is handed on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
import orjson
from sqlalchemy import LargeBinary, Select, String, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from ..models import (
    Actor,
    Annotation,
    Document,
    Paragraph,
    User,
)
from .snapshot import bound_engine, consistent_reads

SCHEMA = "annotator.v1"
STATUS_FILTERS = {
    "submitted": ("submitted",),
    "all": ("submitted", "draft", "skipped"),
    "gold": (),  # adjudicated gold records come with the review milestone
}
_BATCH = 2000


class RecordCheckFailed(ValueError):
    """A record failed its check before being written: the export stops and names it."""


class StoredLayersUnreadable(RecordCheckFailed):
    """A record's stored layers are not what a save writes (changed outside annotator)."""

    def __init__(self, record_id: str, problem: str) -> None:
        self.details = (record_id, problem)
        super().__init__(
            f"record {record_id}: its stored layers cannot be read ({problem}); "
            "nothing more was exported"
        )

    def __reduce__(self) -> tuple[type[StoredLayersUnreadable], tuple[str, str]]:
        return (StoredLayersUnreadable, self.details)


class SpanMismatch(RecordCheckFailed):
    """A span does not match the paragraph text; the export stops and names the record."""

    def __init__(self, record_id: str, path: str, expected: str, found: str) -> None:
        self.record_id = record_id
        self.details = (record_id, path, expected, found)
        super().__init__(
            f"record {record_id}: {path} claims {expected!r} but the paragraph has {found!r} "
            "at those offsets; nothing more was exported"
        )

    def __reduce__(self) -> tuple[type[SpanMismatch], tuple[str, str, str, str]]:
        # Raised in an export's worker process, reported by the one that started it.
        return (SpanMismatch, self.details)


@dataclass(frozen=True)
class ExportFilters:
    """Which annotations to export (the CLI options and the API's query parameters)."""

    status: str = "submitted"
    annotator: str | None = None
    document: str | None = None
    since: datetime | None = None

    def describe(self) -> str:
        parts = [f"status={self.status}"]
        if self.annotator:
            parts.append(f"annotator={self.annotator}")
        if self.document:
            parts.append(f"document={self.document}")
        if self.since:
            parts.append(f"since={self.since.isoformat()}")
        return ", ".join(parts)


def _filtered(query: Select[Any], filters: ExportFilters) -> Select[Any]:
    statuses = STATUS_FILTERS[filters.status]
    query = query.where(Annotation.status.in_(statuses))
    if filters.annotator:
        query = query.where(
            Annotation.annotator_id.in_(select(User.id).where(User.username == filters.annotator))
        )
    if filters.document:
        query = query.where(
            Annotation.paragraph_id.in_(
                select(Paragraph.id).where(Paragraph.document_id == filters.document)
            )
        )
    if filters.since:
        query = query.where(Annotation.updated_at >= filters.since)
    return query


def id_extent(session: Session, filters: ExportFilters) -> tuple[int, int, int]:
    """How many records an export writes, and its first and last annotation id (0 and 0
    when none), in one pass: how a parallel export cuts the work into chunks."""
    count, low, high = session.execute(
        _filtered(
            select(func.count(Annotation.id), func.min(Annotation.id), func.max(Annotation.id)),
            filters,
        )
    ).one()
    return int(count or 0), int(low or 0), int(high or 0)


def count_records(session: Session, filters: ExportFilters) -> int:
    """How many records an export with ``filters`` will write (for progress)."""
    return id_extent(session, filters)[0]


@dataclass(slots=True)
class ExportRecord:
    """One ``annotator.v1`` record on its way out.

    ``head`` comes from the annotation's row and its paragraph; ``layers_json`` are the
    stored record layers after every span and actor was checked (as stored, or encoded
    again when an actor's name or type changed since the save), parsed into a dict only
    for the formats that need one (``as_dict``). Timestamps are ISO 8601 text.
    """

    head: dict[str, Any]
    layers_json: bytes
    created_at: str
    updated_at: str
    split: str | None = None

    @property
    def document_id(self) -> str:
        return self.head["document_id"]

    def set_split(self, name: str) -> None:
        self.split = name

    def as_dict(self) -> dict[str, Any]:
        """The record as a dict, in the format's key order."""
        record = {
            **self.head,
            **orjson.loads(self.layers_json),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if self.split is not None:
            record["split"] = self.split
        return record

    def as_line(self) -> bytes:
        """The record as a JSON line: the bytes of ``orjson.dumps(self.as_dict())`` plus a
        newline, spliced from the stored layers instead of encoding them again (the
        timestamps are ISO 8601, nothing in them to escape)."""
        head = memoryview(orjson.dumps(self.head))
        end = b'"}\n' if self.split is None else b'","split":' + orjson.dumps(self.split) + b"}\n"
        return b"".join(
            (
                head[:-1],
                b",",
                memoryview(self.layers_json)[1:-1],
                b',"created_at":"',
                self.created_at.encode(),
                b'","updated_at":"',
                self.updated_at.encode(),
                end,
            )
        )


# The parts of stored layers the export checks, decoded by msgspec into these structs
# (fields the check does not need are skipped, not built into dicts): about half the
# cost of parsing the whole layers with orjson, on every record of every export.
class _Span(msgspec.Struct):
    start: int
    end: int
    text: str


class _Actor(msgspec.Struct):
    id: str
    name: str
    type: str


class _Entity(msgspec.Struct):
    id: str
    start: int
    end: int
    text: str
    actor: _Actor | None


class _Stance(msgspec.Struct):
    id: str
    target: str | _Span


class _Quote(msgspec.Struct):
    id: str
    cue: _Span | None
    content: _Span


class _Layers(msgspec.Struct):
    entities: list[_Entity]
    stances: list[_Stance]
    quotes: list[_Quote]


_decode_layers = msgspec.json.Decoder(_Layers).decode


def _checked_layers(
    record_id: str, text: str, stored: str | bytes, actors: dict[str, tuple[str, str]]
) -> bytes:
    """The stored layers of a record, every span checked against ``text`` (``SpanMismatch``
    on the first that does not match) and every actor brought up to date with the registry
    (``actors``: key to name and type)."""
    try:
        layers = _decode_layers(stored)
    except msgspec.DecodeError as error:
        raise StoredLayersUnreadable(record_id, str(error)) from None
    length = len(text)
    stale = False
    for entity in layers.entities:
        start, end = entity.start, entity.end
        if text[start:end] != entity.text or not 0 <= start < end <= length:
            raise SpanMismatch(record_id, f"entities.{entity.id}", entity.text, text[start:end])
        actor = entity.actor
        if actor is not None and (actor.name, actor.type) != actors.get(
            actor.id, (actor.name, actor.type)
        ):
            stale = True  # renamed or retyped since the save
    for stance in layers.stances:
        target = stance.target
        if type(target) is _Span:
            start, end = target.start, target.end
            if text[start:end] != target.text or not 0 <= start < end <= length:
                path = f"stances.{stance.id}.target"
                raise SpanMismatch(record_id, path, target.text, text[start:end])
    for quote in layers.quotes:
        span = quote.content
        start, end = span.start, span.end
        if text[start:end] != span.text or not 0 <= start < end <= length:
            path = f"quotes.{quote.id}.content"
            raise SpanMismatch(record_id, path, span.text, text[start:end])
        cue = quote.cue
        if cue is not None:
            start, end = cue.start, cue.end
            if text[start:end] != cue.text or not 0 <= start < end <= length:
                path = f"quotes.{quote.id}.cue"
                raise SpanMismatch(record_id, path, cue.text, text[start:end])
    if not stale:
        return stored if type(stored) is bytes else stored.encode()
    refreshed = orjson.loads(stored)
    for entity in refreshed["entities"]:
        actor = entity["actor"]
        if actor is not None and actor["id"] in actors:
            name, type_ = actors[actor["id"]]
            entity["actor"] = {"id": actor["id"], "name": name, "type": type_}
    return orjson.dumps(refreshed)


def _sqlite_timestamp(stored: str) -> str:
    """ISO 8601 of a timestamp SQLite stores as naive UTC text ("2026-01-01 10:00:00.000000"),
    written as ``datetime.isoformat`` writes it (no fraction when it is zero). Slicing the
    text costs a fifth of parsing it (and, measured, less than doing it in SQL)."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        time = stored[11:19] if stored.endswith(".000000") else stored[11:]
        return f"{stored[:10]}T{time}+00:00"
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).isoformat()


def _sqlite_columns(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _timestamp_columns(session: Session) -> tuple[list[Any], Callable[[Any], str]]:
    """The created/updated columns and how to write them: on SQLite the stored text is read
    as it is (parsing it through the column type costs more than the rest of a record)."""
    columns = [Annotation.created_at, Annotation.updated_at]
    if _sqlite_columns(session):
        return [type_coerce(column, String) for column in columns], _sqlite_timestamp
    return columns, datetime.isoformat


def _layers_column(session: Session) -> Any:
    """The stored layers, read as the bytes a line is spliced from (on SQLite, as a BLOB,
    which spares decoding and encoding them again)."""
    if _sqlite_columns(session):
        return cast(Annotation.record_layers, LargeBinary)
    return Annotation.record_layers


def _shared(values: Iterable[Any]) -> tuple[Any, ...]:
    """``values`` as a tuple, strings interned: the sources and languages of thousands of
    documents are a handful of distinct strings, kept once."""
    return tuple(sys.intern(value) if type(value) is str else value for value in values)


def _documents(session: Session, only: str | None) -> dict[str, tuple[Any, ...]]:
    """(title, source, language) by document id (only the one exported, when filtered)."""
    query = select(Document.id, Document.title, Document.source, Document.language)
    if only is not None:
        query = query.where(Document.id == only)
    # Streamed: tens of thousands of documents are not held as rows and as a dict at once.
    rows = session.execute(query.execution_options(yield_per=_BATCH))
    return {key: _shared(details) for key, *details in rows}


class RecordReader:
    """Reads an export's records, in id order, checked: the registry, usernames and
    document details are read once, then ``records`` streams any range of ids.

    ``session`` must read one state of the database throughout (``consistent_reads``):
    every record then finds its user and document among those read first.
    """

    def __init__(self, session: Session, filters: ExportFilters) -> None:
        self.session = session
        self.filters = filters
        self.actors = {
            key: (name, type_)
            for key, name, type_ in session.execute(select(Actor.key, Actor.name, Actor.type))
        }
        self.usernames = {
            key: name for key, name in session.execute(select(User.id, User.username))
        }
        self.documents = _documents(session, filters.document)
        timestamps, self.as_text = _timestamp_columns(session)
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
                _layers_column(session),
                *timestamps,
            ).join(Paragraph, Paragraph.id == Annotation.paragraph_id),
            filters,
        ).order_by(Annotation.id)

    def records(
        self, after_id: int | None = None, through_id: int | None = None
    ) -> Iterator[ExportRecord]:
        """One checked ``ExportRecord`` per annotation (with an id in (after, through] when
        given), in id order, from one streamed query: constant memory however many there
        are. Raises ``RecordCheckFailed`` at the first record that fails its check."""
        query = self.query
        if after_id is not None:
            query = query.where(Annotation.id > after_id)
        if through_id is not None:
            query = query.where(Annotation.id <= through_id)
        actors, usernames, documents, as_text = (
            self.actors,
            self.usernames,
            self.documents,
            self.as_text,
        )
        # Core execution, streamed in batches (a server-side cursor on PostgreSQL), closed
        # also when the consumer stops early or a span is bad.
        result = self.session.connection().execute(query.execution_options(yield_per=_BATCH))
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
            ) in result:
                annotator = usernames[annotator_id]
                record_id = f"{paragraph_id}/{annotator}"
                layers_json = _checked_layers(record_id, text, stored, actors)
                title, source, language = documents[document_id]
                yield ExportRecord(
                    head={
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
                    },
                    layers_json=layers_json,
                    created_at=as_text(created),
                    updated_at=as_text(updated),
                )
        finally:
            result.close()


def iter_export_records(session: Session, filters: ExportFilters) -> Iterator[ExportRecord]:
    """One checked ``ExportRecord`` per annotation matching ``filters``, in id order, all
    read in one state of the database behind ``session`` (on a connection of their own,
    released when the iteration ends or is abandoned)."""
    with consistent_reads(bound_engine(session)) as reading:
        yield from RecordReader(reading, filters).records()


def check_record(record: dict[str, Any]) -> None:
    """Re-check every span of a record against its text (for records read back from a file)."""
    text = record["text"]
    spans: list[tuple[str, dict[str, Any]]] = [
        (f"entities.{e['id']}", e) for e in record["entities"]
    ]
    spans += [
        (f"stances.{s['id']}.target", s["target"])
        for s in record["stances"]
        if isinstance(s["target"], dict)
    ]
    for quote in record["quotes"]:
        spans.append((f"quotes.{quote['id']}.content", quote["content"]))
        if quote["cue"] is not None:
            spans.append((f"quotes.{quote['id']}.cue", quote["cue"]))
    for path, item in spans:
        found = text[item["start"] : item["end"]]
        if found != item["text"]:
            raise SpanMismatch(record["id"], path, item["text"], found)


def payload_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record's layers in the shape the annotation API takes (span texts and actor details
    dropped: the payload names actors by key and spans by offsets)."""
    return {
        "version": 0,
        "status": "submitted",
        "comment": record.get("comment"),
        "flagged": bool(record.get("flagged", False)),
        "entities": [
            {
                "id": e["id"],
                "start": e["start"],
                "end": e["end"],
                "label": e["label"],
                "actor": e["actor"]["id"] if e["actor"] else None,
            }
            for e in record["entities"]
        ],
        "stances": [
            {
                "id": s["id"],
                "holder": s["holder"],
                "target": s["target"]
                if isinstance(s["target"], str)
                else {"start": s["target"]["start"], "end": s["target"]["end"]},
                "polarity": s["polarity"],
                "quote": s["quote"],
            }
            for s in record["stances"]
        ],
        "quotes": [
            {
                "id": q["id"],
                "speaker": q["speaker"],
                "cue": {"start": q["cue"]["start"], "end": q["cue"]["end"]} if q["cue"] else None,
                "content": {"start": q["content"]["start"], "end": q["content"]["end"]},
                "type": q["type"],
            }
            for q in record["quotes"]
        ],
    }


def parse_since(value: str) -> datetime:
    """The ``since`` filter from "YYYY-MM-DD" or an ISO timestamp (UTC unless it says)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
