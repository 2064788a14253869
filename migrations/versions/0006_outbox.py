"""the outbox of outgoing messages, notifications' dispatch mark, and job runs that say how they went

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:30:00

Notifications written before this revision are marked dispatched at their creation: they predate messages
leaving the app, and sending them all on the first start after an upgrade would be a flood of stale news.
Columns are added with add_column, a plain ALTER TABLE on SQLite too (see 0005 for why no batch copy).
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CHANNELS = ('email', 'google_chat', 'sms')
STATES = ('pending', 'sending', 'sent', 'failed', 'not_configured')


def upgrade() -> None:
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column(
            'channel',
            sa.Enum(*CHANNELS, name='outbox_channel', native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('idempotency_key', sa.String(length=160), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column(
            'state', sa.Enum(*STATES, name='outbox_state', native_enum=False, create_constraint=True), nullable=False
        ),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lease_until', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('lease_token', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_outbox_message_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key')),
    )
    op.create_index(op.f('ix_outbox_message_state_next_attempt_at'), 'outbox_message', ['state', 'next_attempt_at'])
    op.create_index(op.f('ix_outbox_message_created_at_id'), 'outbox_message', ['created_at', 'id'])
    op.create_index(op.f('ix_outbox_message_state_created_at_id'), 'outbox_message', ['state', 'created_at', 'id'])

    op.add_column('notification', sa.Column('dispatched_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.execute('UPDATE notification SET dispatched_at = created_at')
    op.create_index(op.f('ix_notification_dispatched_at_user_id'), 'notification', ['dispatched_at', 'user_id'])

    op.add_column('job_run', sa.Column('attempts', sa.Integer(), server_default='1', nullable=False))
    op.add_column('job_run', sa.Column('summary', sa.String(length=200), nullable=True))
    op.add_column('job_run', sa.Column('last_error', sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE job_run DROP COLUMN last_error')
    op.execute('ALTER TABLE job_run DROP COLUMN summary')
    op.execute('ALTER TABLE job_run DROP COLUMN attempts')
    op.drop_index(op.f('ix_notification_dispatched_at_user_id'), table_name='notification')
    op.execute('ALTER TABLE notification DROP COLUMN dispatched_at')
    op.drop_index(op.f('ix_outbox_message_state_created_at_id'), table_name='outbox_message')
    op.drop_index(op.f('ix_outbox_message_created_at_id'), table_name='outbox_message')
    op.drop_index(op.f('ix_outbox_message_state_next_attempt_at'), table_name='outbox_message')
    op.drop_table('outbox_message')
