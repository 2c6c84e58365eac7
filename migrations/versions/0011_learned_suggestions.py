"""learned suggestions: what the team's submitted spans teach

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 12:00:00

- ``learned_spans``: each (text, label, actor) the team has submitted, with how many
  annotations submitted it and how often it was accepted or rejected when offered on other
  paragraphs (issue 15 §2). Kept by the annotation store's save, in its transaction.
- ``learned_state``: one row, a generation bumped when what is learned and offered changes,
  so a server's cached matcher knows when to rebuild.

The upgrade learns the spans of the annotations submitted before it (counted once per
annotation, as the store's save counts them), so a team's earlier work teaches at once. Its
rules are a frozen copy of ``annotator.suggestions.learned.learnable_key`` as it was here: a
migration must not change when the code does.
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_DASHES = re.compile(r"[-\u2010-\u2015\u2212_]+")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_FUNCTION_WORDS = frozenset(
    """the and for from with that this they their them his her its you our are was were has
    have had not but who which what when where said says told also into over than then there
    في من على إلى الى عن مع أن إن التي الذي هذا هذه ذلك""".split()
)

annotations = sa.table(
    'annotations',
    sa.column('id', sa.Integer),
    sa.column('paragraph_id', sa.String),
    sa.column('annotator_id', sa.Integer),
    sa.column('status', sa.String),
)
entities = sa.table(
    'annotation_entities',
    sa.column('annotation_id', sa.Integer),
    sa.column('start', sa.Integer),
    sa.column('end', sa.Integer),
    sa.column('label', sa.String),
    sa.column('actor_key', sa.String),
)
paragraphs = sa.table('paragraphs', sa.column('id', sa.String), sa.column('text', sa.Text))
learned_spans = sa.table(
    'learned_spans',
    sa.column('key', sa.String),
    sa.column('label', sa.String),
    sa.column('actor_key', sa.String),
    sa.column('spelling', sa.String),
    sa.column('submissions', sa.Integer),
    sa.column('acceptances', sa.Integer),
    sa.column('rejections', sa.Integer),
)


def _learnable_key(text: str) -> str | None:
    key = unicodedata.normalize('NFKC', text).casefold()
    key = key.replace('\u2019', "'").replace('\u2018', "'")
    key = _DASHES.sub(' ', _ARABIC_MARKS.sub('', key))
    key = ' '.join(key.split())
    if len(key) < 3 or len(text) > 100 or len(key) > 100 or key in _FUNCTION_WORDS:
        return None
    return key if any(ch.isalpha() for ch in key) else None


def _learn_submitted() -> None:
    """One learned row per (text, label, actor) of the submitted annotations' entities."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            entities.c.annotation_id,
            entities.c.start,
            entities.c.end,
            entities.c.label,
            entities.c.actor_key,
            paragraphs.c.text,
        )
        .join(annotations, annotations.c.id == entities.c.annotation_id)
        .join(paragraphs, paragraphs.c.id == annotations.c.paragraph_id)
        .where(annotations.c.status == 'submitted', annotations.c.annotator_id.is_not(None))
        .order_by(entities.c.annotation_id)
    )
    seen: set[tuple[int, str, str, str]] = set()
    learned: dict[tuple[str, str, str], dict] = {}
    for annotation_id, start, end, label, actor, text in rows:
        spelling = text[start:end]
        key = _learnable_key(spelling)
        if key is None or (annotation_id, key, label, actor or '') in seen:
            continue
        seen.add((annotation_id, key, label, actor or ''))
        row = learned.setdefault(
            (key, label, actor or ''),
            {'key': key, 'label': label, 'actor_key': actor or '', 'spelling': spelling,
             'submissions': 0, 'acceptances': 0, 'rejections': 0},
        )
        row['submissions'] += 1
    if learned:
        op.bulk_insert(learned_spans, list(learned.values()))


def upgrade() -> None:
    op.create_table('learned_spans',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('actor_key', sa.String(length=64), nullable=False),
    sa.Column('spelling', sa.String(length=100), nullable=False),
    sa.Column('submissions', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('acceptances', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rejections', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.CheckConstraint(
        'submissions >= 0 AND acceptances >= 0 AND rejections >= 0',
        name=op.f('ck_learned_spans_counts_not_negative'),
    ),
    sa.ForeignKeyConstraint(['label'], ['entity_types.name'],
        name=op.f('fk_learned_spans_label_entity_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', 'label', 'actor_key', name=op.f('pk_learned_spans'))
    )
    op.create_table('learned_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_learned_state_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learned_state'))
    )
    _learn_submitted()


def downgrade() -> None:
    op.drop_table('learned_state')
    op.drop_table('learned_spans')
