"""Agreement figures for a batch (or for everything): read the submitted annotations, hand
them to the pure ``agreement`` module, and list the paragraphs that disagree most.

Annotations are read from their stored record layers in one query over the batch's
paragraphs; the gold annotation is never one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from sqlalchemy import LargeBinary, cast, select
from sqlalchemy.orm import Session

from .agreement import agreement, paragraph_disagreement
from .annotation.model import Content, RecordLayers
from .models import Annotation, Assignment, Batch, Paragraph, User

_decode = msgspec.json.Decoder(RecordLayers).decode
# How many of the most disagreeing paragraphs the figures list.
WORST = 50


def _contents(session: Session, batch: Batch | None) -> Iterator[tuple[str, dict[str, Content]]]:
    """(paragraph id, {username: content}) for each paragraph someone submitted, in order."""
    layers: Any = Annotation.record_layers
    if session.get_bind().dialect.name == "sqlite":
        layers = cast(layers, LargeBinary)  # the stored bytes, not decoded to text first
    query = (
        select(Annotation.paragraph_id, User.username, layers)
        .join(User, User.id == Annotation.annotator_id)
        .where(Annotation.status == "submitted")
        .order_by(Annotation.paragraph_id, User.username)
    )
    if batch is not None:
        # The batch's annotators on the paragraphs dealt to them (those removed since
        # included): not someone who opened a batch paragraph outside the deal.
        query = query.join(
            Assignment,
            (Assignment.paragraph_id == Annotation.paragraph_id)
            & (Assignment.user_id == Annotation.annotator_id)
            & (Assignment.batch_id == batch.id),
        )
    current: str | None = None
    group: dict[str, Content] = {}
    for paragraph_id, username, stored in session.execute(query.execution_options(yield_per=2000)):
        if paragraph_id != current:
            if current is not None:
                yield current, group
            current, group = paragraph_id, {}
        group[username] = _decode(stored).content("submitted", None, False)
    if current is not None:
        yield current, group


def batch_agreement(session: Session, batch: Batch | None) -> dict[str, Any]:
    """The agreement figures (``agreement.agreement``'s shape) over the batch's paragraphs,
    or over every paragraph when ``batch`` is None, with ``disagreements``: the paragraphs
    that disagree most, each with its document, place and score."""
    shared = [(pid, group) for pid, group in _contents(session, batch) if len(group) >= 2]
    figures = agreement(shared)
    worst = paragraph_disagreement(shared)[:WORST]
    places = dict(
        (pid, (document_id, position))
        for pid, document_id, position in session.execute(
            select(Paragraph.id, Paragraph.document_id, Paragraph.position).where(
                Paragraph.id.in_([pid for pid, _ in worst])
            )
        )
    )
    annotators = {pid: sorted(group) for pid, group in shared}
    figures["disagreements"] = [
        {
            "paragraph_id": pid,
            "document_id": places[pid][0],
            "index": places[pid][1],
            "score": score,
            "annotators": annotators[pid],
        }
        for pid, score in worst
        if score > 0
    ]
    figures["batch"] = {"id": batch.id, "name": batch.name} if batch is not None else None
    return figures
