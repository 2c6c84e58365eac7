"""The one streaming query every export format is fed by: annotations as ``annotator.v1`` records.

Annotations are read in id order; their entities, stances and quotes come from one
cursor per table in the same order and are merged as the rows pass, so memory stays
flat however many records there are. Every span is checked against the paragraph
text before its record is handed on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..models import (
    Actor,
    Annotation,
    AnnotationEntity,
    AnnotationQuote,
    AnnotationStance,
    Document,
    Paragraph,
    User,
)

SCHEMA = "annotator.v1"
STATUS_FILTERS = {
    "submitted": ("submitted",),
    "all": ("submitted", "draft", "skipped"),
    "gold": (),  # adjudicated gold records come with the review milestone
}
_BATCH = 2000


class SpanMismatch(ValueError):
    """A span does not match the paragraph text; the export stops and names the record."""

    def __init__(self, record_id: str, path: str, expected: str, found: str) -> None:
        self.record_id = record_id
        super().__init__(
            f"record {record_id}: {path} claims {expected!r} but the paragraph has {found!r} "
            "at those offsets; nothing more was exported"
        )


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


def count_records(session: Session, filters: ExportFilters) -> int:
    """How many records an export with ``filters`` will write (for progress)."""
    return int(session.scalar(_filtered(select(func.count(Annotation.id)), filters)) or 0)


def _stream(session: Session, query: Select[Any], opened: list[Any]) -> Iterator[Any]:
    """Rows of a query streamed in batches; the result is recorded in ``opened`` to be closed."""
    # Core execution: selecting columns needs none of the ORM's per-row loading work.
    result = session.connection().execute(query.execution_options(yield_per=_BATCH))
    opened.append(result)
    return iter(result)


def _take(rows: Iterator[Any], pending: list[Any], annotation_id: int) -> list[Any]:
    """The rows of ``annotation_id`` from a stream sorted by annotation id (one look-ahead row)."""
    taken = []
    while True:
        if not pending:
            row = next(rows, None)
            if row is None:
                return taken
            pending.append(row)
        row = pending[0]
        if row[0] < annotation_id:
            pending.pop()  # a row of an annotation the filters left out
            continue
        if row[0] > annotation_id:
            return taken
        taken.append(pending.pop())


@dataclass
class _Stream:
    rows: Iterator[Any]
    pending: list[Any] = field(default_factory=list)

    def take(self, annotation_id: int) -> list[Any]:
        return _take(self.rows, self.pending, annotation_id)


def _span(record_id: str, text: str, path: str, start: int, end: int) -> dict[str, Any]:
    """A span with its text, after checking that the offsets lie inside the paragraph."""
    piece = text[start:end]
    if end > len(text) or start >= end or not piece:
        raise SpanMismatch(record_id, path, f"[{start}:{end}]", piece)
    return {"start": start, "end": end, "text": piece}


def iter_records(session: Session, filters: ExportFilters) -> Iterator[dict[str, Any]]:
    """Yield one ``annotator.v1`` record per annotation matching ``filters``, in id order.

    Raises ``SpanMismatch`` as soon as a span's text does not match its offsets.
    """
    actors = {
        key: {"id": key, "name": name, "type": type_}
        for key, name, type_ in session.execute(select(Actor.key, Actor.name, Actor.type))
    }
    selected = _filtered(select(Annotation.id), filters)
    opened: list[Any] = []
    try:
        yield from _records(session, filters, selected, actors, opened)
    finally:
        # Close every cursor, also when the consumer stops early or a span is bad:
        # PostgreSQL's server-side cursors would otherwise stay open.
        for result in opened:
            result.close()


def _records(
    session: Session,
    filters: ExportFilters,
    selected: Select[Any],
    actors: dict[str, dict[str, str]],
    opened: list[Any],
) -> Iterator[dict[str, Any]]:
    entity_rows = _Stream(
        _stream(
            session,
            select(
                AnnotationEntity.annotation_id,
                AnnotationEntity.local_id,
                AnnotationEntity.start,
                AnnotationEntity.end,
                AnnotationEntity.label,
                AnnotationEntity.actor_key,
            )
            .where(AnnotationEntity.annotation_id.in_(selected))
            .order_by(AnnotationEntity.annotation_id, AnnotationEntity.position),
            opened,
        )
    )
    stance_rows = _Stream(
        _stream(
            session,
            select(
                AnnotationStance.annotation_id,
                AnnotationStance.local_id,
                AnnotationStance.holder,
                AnnotationStance.target_entity,
                AnnotationStance.target_start,
                AnnotationStance.target_end,
                AnnotationStance.polarity,
                AnnotationStance.quote,
            )
            .where(AnnotationStance.annotation_id.in_(selected))
            .order_by(AnnotationStance.annotation_id, AnnotationStance.position),
            opened,
        )
    )
    quote_rows = _Stream(
        _stream(
            session,
            select(
                AnnotationQuote.annotation_id,
                AnnotationQuote.local_id,
                AnnotationQuote.speaker,
                AnnotationQuote.cue_start,
                AnnotationQuote.cue_end,
                AnnotationQuote.content_start,
                AnnotationQuote.content_end,
                AnnotationQuote.type,
            )
            .where(AnnotationQuote.annotation_id.in_(selected))
            .order_by(AnnotationQuote.annotation_id, AnnotationQuote.position),
            opened,
        )
    )
    heads = _filtered(
        select(
            Annotation.id,
            Annotation.paragraph_id,
            Paragraph.document_id,
            Document.title,
            Document.source,
            Document.language,
            Paragraph.position,
            Paragraph.text,
            User.username,
            Annotation.status,
            Annotation.comment,
            Annotation.flagged,
            Annotation.created_at,
            Annotation.updated_at,
        )
        .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .join(Document, Document.id == Paragraph.document_id)
        .join(User, User.id == Annotation.annotator_id),
        filters,
    ).order_by(Annotation.id)
    for head in _stream(session, heads, opened):
        (
            annotation_id,
            paragraph_id,
            document_id,
            title,
            source,
            language,
            index,
            text,
            annotator,
            status,
            comment,
            flagged,
            created,
            updated,
        ) = head
        record_id = f"{paragraph_id}/{annotator}"

        entities = []
        for _, local_id, start, end, label, actor_key in entity_rows.take(annotation_id):
            entity_span = _span(record_id, text, f"entities.{local_id}", start, end)
            entities.append(
                {
                    "id": local_id,
                    "start": start,
                    "end": end,
                    "text": entity_span["text"],
                    "label": label,
                    "actor": actors.get(actor_key) if actor_key else None,
                }
            )
        stances = [
            {
                "id": local_id,
                "holder": holder,
                "target": target_entity
                if target_entity is not None
                else _span(record_id, text, f"stances.{local_id}.target", target_start, target_end),
                "polarity": polarity,
                "quote": quote,
            }
            for (
                _,
                local_id,
                holder,
                target_entity,
                target_start,
                target_end,
                polarity,
                quote,
            ) in stance_rows.take(annotation_id)
        ]
        quotes = [
            {
                "id": local_id,
                "speaker": speaker,
                "cue": _span(record_id, text, f"quotes.{local_id}.cue", cue_start, cue_end)
                if cue_start is not None
                else None,
                "content": _span(
                    record_id, text, f"quotes.{local_id}.content", content_start, content_end
                ),
                "type": quote_type,
            }
            for (
                _,
                local_id,
                speaker,
                cue_start,
                cue_end,
                content_start,
                content_end,
                quote_type,
            ) in quote_rows.take(annotation_id)
        ]
        yield {
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
            "entities": entities,
            "stances": stances,
            "quotes": quotes,
            "created_at": created.isoformat(),
            "updated_at": updated.isoformat(),
        }


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
