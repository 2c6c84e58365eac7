"""workspace: alias proposals, flags, item order, suggestion decisions, actors' entity label

Existing aliases become confirmed; existing annotations unflagged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 15:04:07.198227
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('suggestion_decisions',
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=True),
    sa.Column('actor_key', sa.String(length=64), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.CheckConstraint("decision IN ('accepted', 'rejected', 'ignored')", name=op.f('ck_suggestion_decisions_decision_known')),
    sa.CheckConstraint("kind IN ('entity', 'cue')", name=op.f('ck_suggestion_decisions_kind_known')),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_suggestion_decisions_span_valid')),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], name=op.f('fk_suggestion_decisions_annotation_id_annotations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('annotation_id', 'suggestion_id', name=op.f('pk_suggestion_decisions'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='confirmed', nullable=False))
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_actor_aliases_proposed_by_id_users'), 'users', ['proposed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_actor_aliases_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            op.f('ck_actor_aliases_status_known'), "status IN ('confirmed', 'proposed')"
        )

    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entity_label', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_actors_entity_label_entity_types'), 'entity_types', ['entity_label'], ['name'])

    with op.batch_alter_table('annotation_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('annotation_quotes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('annotation_stances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_column('flagged')

    with op.batch_alter_table('annotation_stances', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('annotation_quotes', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('annotation_entities', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_actor_aliases_status_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_actor_aliases_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_actor_aliases_proposed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('created_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('proposed_by_id')
        batch_op.drop_column('status')

    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actors_entity_label_entity_types'), type_='foreignkey')
        batch_op.drop_column('entity_label')

    op.drop_table('suggestion_decisions')