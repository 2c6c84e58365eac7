"""sessions and logins: login-throttle counters, token expiry, history safe from TRUNCATE

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00

- ``rate_limit_counters``: the counters of the login throttle (the ``limits`` library's
  fixed windows), shared by every server process when Redis is not configured.
- ``api_tokens.expires_at``: a token may expire (`annotator token NAME --expires 90d`).
- Tokens of inactive accounts are revoked: deactivating now revokes them for good, so an
  account deactivated before this revision must not get its old tokens back when it is
  reactivated. The downgrade leaves them revoked (which tokens were live is not kept).
- PostgreSQL: a BEFORE TRUNCATE statement trigger on ``annotation_history``, which the
  row triggers of 0001 do not see. SQLite has no TRUNCATE; its DELETE trigger covers it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

api_tokens = sa.table(
    'api_tokens',
    sa.column('user_id', sa.Integer),
    sa.column('revoked_at', sa.DateTime(timezone=True)),
)
users = sa.table('users', sa.column('id', sa.Integer), sa.column('active', sa.Boolean))


def upgrade() -> None:
    op.create_table('rate_limit_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_rate_limit_counters_count_not_negative')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counters'))
    )
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_rate_limit_counters_expires_at'), ['expires_at'], unique=False
        )

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        api_tokens.update()
        .where(api_tokens.c.revoked_at.is_(None))
        .where(api_tokens.c.user_id.in_(sa.select(users.c.id).where(sa.not_(users.c.active))))
        .values(revoked_at=sa.func.now())
    )

    if op.get_bind().dialect.name == 'postgresql':
        # The function of 0001 raises for any trigger, row or statement.
        op.execute(
            'CREATE TRIGGER annotation_history_no_truncate BEFORE TRUNCATE ON annotation_history '
            'FOR EACH STATEMENT EXECUTE FUNCTION annotation_history_append_only()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS annotation_history_no_truncate ON annotation_history')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counters_expires_at'))
    op.drop_table('rate_limit_counters')
