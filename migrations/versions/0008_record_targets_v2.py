"""annotator.v2 record layers: a stance's target is always an object

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 19:40:00

``annotations.record_layers`` holds each annotation's layers as its export record writes
them. annotator.v2 writes a stance's target as ``{"entity", "start", "end", "text"}``
always (v1: an entity id string, or a span object), so the stored layers of every
annotation with a stance are rewritten: an entity target gains that entity's span, a text
target ``"entity": null``. The downgrade writes them back as v1 had them.

Only rows with a stance are read, in id order, a chunk at a time.
"""

from collections.abc import Callable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000

annotations = sa.table(
    'annotations', sa.column('id', sa.Integer), sa.column('record_layers', sa.Text)
)


def _v2(layers: dict[str, Any]) -> dict[str, Any]:
    spans = {e['id']: (e['start'], e['end'], e['text']) for e in layers['entities']}
    for stance in layers['stances']:
        target = stance['target']
        if isinstance(target, str):
            start, end, text = spans[target]
            stance['target'] = {'entity': target, 'start': start, 'end': end, 'text': text}
        elif 'entity' not in target:
            stance['target'] = {'entity': None, **target}
    return layers


def _v1(layers: dict[str, Any]) -> dict[str, Any]:
    for stance in layers['stances']:
        target = stance['target']
        if isinstance(target, dict):
            entity = target.pop('entity', None)
            stance['target'] = entity if entity is not None else target
    return layers


def _rewrite(convert: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(annotations.c.id, annotations.c.record_layers)
            .where(annotations.c.id > last)
            .where(annotations.c.record_layers.notlike('%"stances":[]%'))
            .order_by(annotations.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        bind.execute(
            annotations.update()
            .where(annotations.c.id == sa.bindparam('key'))
            .values(record_layers=sa.bindparam('layers')),
            [
                {'key': key, 'layers': orjson.dumps(convert(orjson.loads(stored))).decode()}
                for key, stored in rows
            ],
        )
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite(_v2)


def downgrade() -> None:
    _rewrite(_v1)
