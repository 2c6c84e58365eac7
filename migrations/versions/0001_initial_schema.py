"""initial schema: documents, paragraphs, users, tokens, labels, actors, annotations, history

The history table is append-only: triggers refuse UPDATE and DELETE on it.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 14:48:06.506902
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_MESSAGE = "annotation_history is append-only"


def upgrade() -> None:
    op.create_table('actor_types',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint('name = upper(name) AND length(name) > 0', name=op.f('ck_actor_types_name_upper')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_actor_types'))
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=512), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('meta', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(id) BETWEEN 1 AND 64', name=op.f('ck_documents_id_length')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_documents_title_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('content_sha256', name=op.f('uq_documents_content_sha256'))
    )
    op.create_table('entity_types',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('hotkey', sa.String(length=1), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint("length(colour) = 7 AND substr(colour, 1, 1) = '#'", name=op.f('ck_entity_types_colour_hex')),
    sa.CheckConstraint('name = upper(name) AND length(name) > 0', name=op.f('ck_entity_types_name_upper')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_entity_types')),
    sa.UniqueConstraint('hotkey', name=op.f('uq_entity_types_hotkey'))
    )
    op.create_table('quote_types',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('hotkey', sa.String(length=1), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint("length(colour) = 7 AND substr(colour, 1, 1) = '#'", name=op.f('ck_quote_types_colour_hex')),
    sa.CheckConstraint('name = upper(name) AND length(name) > 0', name=op.f('ck_quote_types_name_upper')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_quote_types')),
    sa.UniqueConstraint('hotkey', name=op.f('uq_quote_types_hotkey'))
    )
    op.create_table('stance_polarities',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('hotkey', sa.String(length=1), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint("length(colour) = 7 AND substr(colour, 1, 1) = '#'", name=op.f('ck_stance_polarities_colour_hex')),
    sa.CheckConstraint('name = upper(name) AND length(name) > 0', name=op.f('ck_stance_polarities_name_upper')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stance_polarities')),
    sa.UniqueConstraint('hotkey', name=op.f('uq_stance_polarities_hotkey'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'reviewer', 'annotator')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint('length(username) BETWEEN 1 AND 64', name=op.f('ck_users_username_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('actors',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint('length(key) BETWEEN 1 AND 64', name=op.f('ck_actors_key_length')),
    sa.ForeignKeyConstraint(['type'], ['actor_types.name'], name=op.f('fk_actors_type_actor_types')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_actors'))
    )
    op.create_index('ix_actors_type', 'actors', ['type'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_api_tokens_hash_length')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index('ix_api_tokens_user_id', 'api_tokens', ['user_id'], unique=False)
    op.create_table('paragraphs',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('is_boilerplate', sa.Boolean(), nullable=False),
    sa.Column('boilerplate_reason', sa.String(length=64), nullable=True),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_paragraphs_text_not_empty')),
    sa.CheckConstraint('length(text_sha256) = 64', name=op.f('ck_paragraphs_sha256_length')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_paragraphs_position_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_paragraphs_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraphs')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_paragraphs_document_id_position'))
    )
    op.create_index('ix_paragraphs_document_id', 'paragraphs', ['document_id'], unique=False)
    op.create_index('ix_paragraphs_text_sha256', 'paragraphs', ['text_sha256'], unique=False)
    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_key', sa.String(length=64), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('normalised', sa.String(length=200), nullable=False),
    sa.CheckConstraint('length(alias) > 0 AND length(normalised) > 0', name=op.f('ck_actor_aliases_not_empty')),
    sa.ForeignKeyConstraint(['actor_key'], ['actors.key'], name=op.f('fk_actor_aliases_actor_key_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_key', 'normalised', name=op.f('uq_actor_aliases_actor_key_normalised'))
    )
    op.create_index('ix_actor_aliases_normalised', 'actor_aliases', ['normalised'], unique=False)
    op.create_table('annotations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.String(length=80), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'skipped')", name=op.f('ck_annotations_status_known')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_annotations_version_positive')),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_annotations_annotator_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_annotations_paragraph_id_paragraphs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotations')),
    sa.UniqueConstraint('paragraph_id', 'annotator_id', name=op.f('uq_annotations_paragraph_id_annotator_id'))
    )
    op.create_index('ix_annotations_annotator_status', 'annotations', ['annotator_id', 'status'], unique=False)
    op.create_table('annotation_entities',
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('actor_key', sa.String(length=64), nullable=True),
    sa.Column('from_suggestion', sa.Boolean(), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_annotation_entities_span_valid')),
    sa.ForeignKeyConstraint(['actor_key'], ['actors.key'], name=op.f('fk_annotation_entities_actor_key_actors')),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], name=op.f('fk_annotation_entities_annotation_id_annotations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['label'], ['entity_types.name'], name=op.f('fk_annotation_entities_label_entity_types')),
    sa.PrimaryKeyConstraint('annotation_id', 'local_id', name=op.f('pk_annotation_entities'))
    )
    op.create_index('ix_annotation_entities_actor_key', 'annotation_entities', ['actor_key'], unique=False)
    op.create_table('annotation_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], name=op.f('fk_annotation_history_annotation_id_annotations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_annotation_history_saved_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_history')),
    sa.UniqueConstraint('annotation_id', 'version', name=op.f('uq_annotation_history_annotation_id_version'))
    )
    op.create_index('ix_annotation_history_annotation_id', 'annotation_history', ['annotation_id'], unique=False)
    _create_append_only_triggers()
    op.create_table('annotation_quotes',
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=32), nullable=False),
    sa.Column('speaker', sa.String(length=32), nullable=True),
    sa.Column('cue_start', sa.Integer(), nullable=True),
    sa.Column('cue_end', sa.Integer(), nullable=True),
    sa.Column('content_start', sa.Integer(), nullable=False),
    sa.Column('content_end', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.CheckConstraint('(cue_start IS NULL AND cue_end IS NULL) OR (cue_start >= 0 AND cue_start < cue_end)', name=op.f('ck_annotation_quotes_cue_valid')),
    sa.CheckConstraint('content_start >= 0 AND content_start < content_end', name=op.f('ck_annotation_quotes_content_valid')),
    sa.ForeignKeyConstraint(['annotation_id', 'speaker'], ['annotation_entities.annotation_id', 'annotation_entities.local_id'], name=op.f('fk_annotation_quotes_annotation_id_speaker_annotation_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], name=op.f('fk_annotation_quotes_annotation_id_annotations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type'], ['quote_types.name'], name=op.f('fk_annotation_quotes_type_quote_types')),
    sa.PrimaryKeyConstraint('annotation_id', 'local_id', name=op.f('pk_annotation_quotes'))
    )
    op.create_table('annotation_stances',
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=32), nullable=False),
    sa.Column('target_entity', sa.String(length=32), nullable=True),
    sa.Column('target_start', sa.Integer(), nullable=True),
    sa.Column('target_end', sa.Integer(), nullable=True),
    sa.Column('polarity', sa.String(length=32), nullable=False),
    sa.Column('quote', sa.String(length=32), nullable=True),
    sa.CheckConstraint('(target_entity IS NOT NULL AND target_start IS NULL AND target_end IS NULL) OR (target_entity IS NULL AND target_start >= 0 AND target_start < target_end)', name=op.f('ck_annotation_stances_one_target')),
    sa.CheckConstraint('target_entity IS NULL OR target_entity <> holder', name=op.f('ck_annotation_stances_holder_not_target')),
    sa.ForeignKeyConstraint(['annotation_id', 'holder'], ['annotation_entities.annotation_id', 'annotation_entities.local_id'], name=op.f('fk_annotation_stances_annotation_id_holder_annotation_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['annotation_id', 'quote'], ['annotation_quotes.annotation_id', 'annotation_quotes.local_id'], name=op.f('fk_annotation_stances_annotation_id_quote_annotation_quotes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['annotation_id', 'target_entity'], ['annotation_entities.annotation_id', 'annotation_entities.local_id'], name=op.f('fk_annotation_stances_annotation_id_target_entity_annotation_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], name=op.f('fk_annotation_stances_annotation_id_annotations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['polarity'], ['stance_polarities.name'], name=op.f('fk_annotation_stances_polarity_stance_polarities')),
    sa.PrimaryKeyConstraint('annotation_id', 'local_id', name=op.f('pk_annotation_stances'))
    )


def _create_append_only_triggers() -> None:
    """Make the database itself refuse to change or delete history rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION annotation_history_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER annotation_history_append_only BEFORE UPDATE OR DELETE "
            "ON annotation_history FOR EACH ROW EXECUTE FUNCTION annotation_history_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER annotation_history_no_{event.lower()} BEFORE {event} "
                f"ON annotation_history BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS annotation_history_append_only ON annotation_history")
        op.execute("DROP FUNCTION IF EXISTS annotation_history_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS annotation_history_no_update")
        op.execute("DROP TRIGGER IF EXISTS annotation_history_no_delete")


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table('annotation_stances')
    op.drop_table('annotation_quotes')
    op.drop_index('ix_annotation_history_annotation_id', table_name='annotation_history')
    op.drop_table('annotation_history')
    op.drop_index('ix_annotation_entities_actor_key', table_name='annotation_entities')
    op.drop_table('annotation_entities')
    op.drop_index('ix_annotations_annotator_status', table_name='annotations')
    op.drop_table('annotations')
    op.drop_index('ix_actor_aliases_normalised', table_name='actor_aliases')
    op.drop_table('actor_aliases')
    op.drop_index('ix_paragraphs_text_sha256', table_name='paragraphs')
    op.drop_index('ix_paragraphs_document_id', table_name='paragraphs')
    op.drop_table('paragraphs')
    op.drop_index('ix_api_tokens_user_id', table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index('ix_actors_type', table_name='actors')
    op.drop_table('actors')
    op.drop_table('users')
    op.drop_table('stance_polarities')
    op.drop_table('quote_types')
    op.drop_table('entity_types')
    op.drop_table('documents')
    op.drop_table('actor_types')
