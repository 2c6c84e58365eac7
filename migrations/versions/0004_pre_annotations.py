"""pre-annotations imported from annotator.v1 files

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 15:59:15.492948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pre_annotations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.String(length=80), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_pre_annotations_paragraph_id_paragraphs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pre_annotations')),
    sa.UniqueConstraint('paragraph_id', 'source', name=op.f('uq_pre_annotations_paragraph_id_source'))
    )
    op.create_index('ix_pre_annotations_paragraph_id', 'pre_annotations', ['paragraph_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_pre_annotations_paragraph_id', table_name='pre_annotations')

    op.drop_table('pre_annotations')