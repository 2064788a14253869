"""Bookings made with an Idempotency-Key (the REST API): a retried POST returns the first booking

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:20:00
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'idempotent_booking',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['request_id'],
            ['service_request.id'],
            name=op.f('fk_idempotent_booking_request_id_service_request'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_idempotent_booking_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_booking')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotent_booking_user_id_key')),
    )


def downgrade() -> None:
    op.drop_table('idempotent_booking')
