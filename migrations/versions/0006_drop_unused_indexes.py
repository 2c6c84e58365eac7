"""drop two indexes nothing reads: paragraphs.text_sha256, annotation_history.annotation_id

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 18:05:00

Nothing looks paragraphs up by hash (imports compare a paragraph's hash by its id), and
UNIQUE (annotation_id, version) already serves lookups of a history by annotation. Both
indexes cost every insert; the hash index, in random order, most of a large import's time.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_paragraphs_text_sha256', table_name='paragraphs')
    op.drop_index('ix_annotation_history_annotation_id', table_name='annotation_history')


def downgrade() -> None:
    op.create_index(
        'ix_annotation_history_annotation_id', 'annotation_history', ['annotation_id'],
        unique=False,
    )
    op.create_index('ix_paragraphs_text_sha256', 'paragraphs', ['text_sha256'], unique=False)
