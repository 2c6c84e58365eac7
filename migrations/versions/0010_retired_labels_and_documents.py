"""retired labels and documents

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 00:00:00

- ``entity_types``, ``stance_polarities``, ``quote_types``: ``retired_at``. A retired label is
  hidden from new work and stays valid on the annotations that use it (issue 12 §2).
- ``documents.retired_at``: a retired document leaves every queue and batch deal, keeps its
  annotations and is still exported (issue 12 §3).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LABEL_TABLES = ('entity_types', 'stance_polarities', 'quote_types')


def upgrade() -> None:
    for table in (*LABEL_TABLES, 'documents'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in (*LABEL_TABLES, 'documents'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('retired_at')
