"""team: batches, their members and documents, assignments; gold annotations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:52:56

A gold annotation is an annotations row without an annotator (status 'gold'), one per
paragraph, with the usernames its items came from in ``sources``. Downgrading refuses
while any gold annotation exists: the older schema cannot hold one, and the history
that records it cannot be deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_documents_source_id', 'documents', ['source', 'id'], unique=False)
    op.create_table('corpus_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotatable', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_corpus_stats_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corpus_stats'))
    )
    op.execute(
        "INSERT INTO corpus_stats (id, annotatable) "
        "SELECT 1, count(*) FROM paragraphs WHERE NOT is_boilerplate HAVING count(*) > 0")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('queue_start_id', sa.String(length=80), nullable=True))
    op.execute(
        "UPDATE users SET done_count = (SELECT count(*) FROM annotations a "
        "JOIN paragraphs p ON p.id = a.paragraph_id WHERE a.annotator_id = users.id "
        "AND a.status IN ('submitted', 'skipped') AND NOT p.is_boilerplate)")
    op.create_table('batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('overlap', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(name) BETWEEN 1 AND 100', name=op.f('ck_batches_name_length')),
    sa.CheckConstraint('overlap >= 1', name=op.f('ck_batches_overlap_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_batches_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches')),
    sa.UniqueConstraint('name', name=op.f('uq_batches_name'))
    )
    op.create_table('assignments',
    sa.Column('paragraph_id', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('done', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seconds', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IS NULL OR status IN ('draft', 'submitted', 'skipped')", name=op.f('ck_assignments_status_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_assignments_batch_id_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_assignments_paragraph_id_paragraphs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignments_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('paragraph_id', 'user_id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_batch', ['batch_id', 'user_id'], unique=False)
        batch_op.create_index('ix_assignments_flagged', ['batch_id', 'flagged'], unique=False)
        batch_op.create_index('ix_assignments_queue', ['user_id', 'done', 'batch_id', 'seq'], unique=False)

    op.create_table('batch_documents',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('slots', sa.Integer(), server_default='0', nullable=False),
    sa.Column('done_slots', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_documents_batch_id_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_batch_documents_document_id_documents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('batch_id', 'document_id', name=op.f('pk_batch_documents')),
    sa.UniqueConstraint('document_id', name=op.f('uq_batch_documents_document_id'))
    )
    op.create_table('batch_members',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('submitted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('skipped', sa.Integer(), server_default='0', nullable=False),
    sa.Column('flagged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_members_batch_id_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_batch_members_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('batch_id', 'user_id', name=op.f('pk_batch_members'))
    )
    op.create_index('ix_batch_members_user_id', 'batch_members', ['user_id'], unique=False)
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sources', sa.Text(), nullable=True))
        batch_op.alter_column('annotator_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ux_annotations_gold', ['paragraph_id'], unique=True, sqlite_where=sa.text('annotator_id IS NULL'), postgresql_where=sa.text('annotator_id IS NULL'))
        batch_op.drop_constraint(op.f('ck_annotations_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('draft', 'submitted', 'skipped', 'gold')")
        batch_op.create_check_constraint(
            'gold_has_no_annotator',
            "(annotator_id IS NULL AND status = 'gold') "
            "OR (annotator_id IS NOT NULL AND status <> 'gold')")



def downgrade() -> None:
    gold = op.get_bind().execute(
        sa.text("SELECT count(*) FROM annotations WHERE annotator_id IS NULL")).scalar()
    if gold:
        raise RuntimeError(
            f"{gold} gold annotations exist, which revision 0006 cannot hold; "
            "export them (annotator export --status gold) and keep this revision")
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_annotations_gold_has_no_annotator'), type_='check')
        batch_op.drop_constraint(op.f('ck_annotations_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('draft', 'submitted', 'skipped')")
        batch_op.drop_index('ux_annotations_gold', sqlite_where=sa.text('annotator_id IS NULL'), postgresql_where=sa.text('annotator_id IS NULL'))
        batch_op.alter_column('annotator_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('sources')

    op.drop_index('ix_batch_members_user_id', table_name='batch_members')
    op.drop_table('batch_members')
    op.drop_table('batch_documents')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_queue')
        batch_op.drop_index('ix_assignments_flagged')
        batch_op.drop_index('ix_assignments_batch')

    op.drop_table('assignments')
    op.drop_table('batches')
    op.drop_index('ix_documents_source_id', table_name='documents')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('queue_start_id')
        batch_op.drop_column('done_count')
    op.drop_table('corpus_stats')
