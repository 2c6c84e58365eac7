"""annotations.record_layers: each annotation's layers as its export record writes them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 17:20:00

The column is filled for the annotations that exist, from their layer rows, with the
annotator.v1 layout as it stands at this revision (spans carry their text, actors their
name and type). From here on every save and import writes it.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY = '{"entities":[],"stances":[],"quotes":[]}'
CHUNK = 500

annotations = sa.table(
    'annotations', sa.column('id', sa.Integer), sa.column('paragraph_id', sa.String),
    sa.column('record_layers', sa.Text),
)
paragraphs = sa.table('paragraphs', sa.column('id', sa.String), sa.column('text', sa.Text))
actors = sa.table(
    'actors', sa.column('key', sa.String), sa.column('name', sa.String), sa.column('type', sa.String)
)
entities = sa.table(
    'annotation_entities', *(sa.column(name) for name in (
        'annotation_id', 'local_id', 'position', 'start', 'end', 'label', 'actor_key'))
)
stances = sa.table(
    'annotation_stances', *(sa.column(name) for name in (
        'annotation_id', 'local_id', 'position', 'holder', 'target_entity', 'target_start',
        'target_end', 'polarity', 'quote'))
)
quotes = sa.table(
    'annotation_quotes', *(sa.column(name) for name in (
        'annotation_id', 'local_id', 'position', 'speaker', 'cue_start', 'cue_end',
        'content_start', 'content_end', 'type'))
)


def upgrade() -> None:
    op.add_column(
        'annotations',
        sa.Column('record_layers', sa.Text(), server_default=EMPTY, nullable=False),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of this table would cascade
    # deletes into the layer tables.
    op.drop_column('annotations', 'record_layers')


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rows(bind: Any, table: Any, ids: list[int]) -> dict[int, list[Any]]:
    by_annotation: dict[int, list[Any]] = defaultdict(list)
    query = (
        sa.select(table).where(table.c.annotation_id.in_(ids))
        .order_by(table.c.annotation_id, table.c.position)
    )
    for row in bind.execute(query):
        by_annotation[row.annotation_id].append(row)
    return by_annotation


def _backfill(bind: Any) -> None:
    registry = {
        key: {'id': key, 'name': name, 'type': type_}
        for key, name, type_ in bind.execute(sa.select(actors.c.key, actors.c.name, actors.c.type))
    }
    ids = sorted(
        {row[0] for table in (entities, stances, quotes)
         for row in bind.execute(sa.select(table.c.annotation_id).distinct())}
    )
    for chunk in _chunks(ids):
        texts = dict(bind.execute(
            sa.select(annotations.c.id, paragraphs.c.text)
            .join(paragraphs, paragraphs.c.id == annotations.c.paragraph_id)
            .where(annotations.c.id.in_(chunk))
        ).all())
        entity_rows = _rows(bind, entities, chunk)
        stance_rows = _rows(bind, stances, chunk)
        quote_rows = _rows(bind, quotes, chunk)
        updates = []
        for annotation_id in chunk:
            text = texts[annotation_id]

            def span(start: int, end: int, text: str = text) -> dict[str, Any]:
                return {'start': start, 'end': end, 'text': text[start:end]}

            layers = {
                'entities': [
                    {
                        'id': e.local_id, 'start': e.start, 'end': e.end,
                        'text': text[e.start : e.end], 'label': e.label,
                        'actor': registry[e.actor_key] if e.actor_key is not None else None,
                    }
                    for e in entity_rows[annotation_id]
                ],
                'stances': [
                    {
                        'id': s.local_id, 'holder': s.holder,
                        'target': s.target_entity if s.target_entity is not None
                        else span(s.target_start, s.target_end),
                        'polarity': s.polarity, 'quote': s.quote,
                    }
                    for s in stance_rows[annotation_id]
                ],
                'quotes': [
                    {
                        'id': q.local_id, 'speaker': q.speaker,
                        'cue': span(q.cue_start, q.cue_end) if q.cue_start is not None else None,
                        'content': span(q.content_start, q.content_end), 'type': q.type,
                    }
                    for q in quote_rows[annotation_id]
                ],
            }
            updates.append({'key': annotation_id, 'layers': orjson.dumps(layers).decode()})
        bind.execute(
            annotations.update()
            .where(annotations.c.id == sa.bindparam('key'))
            .values(record_layers=sa.bindparam('layers')),
            updates,
        )
