"""Outgoing webhooks: the endpoints admins register, and the outbox learns the `webhook` channel

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 01:00:00

A webhook delivery is an outbox message, so the outbox's CHECK on its channel takes one more value. SQLite cannot
change a CHECK in place: the table is copied (Alembic's batch mode). Dropping the old copy deletes its rows first,
and the attachments' foreign key cascades that delete: the attachments are kept aside and put back.
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_CHANNELS = ('email', 'google_chat', 'sms')
NEW_CHANNELS = (*OLD_CHANNELS, 'webhook')


def channel_type(channels: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*channels, name='outbox_channel', native_enum=False, create_constraint=True, length=11)


def upgrade() -> None:
    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('secret', sa.String(length=80), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('secret_rotated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by'], ['user.id'], name=op.f('fk_webhook_endpoint_created_by_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    )
    op.create_index(op.f('ix_webhook_endpoint_is_active'), 'webhook_endpoint', ['is_active'])
    _outbox_takes(NEW_CHANNELS, endpoint_column=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE channel = 'webhook'")
    _outbox_takes(OLD_CHANNELS, endpoint_column=False)
    op.drop_index(op.f('ix_webhook_endpoint_is_active'), table_name='webhook_endpoint')
    op.drop_table('webhook_endpoint')


def _outbox_takes(channels: tuple[str, ...], *, endpoint_column: bool) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TEMPORARY TABLE kept_attachment AS SELECT * FROM outbox_attachment')
    with op.batch_alter_table('outbox_message', recreate='always' if sqlite else 'never') as batch:
        if sqlite:
            previous = OLD_CHANNELS if endpoint_column else NEW_CHANNELS
            batch.alter_column(
                'channel', existing_type=channel_type(previous), type_=channel_type(channels), existing_nullable=False
            )
        if endpoint_column:
            batch.add_column(sa.Column('webhook_endpoint_id', sa.Integer(), nullable=True))
            batch.create_foreign_key(
                batch.f('fk_outbox_message_webhook_endpoint_id_webhook_endpoint'),
                'webhook_endpoint',
                ['webhook_endpoint_id'],
                ['id'],
                ondelete='CASCADE',
            )
            batch.create_index(
                batch.f('ix_outbox_message_webhook_endpoint_id_created_at_id'),
                ['webhook_endpoint_id', 'created_at', 'id'],
            )
        else:
            batch.drop_index(batch.f('ix_outbox_message_webhook_endpoint_id_created_at_id'))
            batch.drop_constraint(batch.f('fk_outbox_message_webhook_endpoint_id_webhook_endpoint'), type_='foreignkey')
            batch.drop_column('webhook_endpoint_id')
    if sqlite:
        op.execute('INSERT OR IGNORE INTO outbox_attachment SELECT * FROM kept_attachment')
        op.execute('DROP TABLE kept_attachment')
    else:
        op.execute('ALTER TABLE outbox_message DROP CONSTRAINT ck_outbox_message_outbox_channel')
        listed = ', '.join(f"'{channel}'" for channel in channels)
        op.execute(f'ALTER TABLE outbox_message ADD CONSTRAINT ck_outbox_message_outbox_channel CHECK (channel IN ({listed}))')
