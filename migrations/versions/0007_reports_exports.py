"""CSV exports, the monthly report's unsubscribe mark, and outbox attachments and List-Unsubscribe

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:00:00

Columns are added with add_column, a plain ALTER TABLE on SQLite too (see 0005 for why no batch copy).
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

STATES = ('queued', 'running', 'done', 'failed')


def upgrade() -> None:
    op.add_column('user', sa.Column('report_opt_out_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('outbox_message', sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
    op.create_table(
        'outbox_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content_type', sa.String(length=80), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['outbox_message.id'],
            name=op.f('fk_outbox_attachment_message_id_outbox_message'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment')),
    )
    op.create_index(op.f('ix_outbox_attachment_message_id'), 'outbox_attachment', ['message_id'])
    op.create_table(
        'export',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column(
            'state', sa.Enum(*STATES, name='export_state', native_enum=False, create_constraint=True), nullable=False
        ),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=True),
        sa.Column('stored_name', sa.String(length=80), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_export_owner_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_export_stored_name')),
    )
    op.create_index(op.f('ix_export_owner_id_created_at_id'), 'export', ['owner_id', 'created_at', 'id'])
    op.create_index(op.f('ix_export_state_heartbeat_at'), 'export', ['state', 'heartbeat_at'])
    op.create_index(op.f('ix_export_created_at'), 'export', ['created_at'])


def downgrade() -> None:
    op.drop_table('export')
    op.drop_table('outbox_attachment')
    op.drop_column('outbox_message', 'unsubscribe_url')
    op.drop_column('user', 'report_opt_out_at')
